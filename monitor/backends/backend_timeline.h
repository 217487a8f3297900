/* backend_timeline.h — a backend's run as a timeline the monitor can move
 * along: where the guest is (guest instructions retired since it started),
 * checkpoints of everything a run from there depends on, and console input
 * fed at a known place.  The PG32 backend has one in every mode
 * (backend_pg32_timeline.c, on monitor/vmm/vm_checkpoint.h); KVM has none.
 * The shell's reverse execution (shell_reverse.c, monitor/MONITOR.md
 * "Going back") is built on it; Lab 6's "going further" uses it.
 */
#ifndef TRAPLAB_BACKEND_TIMELINE_H
#define TRAPLAB_BACKEND_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "backend.h"

struct backend_checkpoint;

/* Can b go back (a PG32 guest is loaded)? */
bool timeline_supported(const struct backend *b);
/* Guest instructions retired since the guest started. */
uint64_t timeline_position(const struct backend *b);
/* Bytes the guest has written to its console so far. */
uint64_t timeline_console_bytes(const struct backend *b);
/* The guest's memory in bytes: what the checkpoints are measured against. */
uint64_t timeline_guest_bytes(const struct backend *b);
/* A checkpoint of now; pages equal to `previous`'s are shared.  NULL when
 * out of memory. */
struct backend_checkpoint *timeline_save(struct backend *b,
					 const struct backend_checkpoint *previous);
/* Back (or forward) to a checkpoint of this same guest and settings; the
 * watchpoints' last-seen values are read again there. */
void timeline_restore(struct backend *b, const struct backend_checkpoint *cp);
void timeline_free(struct backend_checkpoint *cp);
/* Was cp taken of this guest with these settings?  Only then may it be
 * restored: a guest reloaded or restarted behind the shell's back (a
 * harness, a tool) makes the record stale. */
bool timeline_compatible(const struct backend *b, const struct backend_checkpoint *cp);
size_t timeline_checkpoint_bytes(const struct backend_checkpoint *cp);
uint64_t timeline_checkpoint_position(const struct backend_checkpoint *cp);
uint64_t timeline_checkpoint_console_bytes(const struct backend_checkpoint *cp);
/* Type `len` bytes at the guest's console. */
void timeline_console_input(struct backend *b, const char *text, size_t len);

/* ---- the divergence explorer (backend_pg32_explore.c) ---- */

/* Where b's mode first parts from the bare machine on this guest, as
 * `equiv` finds it: 1 with the 1-based number of the first divergent
 * guest instruction in *instruction and what differed first in `what`;
 * 0 when there is no divergence (equivalent, or the same up to the
 * budget); -1 with err (bare mode, a paravirtual guest, Control-C). */
int timeline_first_divergence(struct backend *b, uint64_t *instruction, char *what,
			      size_t whatlen, char *err, size_t errlen);
/* A second PG32 backend with b's guest and settings, but on the bare
 * machine: the reference run the explorer moves in lock-step.  NULL with err. */
struct backend *timeline_bare_twin(struct backend *b, char *err, size_t errlen);

#endif /* TRAPLAB_BACKEND_TIMELINE_H */
