/* vm_internal.h — the inside of struct vm, shared by the monitor's files
 * (vm.c: the run loop; trap.c and vcpu.c: trap-and-emulate, Lab 3; shadow.c:
 * memory, Lab 4; hybrid.c: interpretation, Lab 7; bt_*.c: translation, Lab 8;
 * pv.c: hypercalls, Lab 9).  See vm.h for the picture of the two machines. */
#ifndef TRAPLAB_VM_INTERNAL_H
#define TRAPLAB_VM_INTERNAL_H

#include "pv.h"
#include "shadow.h"
#include "vm.h"

/* Real memory the monitor keeps for itself: the shadow page tables (vm.h). */
enum { MONITOR_MEMORY = VM_MONITOR_MEMORY };

/* A guest that makes the monitor work without ever retiring an instruction
 * (a fault the monitor keeps "fixing") must not hang it. */
enum { MONITOR_LIVELOCK_LIMIT = 4096 };

/* A field a run changes must also be in vm_checkpoint.c's VM_RUN_STATE list,
 * or going back (the monitor's reverse-step) will not restore it. */
struct vm {
	struct vm_config cfg;
	struct machine *real;        /* the real machine */
	struct machine *virt;        /* what the guest believes (== real when bare) */
	uint32_t guest_base;         /* real address of guest physical 0 */
	uint32_t monitor_base;       /* real address of the monitor's own memory */
	struct shadow shadow;
	struct vm_stats stats;
	struct machine_stop_info stop;
	bool stopped;
	unsigned events_without_progress;
	struct machine_tracer tracer;
	vm_event_hook event_hook;
	void *event_ctx;
	vm_insn_hook insn_hook;
	void *insn_ctx;
	uint64_t real_retired_at_entry;   /* the real machine's count when direct execution began */
	bool in_place;                    /* trap mode handles cheap exits in place (trap.c) */
	uint64_t in_place_fill_at;        /* machine_retired(real) at the last fill in place */
	unsigned in_place_fills_in_a_row; /* fills in place since, with nothing retired */
	struct pv_state pv;          /* pv mode: the hypercall interface (pv.c) */
	struct bt_cache *bt;         /* bt mode: the translation cache (bt_translate.c) */
};

/* vm.c: tell the event hook, if any; the guest continues at its pc ... */
void vm_emit(struct vm *vm, enum vm_event_kind kind, const struct machine_trap *trap);
/* ... or at `handler`, when the virtual machine's state is not yet synced. */
void vm_emit_to(struct vm *vm, enum vm_event_kind kind, const struct machine_trap *trap,
		uint32_t handler);
/* vm.c: tell the instruction hook, if any, of translated code about to run
 * (bt_execute.c; `retired` counts what retired before it). */
void vm_trace_translated(struct vm *vm, uint64_t retired, uint32_t pc, uint32_t word);

/* trap.c: the dispatcher — what to do with one trap of the real machine
 * while the guest ran directly. */
void trap_handle(struct vm *vm, const struct machine_trap *trap);
/* Handle a trap of the real machine there and then, if it is one of the
 * cheap kind (trap.c): TRAP_EMULATED or TRAP_RETRY; else TRAP_STOP. */
enum machine_trap_action trap_handle_in_place(struct vm *vm, struct machine *real,
					      const struct machine_trap *trap);
/* trap.c: reflect a trap into the guest, as the bare machine would deliver it. */
void trap_reflect(struct vm *vm, const struct machine_trap *trap);

/* vm.c: run guest code directly on the real machine for at most `budget`
 * guest instructions; returns after one trap or the budget. */
void vm_run_direct(struct vm *vm, uint64_t budget);

/* hybrid.c: interpret virtual-supervisor code for at most `budget`. */
void hybrid_interpret(struct vm *vm, uint64_t budget);

#endif /* TRAPLAB_VM_INTERNAL_H */
