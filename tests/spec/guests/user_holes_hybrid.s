; user_holes_hybrid.s — on hybrid, rdpsw, wrpsw and srr are privileged,
; and juser in user mode is an ordinary jump (it stays in user mode).
; SPEC §8.5 (hybrid column: juser is C, not P; "In user mode on hybrid it
; is an ordinary jump"), §9.2 (hybrid: PDP-10 JRST 1), §4, §6.1 (a jump to a
; misaligned address faults at the target).  Variant: hybrid only.
        .include "spec.inc"

        .equ UBASE, 0x10000

main:
        .include "user_priv_probes.inc"

        li    r5, u_land - user
        li    r1, u_juser - user
        li    r2, PSW_IE | PSW_C
        call  run_user
        li    r1, C_SYSCALL
        li    r2, u_land - user
        li    r4, SENTINEL
        la    r3, s_juser
        call  check_trap
        ldw   r1, T_EPSW(zero)
        li    r2, PSW_IE | PSW_C
        la    r3, s_juser_psw
        call  check

        li    r5, u_land_priv - user
        li    r1, u_juser - user
        li    r2, 0
        call  run_user
        li    r1, C_PRIVILEGED
        li    r2, u_land_priv - user
        li    r4, SENTINEL
        la    r3, s_juser_user
        call  check_trap

        li    r5, u_land - user + 2
        li    r1, u_juser - user
        li    r2, 0
        call  run_user
        li    r1, C_MISALIGNED | A_FETCH
        li    r2, u_land - user + 2
        mov   r4, r2
        la    r3, s_juser_mis
        call  check_trap

        li    r5, 0x2000                ; beyond rbound
        li    r1, u_juser - user
        li    r2, 0
        call  run_user
        li    r1, C_MEMORY | A_FETCH
        li    r2, 0x2000
        mov   r4, r2
        la    r3, s_juser_far
        call  check_trap

        b     finish

s_rdpsw:      .asciz "hybrid: user rdpsw is PRIVILEGED"
s_rdpsw_rd:   .asciz "hybrid: user rdpsw left rd unchanged"
s_wrpsw:      .asciz "hybrid: user wrpsw is PRIVILEGED"
s_wrpsw_psw:  .asciz "hybrid: user wrpsw left the PSW unchanged"
s_srr:        .asciz "hybrid: user srr is PRIVILEGED"
s_srr_rd:     .asciz "hybrid: user srr left rd unchanged"
s_juser:      .asciz "hybrid: user juser jumps (sys at the target)"
s_juser_psw:  .asciz "hybrid: user juser keeps IE and the flags"
s_juser_user: .asciz "hybrid: after user juser the code is still user mode"
s_juser_mis:  .asciz "hybrid: user juser to a misaligned target: MISALIGNED there"
s_juser_far:  .asciz "hybrid: user juser beyond rbound: MEMORY fetch there"

        .org  UBASE
user:
u_rdpsw: rdpsw r5
        sys
u_wrpsw: wrpsw r5
        sys
u_srr:  srr   r5
        sys
u_juser: juser r5
        brk
u_land: sys
u_land_priv:
        di
