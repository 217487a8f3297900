; hcall.s — without the paravirtual monitor, hcall is just a trap to the
; guest's own vector, whatever r1 holds.
; SPEC §8.4 ("On the bare machine hcall simply traps to the guest's own
; vector"; it traps in both modes), §6.1 (HYPERCALL = 9, epc = the hcall
; itself, badaddr unchanged), §6.2 (no register changes), monitor/PV.md §1
; ("Under any other mode, hcall is just a trap to the guest's own
; vector").  r1 takes valid and invalid hypercall numbers alike (0x108,
; 0x80000008, -1, 0, 13, 8, 12); r2 and r3 describe a buffer that must not
; be printed.  Run bare and under trap, hybrid and bt, never pv.
        .include "spec.inc"

        .equ UBASE, 0x10000

main:
        la    r9, bad
        li    r10, 5
        call  clear
        li    r1, 0x108
        mov   r2, r9
        mov   r3, r10
k0:     hcall
        mov   r5, r1
        li    r1, C_HYPERCALL
        la    r2, k0
        li    r4, SENTINEL
        la    r3, s_k0
        call  check_trap
        mov   r1, r5
        li    r2, 0x108
        la    r3, s_k0_r1
        call  check
        call  clear
        li    r1, 0x80000008
        mov   r2, r9
        mov   r3, r10
k1:     hcall
        mov   r5, r1
        li    r1, C_HYPERCALL
        la    r2, k1
        li    r4, SENTINEL
        la    r3, s_k1
        call  check_trap
        mov   r1, r5
        li    r2, 0x80000008
        la    r3, s_k1_r1
        call  check
        call  clear
        li    r1, 0xffffffff
        mov   r2, r9
        mov   r3, r10
k2:     hcall
        mov   r5, r1
        li    r1, C_HYPERCALL
        la    r2, k2
        li    r4, SENTINEL
        la    r3, s_k2
        call  check_trap
        mov   r1, r5
        li    r2, 0xffffffff
        la    r3, s_k2_r1
        call  check
        call  clear
        li    r1, 0x0
        mov   r2, r9
        mov   r3, r10
k3:     hcall
        mov   r5, r1
        li    r1, C_HYPERCALL
        la    r2, k3
        li    r4, SENTINEL
        la    r3, s_k3
        call  check_trap
        mov   r1, r5
        li    r2, 0x0
        la    r3, s_k3_r1
        call  check
        call  clear
        li    r1, 0xd
        mov   r2, r9
        mov   r3, r10
k4:     hcall
        mov   r5, r1
        li    r1, C_HYPERCALL
        la    r2, k4
        li    r4, SENTINEL
        la    r3, s_k4
        call  check_trap
        mov   r1, r5
        li    r2, 0xd
        la    r3, s_k4_r1
        call  check
        call  clear
        li    r1, 0x8
        mov   r2, r9
        mov   r3, r10
k5:     hcall
        mov   r5, r1
        li    r1, C_HYPERCALL
        la    r2, k5
        li    r4, SENTINEL
        la    r3, s_k5
        call  check_trap
        mov   r1, r5
        li    r2, 0x8
        la    r3, s_k5_r1
        call  check
        call  clear
        li    r1, 0xc
        mov   r2, r9
        mov   r3, r10
k6:     hcall
        mov   r5, r1
        li    r1, C_HYPERCALL
        la    r2, k6
        li    r4, SENTINEL
        la    r3, s_k6
        call  check_trap
        mov   r1, r5
        li    r2, 0xc
        la    r3, s_k6_r1
        call  check

        li    r1, UBASE
        mtcr  rbase, r1
        li    r1, 0x1000
        mtcr  rbound, r1
        li    r5, 0x108
        li    r1, u_hcall - user
        li    r2, 0
        call  run_user
        li    r1, C_HYPERCALL
        li    r2, u_hcall_at - user
        li    r4, SENTINEL
        la    r3, s_user
        call  check_trap
        li    r5, 8
        li    r1, u_hcall - user
        li    r2, PSW_IE
        call  run_user
        li    r1, C_HYPERCALL
        li    r2, u_hcall_at - user
        li    r4, SENTINEL
        la    r3, s_user8
        call  check_trap

        b     finish

bad:    .asciz "BAD!\n"
s_k0:    .asciz "kernel hcall with r1 = 0x108: HYPERCALL trap"
s_k0_r1: .asciz "kernel hcall with r1 = 0x108: r1 unchanged"
s_k1:    .asciz "kernel hcall with r1 = 0x80000008: HYPERCALL trap"
s_k1_r1: .asciz "kernel hcall with r1 = 0x80000008: r1 unchanged"
s_k2:    .asciz "kernel hcall with r1 = -1: HYPERCALL trap"
s_k2_r1: .asciz "kernel hcall with r1 = -1: r1 unchanged"
s_k3:    .asciz "kernel hcall with r1 = 0: HYPERCALL trap"
s_k3_r1: .asciz "kernel hcall with r1 = 0: r1 unchanged"
s_k4:    .asciz "kernel hcall with r1 = 13: HYPERCALL trap"
s_k4_r1: .asciz "kernel hcall with r1 = 13: r1 unchanged"
s_k5:    .asciz "kernel hcall with r1 = 8 (HC_CONSOLE_WRITE): HYPERCALL trap"
s_k5_r1: .asciz "kernel hcall with r1 = 8 (HC_CONSOLE_WRITE): r1 unchanged"
s_k6:    .asciz "kernel hcall with r1 = 12 (HC_POWER_OFF): HYPERCALL trap"
s_k6_r1: .asciz "kernel hcall with r1 = 12 (HC_POWER_OFF): r1 unchanged"
s_user:  .asciz "user hcall with r1 = 0x108: HYPERCALL trap"
s_user8: .asciz "user hcall with r1 = 8: HYPERCALL trap"

        .org  UBASE
user:
u_hcall:
        mov   r1, r5
        li    r2, 0
        li    r3, 4
u_hcall_at:
        hcall
        sys
