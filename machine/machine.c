/* machine.c — a PG32 machine's life cycle and its outside view: create,
 * load, reset, state access, code and page-table watches (isa/SPEC.md §11).
 * The loop itself is in cpu.c, the words for why it stopped in
 * machine_describe.c.  Every program that runs
 * a PG32 guest starts here; Lab 1 reads machine_create() for the device table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "dev_power.h"
#include "machine_internal.h"

/* Memory, the decode cache and the watch arrays come straight from the
 * system, zeroed and untouched: a page costs something only when the guest
 * first uses it, so creating a machine costs the same for 1 MiB and for
 * 256 MiB (and a fresh decode cache is all DECODE_EMPTY, which is zero).
 * `sparse`: only a few scattered pages will ever be touched (the decode
 * cache, where code runs): small pages, so that a first touch does not
 * zero -- and keep -- a 2 MiB transparent huge page. */
static void *
machine_zeroed_pages_for(size_t bytes, bool sparse)
{
	void *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
		       -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	if (sparse)
		madvise(p, bytes, MADV_NOHUGEPAGE);   /* advice: harmless if refused */
	return p;
}

static void *
machine_zeroed_pages(size_t bytes)
{
	return machine_zeroed_pages_for(bytes, false);
}

static void
machine_free_pages(void *p, size_t bytes)
{
	if (p)
		munmap(p, bytes);
}

static size_t
machine_memory_bytes(const struct machine *m)
{
	return m->mem_size;
}

static size_t
machine_decoded_bytes(const struct machine *m)
{
	return (size_t)m->mem_size / ISA_WORD * sizeof *m->decoded;
}

/* The devices of every PG32 machine, in one table (SPEC §10). */
static int
machine_attach_devices(struct machine *m)
{
	if (bus_register(&m->bus, &console_dev_ops, &m->console,
			 CONSOLE_PORT_BASE, CONSOLE_PORT_COUNT) < 0 ||
	    bus_register(&m->bus, &timer_dev_ops, &m->timer,
			 TIMER_PORT_BASE, TIMER_PORT_COUNT) < 0 ||
	    bus_register(&m->bus, &power_dev_ops, m,
			 POWER_PORT_BASE, POWER_PORT_COUNT) < 0)
		return -1;
	return 0;
}

struct machine *
machine_create(const struct machine_config *cfg, char *err, size_t errlen)
{
	if ((unsigned)cfg->variant >= ISA_VARIANT_COUNT) {
		snprintf(err, errlen, "unknown ISA variant %d", (int)cfg->variant);
		return NULL;
	}
	if (cfg->memory_size < MACHINE_MIN_MEMORY || cfg->memory_size > MACHINE_MAX_MEMORY ||
	    cfg->memory_size % PAGE_SIZE != 0) {
		snprintf(err, errlen,
			 "memory size %u bytes: must be a multiple of %u between %u and %u",
			 cfg->memory_size, PAGE_SIZE, MACHINE_MIN_MEMORY, MACHINE_MAX_MEMORY);
		return NULL;
	}
	struct machine *m = calloc(1, sizeof *m);
	if (!m)
		goto out_of_memory;
	m->mem_size = cfg->memory_size;
	m->mem = machine_zeroed_pages(machine_memory_bytes(m));
	m->decoded = machine_zeroed_pages_for(machine_decoded_bytes(m), true);
	m->watch = calloc(1, sizeof *m->watch);
	if (!m->mem || !m->decoded || !m->watch)
		goto out_of_memory;
	m->watch->npages = cfg->memory_size / CODE_WATCH_GRAIN;
	m->watch->pages = machine_zeroed_pages(m->watch->npages);
	m->watch->pt_marks = machine_zeroed_pages(m->watch->npages);
	m->watch->decoded_seen = machine_zeroed_pages(m->watch->npages);
	m->watch->dirty = machine_zeroed_pages(m->watch->npages);
	m->watch->pt_epoch = 1;         /* the marks start at 0: none is current */
	m->watch->pristine = true;
	/* TRAPLAB_NO_TLB=1: no TLB and no paged windows, every access walks the
	 * tables, as SPEC's reference does and TrapLab did before its TLB --
	 * for bench/interp's comparison and the tests that the two agree */
	const char *no_tlb = getenv("TRAPLAB_NO_TLB");
	m->tlb_off = no_tlb && *no_tlb && strcmp(no_tlb, "0") != 0;
	if (!m->watch->pages || !m->watch->pt_marks || !m->watch->decoded_seen ||
	    !m->watch->dirty)
		goto out_of_memory;
	m->variant = cfg->variant;
	for (int op = 0; op < OP_COUNT; op++)
		m->privileged[op] = isa_is_privileged((enum isa_opcode)op, cfg->variant);
	if (machine_attach_devices(m) < 0) {
		snprintf(err, errlen, "internal error: device ports overlap");
		machine_destroy(m);
		return NULL;
	}
	machine_reset(m);
	return m;

out_of_memory:
	snprintf(err, errlen, "out of memory for a %u-byte machine", cfg->memory_size);
	machine_destroy(m);
	return NULL;
}

