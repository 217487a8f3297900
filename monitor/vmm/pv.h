/* pv.h — paravirtualization (Xen, SOSP 2003; Lab 9): the guest kernel is
 * changed to ask the monitor for what it cannot do itself, with `hcall`,
 * instead of executing privileged instructions and being trapped.  The
 * hypercall interface is documented in monitor/PV.md and listed once in
 * hypercalls.def; guests get the same numbers and layout from
 * guests/pg32/lib/hypercalls.s (tests/monitor/test_pv.c checks that the two
 * agree).
 *
 * The calling convention: `hcall` with r1 = number, arguments in r2..r4;
 * the result comes back in r1 (-1 = refused: nothing was changed), and the
 * guest continues after the `hcall`.
 */
#ifndef TRAPLAB_PV_H
#define TRAPLAB_PV_H

#include <stdbool.h>
#include <stdint.h>

#include "machine.h"

/* The hypercalls, from hypercalls.def (number, name, arguments -> result). */
enum pv_hypercall {
#define PG32_HYPERCALL(NAME, name, number, doc) HC_##NAME = number,
#include "hypercalls.def"
#undef PG32_HYPERCALL
	HC_COUNT,               /* numbers 0 and >= HC_COUNT are unknown: -1 */
};
/* The numbers are 1, 2, ... in the order of the rows, none left out. */
enum {
	HC_ROWS = 0
#define PG32_HYPERCALL(NAME, name, number, doc) + 1
#include "hypercalls.def"
#undef PG32_HYPERCALL
};
_Static_assert(HC_COUNT == HC_ROWS + 1, "hypercalls.def: numbers go 1, 2, ... in order");

/* The shared info page: byte offsets of its words.  The monitor writes the
 * trap words at every trap it delivers; the guest reads them with plain
 * loads.  The guest writes SH_MASK with plain stores: the monitor reads it
 * before injecting any interrupt, so masking costs no transition. */
enum pv_shared_layout {
	SH_MASK = 0,            /* guest: non-zero = virtual interrupts masked */
	SH_PENDING = 4,         /* monitor: 1 = an interrupt waits for the mask to clear */
	SH_CAUSE = 8,           /* monitor: the delivered trap's cause (code | access << 8) */
	SH_EPC = 12,            /* monitor: its epc */
	SH_EPSW = 16,           /* monitor: the PSW before it, IE = interrupts were unmasked */
	SH_BADADDR = 20,        /* monitor: the faulting address (memory causes) */
	SH_SIZE = 24,
};

/* The trap frame HC_IRET restores from (minios's TCB is one): word n holds
 * rn for n = 1..15, then the pc and the psw. */
enum pv_frame_layout {
	FRAME_PC = 64,
	FRAME_PSW = 68,
	FRAME_SIZE = 72,
};

enum {
	PV_BATCH_MAX = 4096,    /* entries in one HC_PTE_BATCH */
	PV_CONSOLE_MAX = 4096,  /* bytes in one HC_CONSOLE_WRITE */
};

struct pv_state {
	bool registered;            /* the guest has told us where its shared page is */
	uint32_t shared_gpa;        /* guest-physical address of the shared info page */
	uint64_t refused;           /* hypercalls answered -1 */
	/* Where the monitor looks at the guest's mask (pv_interrupt_look_due):
	 * an event happened since it last looked (the start, an exit), and
	 * whether the timer's interrupt was pending when it last looked. */
	bool look_due;
	bool pending_at_last_look;
};

struct vm;
void pv_init(struct pv_state *pv);
/* A guest's `hcall` (cause HYPERCALL) in pv mode: serve it and move the
 * guest past it, result in r1. */
void pv_hypercall(struct vm *vm, const struct machine_trap *trap);
/* Deliver a trap or interrupt the paravirtual way; false if the guest has
 * not registered for it (then the monitor delivers it as in trap mode). */
bool pv_deliver(struct vm *vm, const struct machine_trap *trap);
/* May a virtual interrupt be injected into the guest now? */
bool pv_interrupts_enabled(struct vm *vm);
/* Should the monitor look at the guest's mask and pending interrupt here,
 * before it runs the guest again?  Only at an event: after an exit
 * (pv_note_exit), or where the timer fell due; not where a run was cut. */
bool pv_interrupt_look_due(struct vm *vm);
/* An exit was handled: the next chance to run the guest is an event. */
void pv_note_exit(struct vm *vm);
/* The name of a hypercall number ("console_write"), "?" if unknown. */
const char *pv_hypercall_name(uint32_t number);

#endif
