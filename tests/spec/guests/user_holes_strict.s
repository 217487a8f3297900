; user_holes_strict.s — on strict, rdpsw, wrpsw, srr and juser are
; privileged: in user mode each raises PRIVILEGED with no other effect.
; SPEC §8.5 (strict column: P for all four), §9.2 (strict: every sensitive
; instruction is privileged), §4, §6.1.  Variant: strict only.
        .include "spec.inc"

        .equ UBASE, 0x10000

main:
        li    r1, UBASE
        mtcr  rbase, r1
        li    r1, 0x1000
        mtcr  rbound, r1

        li    r5, 0x1111
        li    r1, u_rdpsw - user
        li    r2, PSW_IE | PSW_Z
        call  run_user
        li    r1, C_PRIVILEGED
        li    r2, u_rdpsw - user
        li    r4, SENTINEL
        la    r3, s_rdpsw
        call  check_trap
        mov   r1, r5
        li    r2, 0x1111
        la    r3, s_rdpsw_rd
        call  check

        li    r5, PSW_S | PSW_IE | 0xf0
        li    r1, u_wrpsw - user
        li    r2, PSW_Z
        call  run_user
        li    r1, C_PRIVILEGED
        li    r2, u_wrpsw - user
        li    r4, SENTINEL
        la    r3, s_wrpsw
        call  check_trap
        ldw   r1, T_EPSW(zero)
        li    r2, PSW_Z
        la    r3, s_wrpsw_psw
        call  check

        li    r5, 0x1111
        li    r1, u_srr - user
        li    r2, 0
        call  run_user
        li    r1, C_PRIVILEGED
        li    r2, u_srr - user
        li    r4, SENTINEL
        la    r3, s_srr
        call  check_trap
        mov   r1, r5
        li    r2, 0x1111
        la    r3, s_srr_rd
        call  check

        li    r5, u_land - user
        li    r1, u_juser - user
        li    r2, 0
        call  run_user
        li    r1, C_PRIVILEGED
        li    r2, u_juser - user
        li    r4, SENTINEL
        la    r3, s_juser
        call  check_trap

        b     finish

s_rdpsw:    .asciz "strict: user rdpsw is PRIVILEGED"
s_rdpsw_rd: .asciz "strict: user rdpsw left rd unchanged"
s_wrpsw:    .asciz "strict: user wrpsw is PRIVILEGED"
s_wrpsw_psw: .asciz "strict: user wrpsw left the PSW unchanged"
s_srr:      .asciz "strict: user srr is PRIVILEGED"
s_srr_rd:   .asciz "strict: user srr left rd unchanged"
s_juser:    .asciz "strict: user juser is PRIVILEGED"

        .org  UBASE
user:
u_rdpsw: rdpsw r5
        sys
u_wrpsw: wrpsw r5
        sys
u_srr:  srr   r5
        sys
u_juser: juser r5
        sys
u_land: sys
