/* vm.h — one PG32 guest under the virtual machine monitor (Popek & Goldberg
 * 1974: the control program's dispatcher, allocator and interpreters) —
 * bare, trap-and-emulate, hybrid, binary translation or paravirtualized.
 * Labs 3–10 work here.  Every mode reports the same figures, so they can be
 * compared.
 *
 * Two machines make a VM:
 *   real   the real PG32 machine: the monitor's own memory plus the guest's.
 *          Guest code that runs *directly* runs here, always in user mode.
 *   virt   a view of the guest's slice of real memory (machine_create_view):
 *          what the guest believes — its registers, PSW (mode!), control
 *          registers and devices.  This is the vCPU of vcpu.h.  Virtual traps
 *          are delivered by the machine's own trap entry on this machine.
 * The monitor moves state between them at every transition; `info vcpu`
 * shows the two side by side.
 */
#ifndef TRAPLAB_VM_H
#define TRAPLAB_VM_H

#include <stdbool.h>
#include <stdint.h>

#include "machine.h"
#include "bt.h"
#include "shadow.h"

enum vm_mode {
	MODE_BARE,      /* no monitor: the guest on the real machine (reference run) */
	MODE_TRAP,      /* trap-and-emulate: all guest code runs in real user mode */
	MODE_HYBRID,    /* virtual-supervisor code interpreted, virtual-user code direct */
	MODE_BT,        /* virtual-supervisor code binary-translated, virtual-user code direct */
	MODE_PV,        /* a paravirtualized guest: all code direct, hypercalls served */
	MODE_COUNT
};

/* Real memory the monitor keeps for itself in every mode but bare (the
 * shadow page tables), and so the most a monitored guest can have: --memory
 * is refused above VM_MAX_GUEST_MEMORY unless the mode is bare. */
enum {
	VM_MONITOR_MEMORY = 256u * 1024u,
	VM_MAX_GUEST_MEMORY = MACHINE_MAX_MEMORY - VM_MONITOR_MEMORY,
};

/* Where the guest's memory sits in real memory (SPEC §5.1, REFERENCES D7). */
enum vm_placement {
	PLACE_RELOCATED,  /* monitor low, guest above it: the guest runs relocated */
	PLACE_IDENTITY,   /* guest at real address 0, monitor high: P&G's escape for
			     location-sensitive instructions with paging off */
};

/* The figures of a run (`--stats`): one row each in vm_stats.def, which
 * declares the fields below that are not in the shadow and bt sub-structs. */
enum { VM_HYPERCALL_SLOTS = 32 };      /* hypercall numbers counted one by one */
#define VM_STAT_FIELD_COUNT_top(field)     uint64_t field;
#define VM_STAT_FIELD_BY_CAUSE_top(field)  uint64_t field[MACHINE_CAUSE_SLOTS];
#define VM_STAT_FIELD_BY_NUMBER_top(field) uint64_t field[VM_HYPERCALL_SLOTS];
#define VM_STAT_FIELD_SHARE_top(field)     /* computed, not counted */
#define VM_STAT_FIELD_COUNT_shadow(field)  /* in struct shadow_stats */
#define VM_STAT_FIELD_COUNT_bt(field)      /* in struct bt_stats */
#define VM_STAT_FIELD_BY_OP_bt(field)      /* in struct bt_stats */
struct vm_stats {
#define VM_STAT(kind, group, field, ...) VM_STAT_FIELD_##kind##_##group(field)
#include "vm_stats.def"
#undef VM_STAT
	uint64_t hypercalls_unknown;  /* hypercalls of numbers no hypercall has (0,
				         >= HC_COUNT): by_number + unknown == hypercalls */
	struct shadow_stats shadow;
	struct bt_stats bt;
};

/* What the monitor did about one trap (`trace traps`, the `dot` trap-flow
 * graph).  In bare mode every trap is DELIVERED by the machine itself. */
enum vm_event_kind {
	VM_EVENT_DELIVERED,    /* bare: the machine delivered it to the guest's vector */
	VM_EVENT_EMULATED,     /* trap mode: a privileged instruction, emulated */
	VM_EVENT_CALLOUT,      /* bt: a sensitive instruction run by its routine, no trap */
	VM_EVENT_REFLECTED,    /* passed on to the guest's own vector */
	VM_EVENT_INJECTED,     /* a virtual interrupt injected into the guest */
	VM_EVENT_SHADOW_FILL,  /* a shadow page-table entry filled; the guest never knew */
	VM_EVENT_PT_WRITE,     /* a store to a guest page table, done by the monitor */
	VM_EVENT_KINDS
};
struct vm_event {
	enum vm_event_kind kind;
	struct machine_trap trap;      /* cause, access, epc (guest pc), badaddr, insn */
	uint32_t handler;              /* where the guest continues (its tvec, or pc) */
};
typedef void (*vm_event_hook)(void *ctx, const struct vm_event *event);
const char *vm_event_name(enum vm_event_kind kind);

