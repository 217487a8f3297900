/* boot_multiboot.c — kvm_guest_load_multiboot (kvm.h): a Multiboot v1
 * kernel placed by multiboot.c, then the machine state of the Multiboot
 * Specification 0.6.96 §3.2: 32-bit protected mode, paging off, CS a flat
 * 32-bit code segment, the data segments flat, EFLAGS.VM and IF clear,
 * EAX = 0x2BADB002, EBX = the information structure's address.  The GDT
 * behind the selectors is the flat loader's, in the top 16 KiB of RAM
 * (boot_flat.c), which the memory map leaves out.  ESP is undefined by the
 * spec; ours is the top of low memory.  Last, CPUID offers TSC-deadline
 * (vm.c) and the test kernel's devices go on the bus (test_devices.h), as
 * kvm-unit-tests' x86/run asks QEMU for them.  Lab 10; KVM-NOTES.md §3.10.
 */
#include <stdio.h>

#include "kvm_internal.h"
#include "multiboot.h"

enum { MB_INITIAL_STACK = 640 << 10 };   /* the end of low memory */

int
kvm_guest_load_multiboot(struct kvm_guest *g, const struct kvm_multiboot_config *mc,
			 char *err, size_t errlen)
{
	if (g->ram_size < 2 * KVM_FLAT_TOP_RESERVED) {
		snprintf(err, errlen, "memory: %zu bytes: too little for a Multiboot kernel",
			 g->ram_size);
		return -1;
	}
	size_t usable = g->ram_size - KVM_FLAT_TOP_RESERVED;
	struct multiboot_placed placed;
	if (multiboot_place(g->ram, g->ram_size, usable, mc, &placed, err, errlen) < 0)
		return -1;
	static const uint8_t nothing;   /* the image is in place: the flat loader sets the state */
	if (kvm_guest_load_flat(g, &nothing, 0, placed.entry, placed.entry, KVM_MODE_PROTECTED,
				err, errlen) < 0)
		return -1;
	struct kvm_regs regs;
	if (kvm_guest_get_regs(g, &regs, NULL) < 0) {
		snprintf(err, errlen, "KVM_GET_REGS failed");
		return -1;
	}
	regs.rax = MULTIBOOT_BOOTLOADER_MAGIC;
	regs.rbx = placed.info;
	regs.rsp = usable < MB_INITIAL_STACK ? usable : MB_INITIAL_STACK;
	if (kvm_guest_set_regs(g, &regs, NULL) < 0) {
		snprintf(err, errlen, "KVM_SET_REGS (Multiboot entry state) failed");
		return -1;
	}
	if (kvm_guest_offer_tsc_deadline(g, err, errlen) < 0)
		return -1;
	return kvm_guest_add_test_devices(g, err, errlen);
}