struct machine *
machine_create_view(struct machine *parent, uint32_t base, uint32_t size,
		    char *err, size_t errlen)
{
	if (base % PAGE_SIZE || size % PAGE_SIZE || size < MACHINE_MIN_MEMORY ||
	    base > parent->mem_size || size > parent->mem_size - base) {
		snprintf(err, errlen, "a view of %u bytes at 0x%x does not fit in %u bytes "
			 "of page-aligned memory", size, base, parent->mem_size);
		return NULL;
	}
	struct machine *m = calloc(1, sizeof *m);
	if (!m) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	m->is_view = true;
	m->mem = parent->mem + base;
	m->decoded = parent->decoded + base / ISA_WORD;
	m->watch = parent->watch;
	m->watch_first_page = parent->watch_first_page + base / CODE_WATCH_GRAIN;
	m->tlb_off = parent->tlb_off;
	m->mem_size = size;
	m->variant = parent->variant;
	memcpy(m->privileged, parent->privileged, sizeof m->privileged);
	if (machine_attach_devices(m) < 0) {
		snprintf(err, errlen, "internal error: device ports overlap");
		free(m);
		return NULL;
	}
	machine_reset(m);
	return m;
}

void
machine_destroy(struct machine *m)
{
	if (!m)
		return;
	if (!m->is_view) {
		machine_free_pages(m->mem, machine_memory_bytes(m));
		machine_free_pages(m->decoded, machine_decoded_bytes(m));
		if (m->watch) {
			machine_free_pages(m->watch->pages, m->watch->npages);
			machine_free_pages(m->watch->pt_marks, m->watch->npages);
			machine_free_pages(m->watch->decoded_seen, m->watch->npages);
			machine_free_pages(m->watch->dirty, m->watch->npages);
		}
		free(m->watch);
	}
	free(m);
}

void
machine_reset(struct machine *m)
{
	memset(&m->s, 0, sizeof m->s);
	m->s.psw = PSW_S;
	m->retired = 0;
	m->idle_ticks = 0;
	m->traps_in_a_row = 0;
	m->retired_at_last_trap = 0;
	memset(m->traps, 0, sizeof m->traps);
	bus_reset(&m->bus);
	m->stopped = false;
	memset(&m->stop, 0, sizeof m->stop);
	m->watch->pt_changes++;         /* memory may be new: no TLB on it keeps an entry */
	tlb_flush(m);
}

int
machine_load_image(struct machine *m, const uint8_t *image, size_t size,
		   char *err, size_t errlen)
{
	if (size > m->mem_size) {
		snprintf(err, errlen, "image is %zu bytes but memory is only %u bytes "
			 "(use --memory to give the machine more)", size, m->mem_size);
		return -1;
	}
	machine_wipe_memory(m);
	machine_write_phys(m, 0, image, size);
	machine_reset(m);
	return 0;
}

void
machine_wipe_memory(struct machine *m)
{
	if (m->watch->pristine)         /* as created: nothing to find */
		return;
	machine_clear_phys(m, 0, m->mem_size);
	m->watch->pt_changes++;         /* no TLB on this memory keeps an entry */
}

bool
machine_page_written(const struct machine *m, uint32_t addr)
{
	if (addr >= m->mem_size)
		return false;
	uint32_t first = m->watch_first_page + addr / PAGE_SIZE * CHUNKS_PER_PAGE;
	return memchr(m->watch->dirty + first, 1, CHUNKS_PER_PAGE) != NULL;
}

/* ===== outside view ======================================================== */

const struct machine_stop_info *
machine_last_stop(const struct machine *m)
{
	return &m->stop;
}

uint64_t
machine_retired(const struct machine *m)
{
	return m->retired;
}

enum isa_variant
machine_variant(const struct machine *m)
{
	return m->variant;
}

uint32_t
machine_memory_size(const struct machine *m)
{
	return m->mem_size;
}

void
machine_get_stats(const struct machine *m, struct machine_stats *out)
{
	memset(out, 0, sizeof *out);
	out->retired = m->retired;
	out->idle_ticks = m->idle_ticks;
	memcpy(out->traps, m->traps, sizeof out->traps);
	out->timer_expiries = m->timer.expiries;
	out->console_bytes = m->console.bytes_written;
	out->unowned_port_accesses = m->bus.unowned_accesses;
}

