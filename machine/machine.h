/* machine.h — the bare PG32 computer: CPU + memory + port devices + "who
 * takes traps".  This is everything a monitor may touch; it never reaches
 * inside struct machine.  Lab 1 steps it; Labs 3–5 install a trap hook.
 * isa/SPEC.md is the behaviour this implements.
 */
#ifndef TRAPLAB_MACHINE_H
#define TRAPLAB_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "isa.h"

enum {
	MACHINE_DEFAULT_MEMORY = 1024u * 1024u,       /* 1 MiB (SPEC §2) */
	MACHINE_MAX_MEMORY = 256u * 1024u * 1024u,
	MACHINE_MIN_MEMORY = PAGE_SIZE,
};
#define MACHINE_DEFAULT_BUDGET UINT64_C(100000000)    /* SPEC §12 */

struct machine_config {
	enum isa_variant variant;
	uint32_t memory_size;       /* bytes, a multiple of PAGE_SIZE */
};

/* The architectural state a program can see (SPEC §3). */
struct cpu_state {
	uint32_t r[ISA_NUM_GPRS];
	uint32_t pc;
	uint32_t psw;
	uint32_t cr[ISA_NUM_CRS];
};

/* Why machine_run() returned. */
enum machine_stop_reason {
	STOP_NONE,            /* still runnable: the step count ran out */
	STOP_POWER_OFF,       /* the guest wrote POWER_OFF: exit_status is valid */
	STOP_BUDGET,          /* the instruction budget is spent */
	STOP_UNHANDLED_TRAP,  /* a trap with tvec = 0 (SPEC §6.4) */
	STOP_HALTED_FOREVER,  /* halt with nothing that could wake it (SPEC §10.2) */
	STOP_HOOK,            /* the trap hook asked to stop */
	STOP_TRAP_STORM,      /* traps kept coming with nothing retired: the handler faults */
	STOP_USER_MODE,       /* stop-on-user is set and the machine is in user mode */
};

struct machine_trap {
	unsigned cause;             /* CAUSE_* */
	enum isa_access access;     /* for MEMORY, PAGE, MISALIGNED */
	uint32_t epc;               /* what the CPU saves in epc (SPEC §6.1) */
	uint32_t badaddr;
	uint32_t insn;              /* the instruction word, 0 for interrupts */
};

struct machine_stop_info {
	enum machine_stop_reason reason;
	int exit_status;            /* STOP_POWER_OFF */
	struct machine_trap trap;   /* STOP_UNHANDLED_TRAP, STOP_HOOK */
	uint32_t pc;                /* where the machine stopped */
};

/* The one place a trap is delivered (machine/cpu.c, cpu_raise_trap).  With
 * no hook, the CPU does what SPEC §6.2 says.  A monitor (Labs 3–5) or the
 * classifier installs a hook to see every trap first and stop there:
 * machine_run() returns STOP_HOOK with the trap in machine_last_stop() and
 * the PC at its epc, nothing delivered, and the monitor decides what
 * happens next (emulate, machine_deliver_trap(), ...) before running again.
 * A hook that only watches answers TRAP_DELIVER.  A monitor that carried
 * out the trapping instruction itself, there and then, answers
 * TRAP_EMULATED: the instruction retired (machine_retired() counts it; sys,
 * brk and hcall had retired already, SPEC §8.4), and the run goes on from
 * the state the hook left, at the PC it set --
 * registers, PC, flags and IE only: the mode and the translation must be
 * as they were.  A hook that removed the cause of a fault -- a page it
 * mapped -- answers TRAP_RETRY: nothing retired, and the instruction runs
 * again, through the page tables as they are now (monitor/vmm/trap.c:
 * exits handled in place). */
enum machine_trap_action {
	TRAP_DELIVER,   /* deliver to the guest's own vector, as the bare machine would */
	TRAP_STOP,      /* stop machine_run() with STOP_HOOK */
	TRAP_EMULATED,  /* the hook did what the instruction does: go on */
	TRAP_RETRY,     /* the hook removed the cause (mapped a page): run it again */
};
struct machine;
typedef enum machine_trap_action (*machine_trap_hook)(void *ctx, struct machine *m,
						       const struct machine_trap *trap);

/* Watching a run (`traplab run --trace`, the monitor's `trace`): called
 * before each instruction executes and whenever a trap is raised. */
