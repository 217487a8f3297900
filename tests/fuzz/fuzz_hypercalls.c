/* fuzz_hypercalls.c — libFuzzer target: PV hypercalls with arbitrary
 * arguments (issue 15, "hostile input everywhere"; Lab 9, monitor/PV.md).
 * The input becomes a paravirtual guest kernel that loads r1-r4 from each
 * 14-byte record and executes `hcall` (or, one record in sixteen kinds, an
 * arbitrary instruction: `mtcr mmu` to turn paging on, a `rti`, garbage),
 * with the rest of the input as data its pointers may aim at, and powers
 * off at the end.  It runs under --mode=pv on a VM kept from one input to
 * the next.  Whatever it asks, the host must not crash (the sanitizers
 * watch), the run must end cleanly within its budget, and the guest must
 * not reach real memory outside its own: the real machine's relocation
 * window, or every real page its (shadow) page tables map, lies inside
 * the guest's slice, and the monitor's memory stays untouched unless
 * shadow paging used it.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pv.h"
#include "fuzz_support.h"
#include "vm.h"

enum {
	GUEST_MEMORY = 64 * 1024,
	CODE_LIMIT = 32 * 1024,        /* the kernel's code ends below here ... */
	DATA_BASE = CODE_LIMIT,        /* ... and the input's data starts */
	DATA_SIZE = GUEST_MEMORY - DATA_BASE,
	HEADER_BYTES = 3,              /* variant+placement, budget (2) */
	RECORD_BYTES = 14,             /* kind, pointer flags, r2, r3, r4 */
	RECORD_ARGS = 3,
	RAW_KIND_MIN = 0xf0,           /* kinds from here: r2 is an instruction to run */
	HC_NUMBERS = 16,               /* numbers tried: 0 and 13-15 are no hypercall */
	CTL_VARIANT_MASK = 0x03,
	CTL_IDENTITY = 1u << 2,
	BUDGET_MIN = 256,
	BUDGET_RANGE = 8192,
	WORDS_PER_CONSTANT = 2,        /* lui + ori */
	LOW_HALF_BITS = 16,
	LOW_HALF_MASK = 0xffff,
};

static struct vm *vms[ISA_VARIANT_COUNT][2];
static uint32_t image[GUEST_MEMORY / ISA_WORD];

static uint32_t
encode(enum isa_opcode op, unsigned rd, unsigned rs, int32_t imm)
{
	struct isa_insn in = { .op = op, .rd = (uint8_t)rd, .rs = (uint8_t)rs, .imm = imm };
	return isa_encode(&in);
}

/* rd := value, in two instructions. */
static size_t
emit_constant(size_t at, unsigned rd, uint32_t value)
{
	image[at++] = encode(OP_lui, rd, 0, (int32_t)(value >> LOW_HALF_BITS));
	image[at++] = encode(OP_ori, rd, rd, (int32_t)(value & LOW_HALF_MASK));
	return at;
}

/* One record: a hypercall with its arguments (a flagged argument points
 * into the data), or an arbitrary instruction.  Returns the next word. */
static size_t
emit_record(size_t at, const uint8_t *rec)
{
	unsigned kind = rec[0], pointers = rec[1];
	if (kind >= RAW_KIND_MIN) {
		image[at++] = fuzz_read_le(rec + 2, ISA_WORD);
		return at;
	}
	at = emit_constant(at, 1, kind % HC_NUMBERS);
	for (unsigned i = 0; i < RECORD_ARGS; i++) {
		uint32_t v = fuzz_read_le(rec + 2 + i * ISA_WORD, ISA_WORD);
		if (pointers & (1u << i))
			v = DATA_BASE + v % DATA_SIZE;
		at = emit_constant(at, 2 + i, v);
	}
	image[at++] = encode(OP_hcall, 0, 0, 0);
	return at;
}

/* The kernel: the records, then power off with status 0. */
static void
build_guest(const uint8_t *data, size_t size)
{
	enum { END_WORDS = 2 * WORDS_PER_CONSTANT + 1,
	       RECORD_WORDS = (1 + RECORD_ARGS) * WORDS_PER_CONSTANT + 1 };
	memset(image, 0, sizeof image);
	size_t at = 0, used = 0;
	while (used + RECORD_BYTES <= size &&
	       (at + RECORD_WORDS + END_WORDS) * ISA_WORD <= CODE_LIMIT) {
		at = emit_record(at, data + used);
		used += RECORD_BYTES;
	}
	at = emit_constant(at, 1, HC_POWER_OFF);
	at = emit_constant(at, 2, 0);
	image[at] = encode(OP_hcall, 0, 0, 0);
	/* the data: the whole input again, so that pointers find bytes it chose */
	size_t n = size < DATA_SIZE ? size : DATA_SIZE;
	memcpy((uint8_t *)image + DATA_BASE, data, n);
}

