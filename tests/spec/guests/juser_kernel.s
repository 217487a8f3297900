; juser_kernel.s — juser from the kernel: jump and enter user mode.
; SPEC §8.5 (juser rs: pc := rs; psw.S := 0 — IE and the flags are kept),
; §4 (juser is one of the ways into user mode), §5.1 (the target is a user
; virtual address, relocated), §6.1 (a misaligned target or one beyond
; rbound faults at the fetch, in user mode), §9.2 (on hybrid juser is not
; privileged: a trap-and-emulate monitor never sees the kernel's juser, so
; on hybrid this guest is expected NOT equivalent under trap; the hybrid
; monitor and binary translation handle the kernel's code and stay
; equivalent).
        .include "spec.inc"

        .equ UBASE, 0x10000

main:
        li    r1, UBASE
        mtcr  rbase, r1
        li    r1, 0x1000
        mtcr  rbound, r1

        la    r1, back1
        call  arm
        li    r5, u_sys - user
        cmpi  zero, 0                   ; Z
        juser r5
back1:  li    r1, C_SYSCALL
        li    r2, u_sys - user
        li    r4, SENTINEL
        la    r3, s_juser
        call  check_trap
        ldw   r1, T_EPSW(zero)
        li    r2, PSW_Z
        la    r3, s_juser_psw
        call  check

        la    r1, back2
        call  arm
        li    r5, u_sys - user
        li    r6, 1
        cmpi  r6, 2                     ; N C
        ei                              ; the timer is stopped
        juser r5
back2:  ldw   r1, T_EPSW(zero)
        li    r2, PSW_IE | PSW_N | PSW_C
        la    r3, s_juser_ie
        call  check

        la    r1, back3
        call  arm
        li    r5, u_priv - user
        juser r5
back3:  li    r1, C_PRIVILEGED
        li    r2, u_priv - user
        li    r4, SENTINEL
        la    r3, s_juser_user
        call  check_trap

        la    r1, back4
        call  arm
        li    r5, u_sys - user + 2
        juser r5
back4:  li    r1, C_MISALIGNED | A_FETCH
        li    r2, u_sys - user + 2
        mov   r4, r2
        la    r3, s_juser_mis
        call  check_trap
        ldw   r1, T_EPSW(zero)
        andi  r1, r1, PSW_S
        li    r2, 0
        la    r3, s_juser_mis_user
        call  check

        la    r1, back5
        call  arm
        li    r5, 0x1000
        juser r5
back5:  li    r1, C_MEMORY | A_FETCH
        li    r2, 0x1000
        li    r4, 0x1000
        la    r3, s_juser_far
        call  check_trap

        b     finish

s_juser:          .asciz "kernel juser enters user code at the relocated target"
s_juser_psw:      .asciz "kernel juser keeps the flags, clears S"
s_juser_ie:       .asciz "kernel juser keeps IE"
s_juser_user:     .asciz "after kernel juser, di traps PRIVILEGED"
s_juser_mis:      .asciz "kernel juser to a misaligned target: MISALIGNED fetch"
s_juser_mis_user: .asciz "... taken in user mode"
s_juser_far:      .asciz "kernel juser to rbound: MEMORY fetch"

        .org  UBASE
user:
u_sys:  sys
u_priv: di
