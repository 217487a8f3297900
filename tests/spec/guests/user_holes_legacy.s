; user_holes_legacy.s — on legacy, rdpsw and wrpsw are not privileged: in
; user mode rdpsw reads the PSW, and wrpsw writes only the flags, keeping
; S and IE (x86's POPF at CPL > IOPL); juser stays privileged.
; SPEC §8.5 (legacy column; "On legacy, in user mode, it writes only the
; flags and silently keeps S and IE"), §9.2 (rdpsw is not user-sensitive:
; a user program knows it is in user mode), §3.2.  srr is left to
; legacy_srr_user.s.  Variant: legacy only.
        .include "spec.inc"

        .equ UBASE, 0x10000

main:
        li    r1, UBASE
        mtcr  rbase, r1
        li    r1, 0x1000
        mtcr  rbound, r1

        li    r5, 0x1111
        li    r1, u_rdpsw - user
        li    r2, PSW_IE | PSW_Z | PSW_C
        call  run_user
        li    r1, C_SYSCALL
        li    r2, u_rdpsw_sys - user
        li    r4, SENTINEL
        la    r3, s_rdpsw
        call  check_trap
        mov   r1, r5
        li    r2, PSW_IE | PSW_Z | PSW_C
        la    r3, s_rdpsw_val
        call  check

        li    r1, u_rdpsw - user
        li    r2, PSW_N | PSW_V
        call  run_user
        mov   r1, r5
        li    r2, PSW_N | PSW_V
        la    r3, s_rdpsw_val2
        call  check

        li    r5, PSW_S | 0xf0
        li    r1, u_wrpsw - user
        li    r2, PSW_IE
        call  run_user
        li    r1, C_SYSCALL
        li    r2, u_wrpsw_sys - user
        li    r4, SENTINEL
        la    r3, s_wrpsw
        call  check_trap
        ldw   r1, T_EPSW(zero)
        li    r2, PSW_IE | 0xf0
        la    r3, s_wrpsw_flags
        call  check

        li    r5, PSW_S | PSW_IE
        li    r1, u_wrpsw - user
        li    r2, PSW_Z | PSW_V
        call  run_user
        ldw   r1, T_EPSW(zero)
        li    r2, 0
        la    r3, s_wrpsw_keeps
        call  check

        li    r5, PSW_S | PSW_IE | PSW_Z
        li    r1, u_wrpsw_priv - user
        li    r2, 0
        call  run_user
        li    r1, C_PRIVILEGED
        li    r2, u_wrpsw_priv_di - user
        li    r4, SENTINEL
        la    r3, s_wrpsw_user
        call  check_trap
        ldw   r1, T_EPSW(zero)
        li    r2, PSW_Z
        la    r3, s_wrpsw_user_psw
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

s_rdpsw:          .asciz "legacy: user rdpsw does not trap"
s_rdpsw_val:      .asciz "legacy: user rdpsw reads S = 0, IE and the flags"
s_rdpsw_val2:     .asciz "legacy: user rdpsw reads N V with IE = 0"
s_wrpsw:          .asciz "legacy: user wrpsw does not trap"
s_wrpsw_flags:    .asciz "legacy: user wrpsw writes the flags, keeps S = 0 and IE = 1"
s_wrpsw_keeps:    .asciz "legacy: user wrpsw of S IE keeps S = 0 and IE = 0"
s_wrpsw_user:     .asciz "legacy: after user wrpsw of S = 1, di still traps"
s_wrpsw_user_psw: .asciz "legacy: ... and the PSW has the written flags only"
s_juser:          .asciz "legacy: user juser is PRIVILEGED"

        .org  UBASE
user:
u_rdpsw: rdpsw r5
u_rdpsw_sys:
        sys
u_wrpsw: wrpsw r5
u_wrpsw_sys:
        sys
u_wrpsw_priv:
        wrpsw r5
u_wrpsw_priv_di:
        di
u_juser: juser r5
        sys
u_land: sys
