/* vm_checkpoint.h — a checkpoint of a whole virtual machine, in any mode:
 * both machines (machine_snapshot.h), the monitor's own state (its
 * figures, the shadow tables' bookkeeping, the paravirtual interface) and
 * the real memory the shadow tables live in.  The binary translator's
 * cache is emptied on restore instead of saved: it is a cache, and what is
 * in it must never change what the guest sees (Adams & Agesen, ASPLOS
 * 2006, lessons/REFERENCES.md §5; tests/fuzz checks that invariance).
 * The monitor's reverse execution (monitor/MONITOR.md "Going back") and
 * Lab 6's "going further" use it.
 */
#ifndef TRAPLAB_VM_CHECKPOINT_H
#define TRAPLAB_VM_CHECKPOINT_H

#include <stddef.h>
#include <stdint.h>

#include "vm.h"

struct vm_checkpoint;

/* Save vm; pages equal to `previous`'s (NULL: none) are shared with it.
 * NULL when out of memory. */
struct vm_checkpoint *vm_checkpoint_save(const struct vm *vm,
					 const struct vm_checkpoint *previous);
/* Put vm back as it was; hooks, console sink and settings stay. */
void vm_checkpoint_restore(struct vm *vm, const struct vm_checkpoint *cp);
void vm_checkpoint_free(struct vm_checkpoint *cp);
/* What it costs, its share of pages shared with others included. */
size_t vm_checkpoint_bytes(const struct vm_checkpoint *cp);
/* Guest instructions retired when it was saved: its place in the run. */
uint64_t vm_checkpoint_position(const struct vm_checkpoint *cp);
/* Bytes the guest had written to its console by then. */
uint64_t vm_checkpoint_console_bytes(const struct vm_checkpoint *cp);
/* Bytes the guest has written to its console so far. */
uint64_t vm_console_bytes(const struct vm *vm);

#endif /* TRAPLAB_VM_CHECKPOINT_H */
