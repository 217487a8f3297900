; priv_user.s — the system instructions that are privileged on every
; variant trap in user mode with no other effect.
; SPEC §4 (in user mode a privileged instruction raises PRIVILEGED, with no
; other effect), §8.5 (rti, mfcr, mtcr, di, ei, halt, tlbflush, in, out are
; P on strict, legacy and hybrid), §6.1 (PRIVILEGED = 2, epc = the
; instruction, badaddr unchanged), §6.2 (epsw = the user PSW).
        .include "spec.inc"

        .equ UBASE, 0x10000

main:
        li    r1, UBASE
        mtcr  rbase, r1
        li    r1, 0x1000
        mtcr  rbound, r1
        li    r1, 0xabcd
        mtcr  scratch, r1

        li    r1, u_rti - user
        li    r2, 0
        call  run_user
        li    r1, C_PRIVILEGED
        li    r2, u_rti - user
        li    r4, SENTINEL
        la    r3, s_rti
        call  check_trap

        li    r5, 0x1111
        li    r1, u_mfcr - user
        li    r2, 0
        call  run_user
        li    r1, C_PRIVILEGED
        li    r2, u_mfcr - user
        li    r4, SENTINEL
        la    r3, s_mfcr
        call  check_trap
        mov   r1, r5
        li    r2, 0x1111
        la    r3, s_mfcr_rd
        call  check

        li    r1, u_mtcr - user
        li    r2, 0
        call  run_user
        li    r1, C_PRIVILEGED
        li    r2, u_mtcr - user
        li    r4, SENTINEL
        la    r3, s_mtcr
        call  check_trap
        mfcr  r1, scratch
        li    r2, 0xabcd
        la    r3, s_mtcr_kept
        call  check

        li    r1, u_mtcr_rbase - user
        li    r2, 0
        call  run_user
        li    r1, C_PRIVILEGED
        li    r2, u_mtcr_rbase - user
        li    r4, SENTINEL
        la    r3, s_mtcr_rbase
        call  check_trap
        mfcr  r1, rbase
        li    r2, UBASE
        la    r3, s_mtcr_rbase_kept
        call  check

        li    r1, u_di - user
        li    r2, PSW_IE
        call  run_user
        li    r1, C_PRIVILEGED
        li    r2, u_di - user
        li    r4, SENTINEL
        la    r3, s_di
        call  check_trap
        ldw   r1, T_EPSW(zero)
        li    r2, PSW_IE
        la    r3, s_di_kept
        call  check

        li    r1, u_ei - user
        li    r2, 0
        call  run_user
        li    r1, C_PRIVILEGED
        li    r2, u_ei - user
        li    r4, SENTINEL
        la    r3, s_ei
        call  check_trap
        ldw   r1, T_EPSW(zero)
        li    r2, 0
        la    r3, s_ei_kept
        call  check

        li    r1, u_halt - user
        li    r2, 0
        call  run_user
        li    r1, C_PRIVILEGED
        li    r2, u_halt - user
        li    r4, SENTINEL
        la    r3, s_halt
        call  check_trap

        li    r1, u_tlbflush - user
        li    r2, 0
        call  run_user
        li    r1, C_PRIVILEGED
        li    r2, u_tlbflush - user
        li    r4, SENTINEL
        la    r3, s_tlbflush
        call  check_trap

        li    r5, 0x1111
        li    r1, u_in - user
        li    r2, 0
        call  run_user
        li    r1, C_PRIVILEGED
        li    r2, u_in - user
        li    r4, SENTINEL
        la    r3, s_in
        call  check_trap
        mov   r1, r5
        li    r2, 0x1111
        la    r3, s_in_rd
        call  check

        li    r5, 0x33
        li    r1, u_out_power - user
        li    r2, 0
        call  run_user
        li    r1, C_PRIVILEGED
        li    r2, u_out_power - user
        li    r4, SENTINEL
        la    r3, s_out_power
        call  check_trap

        li    r5, 7
        li    r1, u_out_timer - user
        li    r2, 0
        call  run_user
        li    r1, C_PRIVILEGED
        li    r2, u_out_timer - user
        li    r4, SENTINEL
        la    r3, s_out_timer
        call  check_trap
        in    r1, TIMER_INTERVAL
        li    r2, 0
        la    r3, s_out_timer_kept
        call  check

        b     finish

s_rti:        .asciz "user rti: PRIVILEGED"
s_mfcr:       .asciz "user mfcr: PRIVILEGED"
s_mfcr_rd:    .asciz "user mfcr left rd unchanged"
s_mtcr:       .asciz "user mtcr scratch: PRIVILEGED"
s_mtcr_kept:  .asciz "user mtcr left scratch unchanged"
s_mtcr_rbase: .asciz "user mtcr rbase: PRIVILEGED"
s_mtcr_rbase_kept: .asciz "user mtcr left rbase unchanged"
s_di:         .asciz "user di: PRIVILEGED"
s_di_kept:    .asciz "user di left IE set"
s_ei:         .asciz "user ei: PRIVILEGED"
s_ei_kept:    .asciz "user ei left IE clear"
s_halt:       .asciz "user halt: PRIVILEGED (no wait)"
s_tlbflush:   .asciz "user tlbflush: PRIVILEGED"
s_in:         .asciz "user in: PRIVILEGED"
s_in_rd:      .asciz "user in left rd unchanged"
s_out_power:  .asciz "user out POWER_OFF: PRIVILEGED (still running)"
s_out_timer:  .asciz "user out TIMER_INTERVAL: PRIVILEGED"
s_out_timer_kept: .asciz "user out left the timer stopped"

        .org  UBASE
user:
u_rti:        rti
u_mfcr:       mfcr  r5, scratch
u_mtcr:       mtcr  scratch, r5
u_mtcr_rbase: mtcr  rbase, zero
u_di:         di
u_ei:         ei
u_halt:       halt
u_tlbflush:   tlbflush
u_in:         in    r5, TIMER_INTERVAL
u_out_power:  out   POWER_OFF, r5
u_out_timer:  out   TIMER_INTERVAL, r5
