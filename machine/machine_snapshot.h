/* machine_snapshot.h — a checkpoint of one PG32 machine: everything a run
 * from here depends on (registers, control registers, counters, the timer
 * and the console, and the memory pages written so far), so that restoring
 * it and running again retires exactly the same instructions.  PG32 is
 * deterministic (isa/SPEC.md §12; the timer counts instructions, §10.2), so a
 * checkpoint plus re-execution is reverse execution; the monitor's
 * `reverse-step` and `goto` (monitor/MONITOR.md "Going back") and Lab 6's
 * "going further" use it.
 */
#ifndef TRAPLAB_MACHINE_SNAPSHOT_H
#define TRAPLAB_MACHINE_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

#include "machine.h"

struct machine_snapshot;

/* Save m.  With `memory`, also its written pages (a view shares its
 * parent's memory: save the parent's).  Pages equal to those of `previous`
 * (NULL: none) are shared with it, not copied.  NULL when out of memory. */
struct machine_snapshot *machine_snapshot_save(const struct machine *m, bool memory,
					       const struct machine_snapshot *previous);
/* Put m back as it was when `snap` was saved.  The machine's caches
 * (decoded words, TLB) are emptied where memory changed; the console's
 * sink and the trap hook stay as they are now. */
void machine_snapshot_restore(struct machine *m, const struct machine_snapshot *snap);
void machine_snapshot_free(struct machine_snapshot *snap);
/* The bytes it holds; a page shared by several snapshots counts a share
 * in each, so the sum over all snapshots is what they cost together. */
size_t machine_snapshot_bytes(const struct machine_snapshot *snap);
/* The console bytes written when it was saved. */
uint64_t machine_snapshot_console_bytes(const struct machine_snapshot *snap);

#endif /* TRAPLAB_MACHINE_SNAPSHOT_H */