/* One guest instruction about to run, as the guest sees it (`traplab run
 * --trace`): how many guest instructions retired before it, where it is,
 * the mode the guest believes it is in — not the real machine's, which is
 * user mode for all guest code in trap mode — and what runs it. */
enum vm_runner {
	VM_RUN_BARE,            /* the bare machine: no monitor */
	VM_RUN_DIRECT,          /* the real machine, deprivileged */
	VM_RUN_INTERPRETED,     /* the hybrid monitor's interpreter */
	VM_RUN_TRANSLATED,      /* binary translation's translation cache */
};
struct vm_insn {
	uint64_t retired;
	uint32_t pc, word;
	bool supervisor;
	enum vm_runner runner;
};
typedef void (*vm_insn_hook)(void *ctx, const struct vm_insn *insn);

struct vm_config {
	enum vm_mode mode;
	enum isa_variant variant;
	uint32_t guest_memory;        /* bytes, as --memory */
	enum vm_placement placement;
	uint32_t bt_cache_blocks;     /* bt mode: translation-cache size in blocks (0: default) */
	bool bt_no_chaining;          /* bt mode: never chain blocks (Lab 8 measures why it matters) */
};

struct vm;

/* Returns NULL with a message in err. */
struct vm *vm_create(const struct vm_config *cfg, char *err, size_t errlen);
void vm_destroy(struct vm *vm);
int vm_load_image(struct vm *vm, const uint8_t *image, size_t size, char *err, size_t errlen);
void vm_set_console(struct vm *vm, machine_console_sink sink, void *ctx);
/* Called for every trap the monitor handles (NULL: off). */
void vm_set_event_hook(struct vm *vm, vm_event_hook hook, void *ctx);
void vm_console_input(struct vm *vm, const char *text, size_t len);
void vm_set_tracer(struct vm *vm, const struct machine_tracer *tracer);
/* Called before every guest instruction, whatever runs it (NULL: off). */
void vm_set_insn_hook(struct vm *vm, vm_insn_hook hook, void *ctx);

/* The translation cache as a graph (bt mode; -1 in other modes). */
int vm_write_translation_dot(const struct vm *vm, const struct symtab *syms, FILE *out);

/* Run until the guest stops or `max_instructions` more guest instructions
 * have retired (STOP_NONE).  The count is exact in every mode. */
enum machine_stop_reason vm_run(struct vm *vm, uint64_t max_instructions);
const struct machine_stop_info *vm_last_stop(const struct vm *vm);
void vm_describe_stop(const struct vm *vm, char *buf, size_t len);

/* What the guest can observe: its state as it believes it (virtual PSW and
 * control registers), and its physical memory. */
void vm_guest_state(struct vm *vm, struct cpu_state *out);
int vm_read_guest_phys(const struct vm *vm, uint32_t addr, void *buf, size_t len);
uint32_t vm_guest_memory_size(const struct vm *vm);
/* Has the guest's page holding `addr` been written since the guest was
 * loaded?  If not, it is all zero (equivalence snapshots skip it). */
bool vm_guest_page_written(const struct vm *vm, uint32_t addr);
/* Change what the guest believes (the monitor's `set` and `write`).  A
 * write to guest memory drops the shadow page tables, which may map it. */
void vm_set_guest_state(struct vm *vm, const struct cpu_state *in);
int vm_write_guest_phys(struct vm *vm, uint32_t addr, const void *buf, size_t len);
/* Translate a guest virtual address as the guest's own access would be
 * (its mode, its relocation or page tables).  0, or the CAUSE_* raised. */
unsigned vm_guest_translate(const struct vm *vm, uint32_t va, unsigned size,
			    enum isa_access access, uint32_t *gpa);
/* The instruction word at guest virtual address `va`, translated as the
 * guest's own fetch would be.  Returns 0, or the CAUSE_* the fetch raises. */
unsigned vm_guest_fetch(const struct vm *vm, uint32_t va, uint32_t *word);
/* What the real machine holds right now (the other half of `info vcpu`). */
void vm_real_state(const struct vm *vm, struct cpu_state *out);
uint64_t vm_guest_instructions(const struct vm *vm);
/* Real memory (the monitor's and the guest's), for `xp` and for tests that
 * check that nothing outside the guest was touched (resource control). */
int vm_read_real_phys(const struct vm *vm, uint32_t addr, void *buf, size_t len);
uint32_t vm_real_memory_size(const struct vm *vm);
/* Where guest physical 0 is in real memory, and where the monitor's is. */
uint32_t vm_guest_base(const struct vm *vm);
uint32_t vm_monitor_base(const struct vm *vm);

void vm_get_stats(const struct vm *vm, struct vm_stats *out);
enum vm_mode vm_mode(const struct vm *vm);

const char *vm_mode_name(enum vm_mode mode);
int vm_mode_by_name(const char *name);   /* -1 if unknown */

#endif /* TRAPLAB_VM_H */
