/* boot_flat.c — a flat binary into guest RAM and the vCPU into the mode it
 * expects: real, protected (flat 4 GiB segments) or long (identity-mapped
 * low 1 GiB).  Lab 10; the register set-ups side by side are those of
 * kvm-hello-world's run_real_mode/run_protected_mode/run_long_mode, the
 * architecture is Intel SDM vol. 3A §3.4.5 (descriptors), §4.5 (4-level
 * paging), §9.8 (entering long mode).  Try: `traplab kvm --mode=long X.bin`.
 *
 * Where things go:
 *   real mode   CS = DS = ES = SS = entry >> 4 (base = selector << 4, which
 *               KVM requires), IP = entry & 0xf, SP = 0xfff0: a .COM-style
 *               "tiny model", one 64 KiB segment for code, data and stack.
 *   protected   CS = 0x08 flat code, DS = ES = SS = FS = GS = 0x10 flat data,
 *   and long    EIP/RIP = entry; the top 16 KiB of RAM hold the GDT and (long
 *               mode) the page tables; RSP starts just below them.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "kvm_internal.h"

enum {
	FLAT_TOP_RESERVED = KVM_FLAT_TOP_RESERVED,   /* GDT page + PML4 + PDPT + PD */
	FLAT_SEL_CODE = 0x08,
	FLAT_SEL_DATA = 0x10,
};
/* GDT descriptors (SDM vol. 3A §3.4.5): base 0, limit 0xfffff pages */
#define GDT_CODE32  0x00cf9b000000ffffull   /* P, S, type 0xb (code RX, accessed), D=1, G=1 */
#define GDT_CODE64  0x00af9b000000ffffull   /* as above with L=1, D=0 */
#define GDT_DATA    0x00cf93000000ffffull   /* P, S, type 0x3 (data RW, accessed), B=1, G=1 */
/* page-table entry bits (SDM vol. 3A §4.5, table 4-15ff.) */
#define PTE_P   0x001ull
#define PTE_RW  0x002ull
#define PTE_PS  0x080ull   /* in a PD entry: a 2 MiB page */

static int
flat_error(char *err, size_t errlen, const char *what, int r)
{
	snprintf(err, errlen, "%s: %s", what, strerror(errno));
	return r;
}

static void
flat_real_segment(struct kvm_segment *seg, uint16_t selector, uint8_t type)
{
	*seg = (struct kvm_segment){
		.base = (uint64_t)selector << 4, .limit = 0xffff, .selector = selector,
		.type = type, .present = 1, .s = 1,
	};
}

static void
flat_segment(struct kvm_segment *seg, uint16_t selector, bool code, bool long_mode)
{
	*seg = (struct kvm_segment){
		.base = 0, .limit = 0xffffffff, .selector = selector, .type = code ? 0xb : 0x3,
		.present = 1, .s = 1, .g = 1, .db = !(code && long_mode), .l = code && long_mode,
	};
}

int
kvm_guest_load_flat(struct kvm_guest *g, const uint8_t *image, size_t size, uint64_t gpa,
		    uint64_t entry, enum kvm_cpu_mode mode, char *err, size_t errlen)
{
	uint8_t *dst = kvm_guest_ram(g, gpa, size);
	if (!dst) {
		snprintf(err, errlen, "load address 0x%" PRIx64 " + %zu bytes: past the end of "
			 "the guest's %zu bytes of RAM", gpa, size, g->ram_size);
		return -1;
	}
	uint64_t top = (g->ram_size - FLAT_TOP_RESERVED) & ~0xfffull;
	if (mode != KVM_MODE_REAL && (g->ram_size < 2 * FLAT_TOP_RESERVED || gpa + size > top)) {
		snprintf(err, errlen, "load address 0x%" PRIx64 " + %zu bytes: overlaps the GDT "
			 "and page tables at 0x%" PRIx64 " (the top 16 KiB of RAM); give more memory",
			 gpa, size, top);
		return -1;
	}
	if (mode == KVM_MODE_REAL && entry >= 0x100000) {
		snprintf(err, errlen, "entry 0x%" PRIx64 ": real mode reaches only the first MiB",
			 entry);
		return -1;
	}
	memcpy(dst, image, size);

	struct kvm_regs regs;
	struct kvm_sregs sregs;
	if (kvm_guest_get_regs(g, &regs, &sregs) < 0)
		return flat_error(err, errlen, "KVM_GET_REGS/KVM_GET_SREGS failed", -1);
	memset(&regs, 0, sizeof regs);
	regs.rflags = X86_RFLAGS_FIXED;   /* IF = 0 */

	if (mode == KVM_MODE_REAL) {
		uint16_t seg = (uint16_t)(entry >> 4);
		flat_real_segment(&sregs.cs, seg, 0xb);
		flat_real_segment(&sregs.ds, seg, 0x3);
		sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
		regs.rip = entry & 0xf;
		uint64_t room = g->ram_size - ((uint64_t)seg << 4);
		regs.rsp = room >= 0x10000 ? 0xfff0 : (room - 16) & ~0xfull;
		sregs.cr0 &= ~(X86_CR0_PE | X86_CR0_PG);
		sregs.efer = 0;
		return kvm_guest_set_regs(g, &regs, &sregs) < 0 ?
		       flat_error(err, errlen, "KVM_SET_SREGS/KVM_SET_REGS (real mode) failed", -1) : 0;
	}

	/* protected and long mode: a GDT in memory too, so the guest may reload segments */
	bool lm = mode == KVM_MODE_LONG;
	uint64_t *gdt = (uint64_t *)kvm_guest_ram(g, top, 0x1000);
	memset(gdt, 0, 0x1000);
	gdt[FLAT_SEL_CODE / 8] = lm ? GDT_CODE64 : GDT_CODE32;
	gdt[FLAT_SEL_DATA / 8] = GDT_DATA;
	sregs.gdt.base = top;
	sregs.gdt.limit = 3 * 8 - 1;
	flat_segment(&sregs.cs, FLAT_SEL_CODE, true, lm);
	flat_segment(&sregs.ds, FLAT_SEL_DATA, false, lm);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.cr0 = X86_CR0_PE | X86_CR0_ET;
	sregs.cr4 = 0;
	sregs.efer = 0;
	if (lm) {
		/* PML4[0] -> PDPT[0] -> PD: 512 x 2 MiB = the low 1 GiB, identity */
		uint64_t pml4 = top + 0x1000, pdpt = top + 0x2000, pd = top + 0x3000;
		uint64_t *t = (uint64_t *)kvm_guest_ram(g, pml4, 0x3000);
		memset(t, 0, 0x3000);
		t[0] = pdpt | PTE_P | PTE_RW;
		t[512] = pd | PTE_P | PTE_RW;
		for (uint64_t i = 0; i < 512; i++)
			t[1024 + i] = (i << 21) | PTE_P | PTE_RW | PTE_PS;
		sregs.cr3 = pml4;
		sregs.cr4 = X86_CR4_PAE;
		sregs.cr0 |= X86_CR0_PG;
		/* LME alone is not enough for KVM_SET_SREGS: LMA too
		 * (kvm-hello-world commit 1644ccb, issue #5) */
		sregs.efer = X86_EFER_LME | X86_EFER_LMA;
	}
	regs.rip = entry;
	regs.rsp = top;
	return kvm_guest_set_regs(g, &regs, &sregs) < 0 ?
	       flat_error(err, errlen, lm ? "KVM_SET_SREGS/KVM_SET_REGS (long mode) failed" :
			  "KVM_SET_SREGS/KVM_SET_REGS (protected mode) failed", -1) : 0;
}
