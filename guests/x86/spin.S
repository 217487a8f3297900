/* spin.S — a hostile guest (issue 15): interrupts off, then a jump to
 * itself.  No exit ever reaches the VMM by the guest's doing; only the VMM's
 * own means end it: Control-C (SIGINT) or `--timeout`, each with a one-line
 * report and its own exit status.
 *     build/traplab kvm --timeout=1 build/guests/x86/spin.bin; echo $?
 * tests/kvm/test_kvm_hostile.c.
 */
	.code16
	.text
	.globl	start
start:
	cli
	.globl	spin
spin:	jmp	spin

	.section .note.GNU-stack, "", @progbits