/* ===== the checks ================================================================== */

static void
finding(const char *what, struct vm *vm)
{
	char stop[256];
	vm_describe_stop(vm, stop, sizeof stop);
	fprintf(stderr, "\nfuzz_hypercalls: %s (the run: %s)\n", what, stop);
	abort();
}

static bool
inside_guest(const struct vm *vm, uint64_t addr, uint64_t len)
{
	uint64_t base = vm_guest_base(vm), size = vm_guest_memory_size(vm);
	return addr >= base && len <= size && addr - base <= size - len;
}

static uint32_t
real_word(const struct vm *vm, uint32_t addr)
{
	uint32_t w = 0;
	vm_read_real_phys(vm, addr, &w, sizeof w);
	return w;
}

/* Every page the real machine's tables map must be the guest's. */
static void
check_real_tables(struct vm *vm, uint32_t ptbr)
{
	for (uint32_t i = 0; i < PT_ENTRIES; i++) {
		uint32_t l1 = real_word(vm, ptbr + i * ISA_WORD);
		if (!(l1 & PTE_V))
			continue;
		uint32_t table = l1 & PTE_FRAME_MASK;
		if (table >= vm_real_memory_size(vm))
			finding("a real level-1 entry points outside real memory", vm);
		for (uint32_t j = 0; j < PT_ENTRIES; j++) {
			uint32_t pte = real_word(vm, table + j * ISA_WORD);
			if ((pte & PTE_V) && !inside_guest(vm, pte & PTE_FRAME_MASK, PAGE_SIZE))
				finding("a real page-table entry maps memory outside the guest", vm);
		}
	}
}

static void
check_isolation(struct vm *vm)
{
	struct cpu_state real;
	struct vm_stats st;
	vm_real_state(vm, &real);
	vm_get_stats(vm, &st);
	if (real.cr[CR_mmu] & MMU_PG)
		check_real_tables(vm, real.cr[CR_ptbr] & PTE_FRAME_MASK);
	else if (!(real.psw & PSW_S) && !inside_guest(vm, real.cr[CR_rbase], real.cr[CR_rbound]))
		finding("the real relocation window reaches outside the guest", vm);
	if (st.shadow.fills || st.shadow.pt_writes || st.shadow.flushes)
		return;
	/* no shadow paging: the monitor's memory was never written */
	static uint8_t page[PAGE_SIZE];
	static const uint8_t zero[PAGE_SIZE];
	for (uint32_t off = 0; off < VM_MONITOR_MEMORY; off += PAGE_SIZE) {
		vm_read_real_phys(vm, vm_monitor_base(vm) + off, page, PAGE_SIZE);
		if (memcmp(page, zero, PAGE_SIZE) != 0)
			finding("monitor memory changed with no shadow paging", vm);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < HEADER_BYTES)
		return 0;
	unsigned ctl = data[0];
	enum isa_variant v = (ctl & CTL_VARIANT_MASK) < ISA_VARIANT_COUNT
				     ? (enum isa_variant)(ctl & CTL_VARIANT_MASK) : ISA_LEGACY;
	bool identity = ctl & CTL_IDENTITY;
	uint64_t budget = BUDGET_MIN + fuzz_read_le(data + 1, 2) % BUDGET_RANGE;
	char err[256];
	struct vm **slot = &vms[v][identity];
	if (!*slot) {
		struct vm_config cfg = { .mode = MODE_PV, .variant = v, .guest_memory = GUEST_MEMORY,
					 .placement = identity ? PLACE_IDENTITY : PLACE_RELOCATED };
		if (!(*slot = vm_create(&cfg, err, sizeof err))) {
			fprintf(stderr, "fuzz_hypercalls: vm_create: %s\n", err);
			abort();
		}
		vm_set_console(*slot, NULL, NULL);   /* guest output: not wanted here */
	}
	struct vm *vm = *slot;
	build_guest(data + HEADER_BYTES, size - HEADER_BYTES);
	if (vm_load_image(vm, (const uint8_t *)image, sizeof image, err, sizeof err) < 0) {
		fprintf(stderr, "fuzz_hypercalls: vm_load_image: %s\n", err);
		abort();
	}
	enum machine_stop_reason why = vm_run(vm, budget);
	if (vm_guest_instructions(vm) > budget)
		finding("ran past its budget", vm);
	if (why == STOP_HOOK || why == STOP_USER_MODE)
		finding("a stop the monitor should never let out", vm);
	check_isolation(vm);
	return 0;
}
