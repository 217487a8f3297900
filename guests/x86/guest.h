/* guest.h — what the x86 demo guests (GNU as, preprocessed .S) and their
 * tests (tests/kvm/) share: the proofs each guest leaves behind, the
 * addresses it uses, and PUTS, a polled write to COM1 that assembles in
 * 16-, 32- and 64-bit code alike.  guests/x86/README.md lists the guests.
 */
#ifndef TRAPLAB_X86_GUEST_H
#define TRAPLAB_X86_GUEST_H

#define LOAD          0x7c00      /* traplab kvm's default load address: CS = 0x07c0, IP = 0 */
#define PROOF_ADDR    0x600       /* guest-physical address of each guest's proof word */

/* realmode.S */
#define REALMODE_LINE "realmode: hello from 16-bit real mode\n"
#define REALMODE_EAX  0x2a
#define REALMODE_WORD 0xbeef      /* 16 bits at PROOF_ADDR */

/* modes.S: one line per mode, then a 64-bit value only long mode can make */
#define MODES_LINE_REAL "modes: real mode\n"
#define MODES_LINE_PROT "modes: protected mode\n"
#define MODES_LINE_LONG "modes: long mode\n"
#define MODES_RAX     0x0123456789abcdef
#define MODES_QWORD   0x1122334455667788   /* 64 bits at PROOF_ADDR */
#define MODES_PML4    0x1000      /* its page tables: PML4, PDPT, PD at 0x1000-0x3fff */

/* exits.S */
#define EXITS_LINE    "exits: port 0x510, mmio 0xd0000000, i8042 reset\n"
#define EXITS_PORT    0x510       /* a port no device owns */
#define EXITS_MMIO    0xd0000000  /* a guest-physical address past any RAM (<= 3 GiB) */
#define EXITS_ECX     0xe1e1e1e1
/* at PROOF_ADDR: 16 bits read from EXITS_PORT (0xffff), at PROOF_ADDR + 4:
 * 32 bits read from EXITS_MMIO (0xffffffff) */

/* mmiosweep.S: a write and a read at every MiB from here (the end of the
 * default 16 MiB of RAM) to 4 GiB; at PROOF_ADDR, 32 bits: the reads that
 * were not all ones (0) */
#define MMIOSWEEP_LINE  "mmiosweep: 4080 MiB of MMIO written and read\n"
#define MMIOSWEEP_FIRST 0x01000000
#define MMIOSWEEP_STEP  0x00100000

/* the architecture (Intel SDM vol. 3A §2.5, §3.4.5) */
#define COM1_THR      0x3f8
#define COM1_LSR      0x3fd
#define LSR_THRE      0x20
#define CR0_PE        0x00000001
#define CR0_PG        0x80000000
#define CR4_PAE       0x00000020
#define MSR_EFER      0xc0000080
#define EFER_LME      0x00000100
#define SEL_CODE32    0x08
#define SEL_DATA      0x10
#define SEL_CODE64    0x18

#ifdef __ASSEMBLER__
/* PUTS addr: print the NUL-terminated string at addr (DS:SI in real mode,
 * linear elsewhere), polling LSR.THRE before each byte as early_printk does.
 * Clobbers eax, ebx, edx, esi. */
.macro PUTS addr
	mov	$(\addr), %esi
91:	lodsb
	test	%al, %al
	jz	93f
	mov	%al, %bl
	mov	$COM1_LSR, %dx
92:	in	%dx, %al
	test	$LSR_THRE, %al
	jz	92b
	mov	$COM1_THR, %dx
	mov	%bl, %al
	out	%al, %dx
	jmp	91b
93:
.endm

/* The flat GDT both mode-switching guests load (base 0, 4 GiB). */
.macro FLAT_GDT
	.p2align 3
gdt:	.quad	0
	.quad	0x00cf9b000000ffff	/* 0x08: 32-bit code, P S type=0xb D G */
	.quad	0x00cf93000000ffff	/* 0x10: data, P S type=0x3 B G */
	.quad	0x00af9b000000ffff	/* 0x18: 64-bit code, L=1 D=0 */
gdt_end:
gdtr:	.word	gdt_end - gdt - 1
	.long	LOAD + gdt
.endm
#endif

#endif
