/* vm_view.c — the virtual machine seen from outside: how it stopped, the
 * guest's state and memory (what the guest believes), the real machine's
 * (what the monitor made of it), statistics and the translation graph.  The
 * monitor's shell (monitor/backends/backend_pg32*.c) and the tools (equiv,
 * compare) read a guest only through these; Labs 1–10 see them as `info
 * vcpu`, `x`, `xp` and --stats.
 */
#include <stdio.h>
#include <string.h>

#include "vm_internal.h"

const struct machine_stop_info *
vm_last_stop(const struct vm *vm)
{
	return &vm->stop;
}

void
vm_describe_stop(const struct vm *vm, char *buf, size_t len)
{
	if (vm->cfg.mode == MODE_BARE || vm->stop.reason == STOP_NONE ||
	    vm->stop.reason == STOP_BUDGET) {
		machine_describe_stop(vm->virt, buf, len);
		return;
	}
	if (vm->stop.reason == STOP_TRAP_STORM && !machine_stopped(vm->virt)) {
		snprintf(buf, len, "the monitor made no progress after %u events at guest "
			 "pc=0x%08x: the guest keeps faulting where the monitor cannot help",
			 MONITOR_LIVELOCK_LIMIT, vm->stop.pc);
		return;
	}
	machine_describe_stop(vm->virt, buf, len);
}

void
vm_guest_state(struct vm *vm, struct cpu_state *out)
{
	machine_get_state(vm->virt, out);
}

void
vm_real_state(const struct vm *vm, struct cpu_state *out)
{
	machine_get_state(vm->real, out);
}

int
vm_read_guest_phys(const struct vm *vm, uint32_t addr, void *buf, size_t len)
{
	return machine_read_phys(vm->virt, addr, buf, len);
}

void
vm_set_guest_state(struct vm *vm, const struct cpu_state *in)
{
	machine_set_state(vm->virt, in);
}

int
vm_write_guest_phys(struct vm *vm, uint32_t addr, const void *buf, size_t len)
{
	vm->shadow.next_free = 0;    /* rebuilt on the next entry to the guest */
	return machine_write_phys(vm->virt, addr, buf, len);
}

unsigned
vm_guest_translate(const struct vm *vm, uint32_t va, unsigned size, enum isa_access access,
		   uint32_t *gpa)
{
	return machine_translate(vm->virt, va, size, access, gpa);
}

unsigned
vm_guest_fetch(const struct vm *vm, uint32_t va, uint32_t *word)
{
	uint32_t pa;
	unsigned cause = machine_translate(vm->virt, va, ISA_WORD, ACCESS_FETCH, &pa);
	if (cause == 0)
		machine_read_phys(vm->virt, pa, word, sizeof *word);
	return cause;
}

uint32_t
vm_guest_memory_size(const struct vm *vm)
{
	return machine_memory_size(vm->virt);
}

bool
vm_guest_page_written(const struct vm *vm, uint32_t addr)
{
	return machine_page_written(vm->virt, addr);
}

uint64_t
vm_guest_instructions(const struct vm *vm)
{
	return machine_retired(vm->virt);
}

int
vm_read_real_phys(const struct vm *vm, uint32_t addr, void *buf, size_t len)
{
	return machine_read_phys(vm->real, addr, buf, len);
}

uint32_t
vm_real_memory_size(const struct vm *vm)
{
	return machine_memory_size(vm->real);
}

uint32_t
vm_guest_base(const struct vm *vm)
{
	return vm->guest_base;
}

uint32_t
vm_monitor_base(const struct vm *vm)
{
	return vm->monitor_base;
}

void
vm_get_stats(const struct vm *vm, struct vm_stats *out)
{
	*out = vm->stats;
	out->guest_instructions = machine_retired(vm->virt);
	if (vm->bt) {
		bt_get_stats(vm->bt, &out->bt);
		out->translated = out->bt.translated_instructions;
	}
	out->shadow = vm->shadow.stats;
	if (vm->cfg.mode == MODE_BARE) {
		struct machine_stats ms;
		machine_get_stats(vm->real, &ms);
		memcpy(out->real_traps, ms.traps, sizeof out->real_traps);
	}
}

int
vm_write_translation_dot(const struct vm *vm, const struct symtab *syms, FILE *out)
{
	if (!vm->bt)
		return -1;
	bt_write_dot(vm->bt, syms, out);
	return 0;
}

enum vm_mode
vm_mode(const struct vm *vm)
{
	return vm->cfg.mode;
}