struct machine_tracer {
	void (*insn)(void *ctx, const struct machine *m, uint32_t pc, uint32_t word);
	void (*trap)(void *ctx, const struct machine *m, const struct machine_trap *trap);
	void *ctx;
};

/* Console output goes to this function, one byte at a time. */
typedef void (*machine_console_sink)(void *ctx, uint8_t byte);

/* ---- life cycle ------------------------------------------------------ */
/* Returns NULL with a message in err when the configuration is bad. */
struct machine *machine_create(const struct machine_config *cfg, char *err, size_t errlen);
void machine_destroy(struct machine *m);
/* Reset to SPEC §11.1 and keep memory contents (reload to clear them). */
void machine_reset(struct machine *m);
/* Clear memory, copy the image to physical 0, reset.  -1 + message if too big. */
int machine_load_image(struct machine *m, const uint8_t *image, size_t size,
		       char *err, size_t errlen);
/* Make memory all zero again, as machine_create left it, touching only the
 * pages written since (a VM reused for the next run costs what its last run
 * used, not what its memory size is). */
void machine_wipe_memory(struct machine *m);
/* Has the page holding physical `addr` been written since the memory was
 * created or wiped?  If not, it is all zero: snapshots and comparisons of
 * memory can skip it. */
bool machine_page_written(const struct machine *m, uint32_t addr);

/* A machine over a slice [base, base + size) of another machine's memory,
 * sharing its decoded-instruction cache: what the guest sees as physical
 * memory when a monitor runs it (monitor/vmm/vm.c).  It has its own registers,
 * control registers and devices, and the parent's variant.  Destroy views
 * before their parent. */
struct machine *machine_create_view(struct machine *parent, uint32_t base, uint32_t size,
				    char *err, size_t errlen);

/* ---- running ------------------------------------------------------------ */
/* Run until the machine stops or `max_instructions` more instructions have
 * retired (then STOP_NONE; use it for budgets and single steps). */
enum machine_stop_reason machine_run(struct machine *m, uint64_t max_instructions);
const struct machine_stop_info *machine_last_stop(const struct machine *m);
/* One line a student can act on: what stopped the machine, where, and why. */
void machine_describe_stop(const struct machine *m, char *buf, size_t len);
uint64_t machine_retired(const struct machine *m);

void machine_set_trap_hook(struct machine *m, machine_trap_hook hook, void *ctx);
/* With stop-on-user set, machine_run() returns STOP_USER_MODE instead of
 * executing an instruction in user mode (after taking any interrupt that is
 * due): how the hybrid monitor interprets only supervisor code. */
void machine_set_stop_on_user(struct machine *m, bool stop);

/* An interpreter decodes every instruction it runs; the machine normally
 * keeps decoded instructions (which makes it, in effect, a translator).
 * With decode_every_time set, this machine decodes each instruction afresh,
 * as the hybrid monitor's software interpreter would (monitor/vmm/hybrid.c). */
void machine_set_decode_every_time(struct machine *m, bool on);

/* ---- for monitors: time and devices of a virtual machine (monitor/) ---- */
/* `n` instructions retired somewhere else (run directly, or emulated): count
 * them, and let the timer see them (SPEC §12). */
void machine_account(struct machine *m, uint64_t n);
/* The retired count at which the timer next expires, UINT64_MAX if stopped. */
uint64_t machine_timer_deadline(const struct machine *m);
/* Is an interrupt pending (whatever the IE bit says)? */
bool machine_interrupt_pending(const struct machine *m);
/* Port I/O as an `in`/`out` instruction would do it (SPEC §10); a write to
 * POWER_OFF stops the machine, which machine_last_stop() then reports. */
uint32_t machine_port_in(struct machine *m, uint16_t port);
void machine_port_out(struct machine *m, uint16_t port, uint32_t value);
/* The waiting half of `halt` (SPEC §10.2): returns false, and stops the
 * machine with STOP_HALTED_FOREVER, if nothing can ever wake it. */
bool machine_halt_wait(struct machine *m);
/* Can a write to this port change time or life — the timer, or power-off?
 * (The binary translator ends a block after such an `out`.) */
bool machine_port_affects_time(uint16_t port);
/* Has the guest ended — powered off, halted forever, trapped with no
 * handler, or storming?  (A pause for a hook or for user mode is not an end.) */
bool machine_stopped(const struct machine *m);

