/* uartflood.S — a hostile guest (issue 15): `rep outsb` to the UART's data
 * port with the largest count there is, 2^32 - 1 bytes read from all of the
 * address space -- RAM, then past it (MMIO) -- one I/O exit for as many
 * bytes as KVM batches.  A VMM must neither trust the count nor buffer the
 * bytes: traplab passes each to the UART and the guest runs until something
 * ends it (`--timeout`, Control-C).  Entered in protected mode:
 *     build/traplab kvm --mode=protected --timeout=1 build/guests/x86/uartflood.bin
 * tests/kvm/test_kvm_hostile.c.
 */
#include "guest.h"

	.code32
	.text
	.globl	start
start:
	cld
	mov	$COM1_THR, %dx
	xor	%esi, %esi			/* from guest-physical 0 ... */
	mov	$0xffffffff, %ecx		/* ... for 4 GiB - 1 bytes */
	.globl	flood
flood:
	rep outsb
	cli
1:	hlt					/* not reached in any time a test waits */
	jmp	1b

	.section .note.GNU-stack, "", @progbits
