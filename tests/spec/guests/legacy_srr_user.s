; legacy_srr_user.s — the Red Pill: on legacy, srr is not privileged, and
; in user mode it reveals the relocation register.
; SPEC §8.5 (srr: rd := ptbr if mmu.PG else rbase; legacy column L Lu, not
; P), §9.2 hole 3 (location-sensitive between two user states: no monitor
; that runs user code directly can hide it).  Variant: legacy only.  Under
; a monitor the value differs from bare (the real relocation), so every
; monitor mode is expected NOT equivalent.
        .include "spec.inc"

        .equ UBASE, 0x10000

main:
        li    r1, UBASE
        mtcr  rbase, r1
        li    r1, 0x1000
        mtcr  rbound, r1

        li    r5, 0x1111
        li    r1, u_srr - user
        li    r2, 0
        call  run_user
        li    r1, C_SYSCALL
        li    r2, u_srr_sys - user
        li    r4, SENTINEL
        la    r3, s_srr
        call  check_trap
        mov   r1, r5
        li    r2, UBASE
        la    r3, s_srr_val
        call  check

        li    r1, UBASE + 0x1000
        mtcr  rbase, r1
        li    r1, UBASE + 0x1000
        la    r2, user
        li    r3, 8
        call  copy_bytes
        li    r1, 0
        li    r2, 0
        call  run_user
        mov   r1, r5
        li    r2, UBASE + 0x1000
        la    r3, s_srr_val2
        call  check

        b     finish

s_srr:      .asciz "legacy: user srr does not trap"
s_srr_val:  .asciz "legacy: user srr reads rbase"
s_srr_val2: .asciz "legacy: user srr reads a changed rbase"

        .org  UBASE
user:
u_srr:  srr   r5
u_srr_sys:
        sys