/* Code watching, for the binary translator (monitor/vmm/bt_*.c): after
 * machine_watch_code(m, pa), any store near pa (the same 64-byte chunk) — by this
 * machine, its parent or another view, by an instruction or by
 * machine_write_phys — is remembered.  machine_code_written() says whether
 * one happened since it was last asked, and if so forgets every watch
 * (page-table watches too). */
void machine_watch_code(struct machine *m, uint32_t pa);
bool machine_code_written(struct machine *m);
/* Page-table watching, for a cache of translations kept outside the machine
 * (the binary translator's blocks, found by virtual pc): as
 * machine_translate, and the page-table words the walk read are watched --
 * their 64-byte chunks, as code is -- and returned in *words.
 * machine_page_table_changes() counts the stores to watched chunks (by any
 * machine on this memory, or machine_write_phys); when it moves, a
 * translation made before may be stale.  The bare machine caches nothing
 * (SPEC §5.3): a new mapping of code is fetched through at once.  Watches
 * last until machine_code_written() forgets them all. */
struct machine_walk_words {
	uint32_t l1, l2;            /* physical addresses of the entries read (NO_WALK_WORD: none) */
};
#define NO_WALK_WORD UINT32_MAX
unsigned machine_translate_watched(struct machine *m, uint32_t va, unsigned size,
				   enum isa_access access, uint32_t *pa,
				   struct machine_walk_words *words);
uint64_t machine_page_table_changes(const struct machine *m);
void machine_set_console(struct machine *m, machine_console_sink sink, void *ctx);
void machine_set_tracer(struct machine *m, const struct machine_tracer *tracer);  /* NULL: off */
void machine_console_input(struct machine *m, const char *text, size_t len);
/* Deliver a trap exactly as the CPU does for the guest (SPEC §6.2); for hooks
 * that decide to reflect a trap after looking at it. */
void machine_deliver_trap(struct machine *m, const struct machine_trap *trap);

/* Figures every run can print (`traplab run --stats`). */
enum { MACHINE_CAUSE_SLOTS = 32 };
struct machine_stats {
	uint64_t retired;               /* instructions retired */
	uint64_t idle_ticks;            /* timer ticks skipped by halt */
	uint64_t traps[MACHINE_CAUSE_SLOTS];   /* raised, by cause code */
	uint64_t timer_expiries;
	uint64_t console_bytes;
	uint64_t unowned_port_accesses;
};
void machine_get_stats(const struct machine *m, struct machine_stats *out);

/* ---- state ---------------------------------------------------------------- */
enum isa_variant machine_variant(const struct machine *m);
uint32_t machine_memory_size(const struct machine *m);
void machine_get_state(const struct machine *m, struct cpu_state *out);
void machine_set_state(struct machine *m, const struct cpu_state *in);
/* The CPU state read in place, without a copy: valid until the machine
 * runs or its state is set.  (A monitor looks at the vCPU on every exit;
 * copying all 34 words for each look and each change was a fifth of a
 * trap-mode run, in perf's profile of minios.) */
const struct cpu_state *machine_state(const struct machine *m);
/* Physical memory: return 0, or -1 if [addr, addr+len) is not all inside memory. */
int machine_read_phys(const struct machine *m, uint32_t addr, void *buf, size_t len);
int machine_write_phys(struct machine *m, uint32_t addr, const void *buf, size_t len);
/* Zero [addr, addr+len): machine_write_phys of zeros, a page at a time
 * faster (the shadow tables a monitor clears often: monitor/vmm/shadow.c). */
int machine_clear_phys(struct machine *m, uint32_t addr, size_t len);
/* Read-only access to physical memory, for the binary translator's loads
 * (bt_execute.c): like a device's DMA mapping.  Stores must go through
 * machine_write_phys(), which keeps decoded instructions and code watches
 * right. */
const uint8_t *machine_phys_memory(const struct machine *m);
/* Translate a virtual address with the current mode and MMU state, as an
 * access of `access` kind would (SPEC §5).  Returns 0 and sets *pa, or the
 * cause (CAUSE_MEMORY, CAUSE_PAGE, CAUSE_MISALIGNED) it would raise. */
unsigned machine_translate(const struct machine *m, uint32_t va, unsigned size,
			   enum isa_access access, uint32_t *pa);

#endif /* TRAPLAB_MACHINE_H */
