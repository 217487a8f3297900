; user_holes_strict.s — on strict, rdpsw, wrpsw, srr and juser are
; privileged: in user mode each raises PRIVILEGED with no other effect.
; SPEC §8.5 (strict column: P for all four), §9.2 (strict: every sensitive
; instruction is privileged), §4, §6.1.  Variant: strict only.
        .include "spec.inc"

        .equ UBASE, 0x10000

main:
        .include "user_priv_probes.inc"

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