void
machine_set_trap_hook(struct machine *m, machine_trap_hook hook, void *ctx)
{
	m->trap_hook = hook;
	m->trap_hook_ctx = ctx;
}

void
machine_set_stop_on_user(struct machine *m, bool stop)
{
	m->stop_on_user = stop;
}

void
machine_set_decode_every_time(struct machine *m, bool on)
{
	m->decode_every_time = on;
}

void
machine_account(struct machine *m, uint64_t n)
{
	m->retired += n;
	if (n)
		m->traps_in_a_row = 0;
	timer_advance(&m->timer, m->retired);
}

uint64_t
machine_timer_deadline(const struct machine *m)
{
	return timer_deadline(&m->timer);
}

bool
machine_interrupt_pending(const struct machine *m)
{
	return m->timer.pending;
}

uint32_t
machine_port_in(struct machine *m, uint16_t port)
{
	timer_advance(&m->timer, m->retired);
	return bus_in(&m->bus, port);
}

void
machine_port_out(struct machine *m, uint16_t port, uint32_t value)
{
	timer_advance(&m->timer, m->retired);
	bus_out(&m->bus, port, value);
}

bool
machine_port_affects_time(uint16_t port)
{
	return (port >= TIMER_PORT_BASE && port < TIMER_PORT_BASE + TIMER_PORT_COUNT) ||
	       (port >= POWER_PORT_BASE && port < POWER_PORT_BASE + POWER_PORT_COUNT);
}

bool
machine_halt_wait(struct machine *m)
{
	timer_advance(&m->timer, m->retired);
	if (m->timer.pending)
		return true;
	if ((m->s.psw & PSW_IE) && m->timer.interval) {
		m->idle_ticks += timer_skip_to_expiry(&m->timer);
		return true;
	}
	cpu_stop(m, STOP_HALTED_FOREVER);
	return false;
}

void
machine_watch_code(struct machine *m, uint32_t pa)
{
	if (pa >= m->mem_size)
		return;
	m->watch->pages[m->watch_first_page + pa / CODE_WATCH_GRAIN] |= WATCH_CODE;
	m->watch->any = true;
}

void
machine_note_watched_store(struct code_watch *w, uint32_t chunk)
{
	if (w->pages[chunk] & WATCH_CODE)
		w->written = true;
	if (w->pages[chunk] & WATCH_PAGE_TABLE)
		w->page_table_stores++;
}

bool
machine_code_written(struct machine *m)
{
	if (!m->watch->written)
		return false;
	memset(m->watch->pages, 0, m->watch->npages);
	m->watch->any = false;
	m->watch->written = false;
	return true;
}

bool
machine_stopped(const struct machine *m)
{
	if (!m->stopped)
		return false;
	switch (m->stop.reason) {
	case STOP_POWER_OFF:
	case STOP_UNHANDLED_TRAP:
	case STOP_HALTED_FOREVER:
	case STOP_TRAP_STORM:
		return true;
	case STOP_NONE:
	case STOP_BUDGET:
	case STOP_HOOK:
	case STOP_USER_MODE:
		return false;
	}
	return false;
}

void
machine_set_console(struct machine *m, machine_console_sink sink, void *ctx)
{
	m->console.sink = sink;
	m->console.sink_ctx = ctx;
}

void
machine_set_tracer(struct machine *m, const struct machine_tracer *tracer)
{
	if (tracer)
		m->tracer = *tracer;
	else
		memset(&m->tracer, 0, sizeof m->tracer);
}

void
machine_console_input(struct machine *m, const char *text, size_t len)
{
	console_push_input(&m->console, text, len);
}

void
machine_get_state(const struct machine *m, struct cpu_state *out)
{
	*out = m->s;
}

const struct cpu_state *
machine_state(const struct machine *m)
{
	return &m->s;
}

void
machine_set_state(struct machine *m, const struct cpu_state *in)
{
	m->s = *in;
	m->s.r[ISA_REG_ZERO] = 0;
	m->s.psw &= PSW_WRITABLE;
	m->s.cr[CR_ptbr] &= PTE_FRAME_MASK;
	m->s.cr[CR_mmu] &= MMU_PG;
}

static bool
machine_phys_range_ok(const struct machine *m, uint32_t addr, size_t len)
{
	return len <= m->mem_size && addr <= m->mem_size - len;
}

