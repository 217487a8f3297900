/* pv.h — paravirtualization (Xen, SOSP 2003; Lab 9): the guest kernel is
 * changed to ask the monitor for what it cannot do itself, with `hcall`,
 * instead of executing privileged instructions and being trapped.  The
 * hypercall interface is documented in monitor/PV.md; guests get the same
 * numbers and layout from guests/pg32/lib/hypercalls.s (a test checks that
 * the two agree).
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

/* The hypercalls, one line each: number, name, arguments -> result. */
enum pv_hypercall {
	HC_SET_MASK = 1,        /* r2 = 1 mask / 0 unmask virtual interrupts -> old mask */
	HC_REGISTER_SHARED = 2, /* r2 = shared info page (guest-physical, page-aligned) -> 0 */
	HC_SET_TVEC = 3,        /* r2 = trap vector (virtual address) -> 0 */
	HC_IRET = 4,            /* r2 = trap frame (virtual): r1..r15, pc, psw; no result */
	HC_SET_PTBR = 5,        /* r2 = level-1 table (guest-physical); flushes -> 0 */
	HC_PTE_UPDATE = 6,      /* r2 = PTE address (guest-physical), r3 = new entry -> 0 */
	HC_PTE_BATCH = 7,       /* r2 = list of {PTE address, entry} (virtual), r3 = count -> count */
	HC_CONSOLE_WRITE = 8,   /* r2 = buffer (virtual), r3 = length -> length */
	HC_TIMER_SET = 9,       /* r2 = interval (0 = stop), r3 = 1: also acknowledge -> 0 */
	HC_TIMER_ACK = 10,      /* acknowledge the pending tick -> 0 */
	HC_HALT = 11,           /* yield the CPU until the next event -> 0 */
	HC_POWER_OFF = 12,      /* r2 = exit status; does not return */
	HC_COUNT,               /* numbers 0 and >= HC_COUNT are unknown: -1 */
};

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
/* The name of a hypercall number ("console_write"), "?" if unknown. */
const char *pv_hypercall_name(uint32_t number);

#endif
