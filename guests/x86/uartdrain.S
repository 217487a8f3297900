/* uartdrain.S — a hostile guest (issue 15): `rep insb` from the UART's data
 * port with the largest count there is: 2^32 - 1 bytes written from 1 MiB
 * up, through the rest of RAM, then past it (MMIO writes that must go
 * nowhere), then around the top of the address space onto the guest's own
 * code.  A VMM must bound what it writes by the guest's RAM, never by the
 * count.  Entered in protected mode; ends by `--timeout` or Control-C:
 *     build/traplab kvm --mode=protected --timeout=1 build/guests/x86/uartdrain.bin
 * tests/kvm/test_kvm_hostile.c.
 */
#include "guest.h"

	.code32
	.text
	.globl	start
start:
	cld
	mov	$COM1_THR, %dx			/* the receive buffer: empty, so 0s */
	mov	$0x100000, %edi
	mov	$0xffffffff, %ecx
	.globl	drain
drain:
	rep insb
	cli
1:	hlt
	jmp	1b

	.section .note.GNU-stack, "", @progbits