int
machine_read_phys(const struct machine *m, uint32_t addr, void *buf, size_t len)
{
	if (!machine_phys_range_ok(m, addr, len))
		return -1;
	memcpy(buf, m->mem + addr, len);
	return 0;
}

/* Chunk `c` of this machine (its watch chunk m->watch_first_page + c)
 * changed: forget its decoded words if one was decoded there, tell the
 * translator if it watches the chunk, and start a new TLB epoch if a walk
 * read a page-table word there.  True in that case.  (What
 * machine_invalidate_word does for one word, for a whole chunk.) */
static bool
machine_note_chunk_changed(struct machine *m, uint32_t c)
{
	enum { WORDS_PER_CHUNK = CODE_WATCH_GRAIN / ISA_WORD };
	uint32_t chunk = m->watch_first_page + c;
	if (m->watch->decoded_seen[chunk]) {
		for (uint32_t word = 0; word < WORDS_PER_CHUNK; word++)
			m->decoded[c * WORDS_PER_CHUNK + word].handler = DECODE_EMPTY;
		m->watch->decoded_seen[chunk] = 0;
	}
	return machine_note_chunk_store(m->watch, chunk);
}

int
machine_write_phys(struct machine *m, uint32_t addr, const void *buf, size_t len)
{
	if (!machine_phys_range_ok(m, addr, len))
		return -1;
	memcpy(m->mem + addr, buf, len);
	m->watch->pristine = false;
	if (len)
		for (uint32_t c = addr / CODE_WATCH_GRAIN; c <= (addr + len - 1) / CODE_WATCH_GRAIN; c++)
			machine_note_chunk_changed(m, c);
	return 0;
}

/* Only chunks that were written can hold anything but zeros (the dirty
 * marks): clearing the others changes nothing, and costs nothing.  A
 * shadow page table with three entries in use is cleared with three
 * 64-byte stores, not 4096 bytes; wiping a 16 MiB machine touches only
 * what its guest wrote.  memchr finds the few marked chunks among many. */
int
machine_clear_phys(struct machine *m, uint32_t addr, size_t len)
{
	if (!machine_phys_range_ok(m, addr, len))
		return -1;
	if (!len)
		return 0;
	uint32_t first = addr / CODE_WATCH_GRAIN, last = (uint32_t)(addr + len - 1) / CODE_WATCH_GRAIN;
	uint8_t *dirty = m->watch->dirty + m->watch_first_page;
	uint32_t end = addr + (uint32_t)len;
	for (uint8_t *at = memchr(dirty + first, 1, last - first + 1); at;
	     at = memchr(at + 1, 1, last - (uint32_t)(at - dirty))) {
		uint32_t c = (uint32_t)(at - dirty);
		uint32_t from = c * CODE_WATCH_GRAIN, to = from + CODE_WATCH_GRAIN;
		bool whole = from >= addr && to <= end;
		if (from < addr)
			from = addr;
		if (to > end)
			to = end;
		memset(m->mem + from, 0, to - from);
		machine_note_chunk_changed(m, c);
		if (whole)
			*at = 0;                /* all zero again */
	}
	return 0;
}

const uint8_t *
machine_phys_memory(const struct machine *m)
{
	return m->mem;
}

unsigned
machine_translate(const struct machine *m, uint32_t va, unsigned size,
		  enum isa_access access, uint32_t *pa)
{
	return mmu_translate_in(m, NULL, va, size, access, pa);
}

/* Watch the chunk of page-table word pa (machine_translate_watched). */
static uint32_t
machine_watch_page_table_word(struct machine *m, uint64_t pa)
{
	m->watch->pages[m->watch_first_page + pa / CODE_WATCH_GRAIN] |= WATCH_PAGE_TABLE;
	m->watch->any = true;
	return (uint32_t)pa;
}

unsigned
machine_translate_watched(struct machine *m, uint32_t va, unsigned size,
			  enum isa_access access, uint32_t *pa, struct machine_walk_words *words)
{
	*words = (struct machine_walk_words){ .l1 = NO_WALK_WORD, .l2 = NO_WALK_WORD };
	if (m->s.cr[CR_mmu] & MMU_PG) {
		/* the level-1 entry even when it is invalid: a store may make it valid */
		struct mmu_walk_trace t;
		uint32_t walked;
		mmu_walk_traced(m, va, access, &walked, &t);
		if (t.l1_at < m->mem_size)
			words->l1 = machine_watch_page_table_word(m, t.l1_at);
		if (t.leaf_read)
			words->l2 = machine_watch_page_table_word(m, t.l2_at);
	}
	return machine_translate(m, va, size, access, pa);
}

uint64_t
machine_page_table_changes(const struct machine *m)
{
	return m->watch->page_table_stores;
}
