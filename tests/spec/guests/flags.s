; flags.s — the condition flags, read back exactly through epsw.
; SPEC §3.2 (Z, N, C, V; bits 2, 3, 8-31 read as 0; only cmp and cmpi change
; the flags), §8.1 (compare(x, y): d = x - y, Z = (d = 0), N = bit 31 of d,
; C = x < y unsigned, V = signed overflow; cmpi sign-extends), §6.2 (epsw
; holds the PSW; rti restores it, flags included).
; Each check does cmp/cmpi, then `sys`; the trap records epsw = S | flags.
        .include "spec.inc"

main:
        li    r5, 5
        li    r6, 5
        cmp   r5, r6
        la    r3, s_eq
        li    r2, PSW_Z
        call  flags_after

        li    r5, 3
        cmp   r5, r6
        la    r3, s_lt
        li    r2, PSW_N | PSW_C
        call  flags_after

        cmp   r6, r5
        la    r3, s_gt
        li    r2, 0
        call  flags_after

        li    r5, 0x80000000
        li    r6, 1
        cmp   r5, r6                    ; d = 0x7fffffff: overflow
        la    r3, s_min_1
        li    r2, PSW_V
        call  flags_after

        li    r5, 0x7fffffff
        li    r6, -1
        cmp   r5, r6                    ; d = 0x80000000: N, V; borrow: C
        la    r3, s_max_m1
        li    r2, PSW_N | PSW_C | PSW_V
        call  flags_after

        li    r5, 0
        li    r6, 0x80000000
        cmp   r5, r6
        la    r3, s_0_min
        li    r2, PSW_N | PSW_C | PSW_V
        call  flags_after

        li    r5, -1
        cmp   r5, r5
        la    r3, s_m1_m1
        li    r2, PSW_Z
        call  flags_after

        li    r5, -1
        li    r6, 1
        cmp   r5, r6                    ; d = -2: N; unsigned 0xffffffff > 1
        la    r3, s_m1_1
        li    r2, PSW_N
        call  flags_after

        li    r5, -1
        cmpi  r5, -1                    ; sign-extended: equal
        la    r3, s_cmpi_sext
        li    r2, PSW_Z
        call  flags_after

        li    r5, 0xffff
        cmpi  r5, -1                    ; 0xffff - 0xffffffff: C only
        la    r3, s_cmpi_c
        li    r2, PSW_C
        call  flags_after

        li    r5, 0x80000000
        cmpi  r5, 0
        la    r3, s_cmpi_n
        li    r2, PSW_N
        call  flags_after

        ; only cmp and cmpi change the flags
        li    r5, 1
        cmpi  r5, 1                     ; Z
        sub   r6, zero, r5              ; negative result: flags untouched
        add   r7, r5, r5
        mul   r7, r7, zero
        ldw   r7, 0(zero)
        la    r3, s_only_cmp
        li    r2, PSW_Z
        call  flags_after

        ; rti restores the flags: a branch after the trap sees them
        li    r5, 1
        cmpi  r5, 2                     ; N, C: blt and bltu taken
        sys                             ; the handler does cmpi itself
        li    r1, 0
        bltu  flags_kept
        li    r1, 1
flags_kept:
        li    r2, 0
        la    r3, s_rti_flags
        call  check

        b     finish

; flags_after: sys, then check epsw = S | r2.  r3 = name.  The flags of
; the caller reach the sys untouched (call, la and li do not change them).
flags_after:
        push  lr
        push  r2
        push  r3
        call  clear
        sys
        ldw   r3, 0(sp)
        ldw   r2, 4(sp)
        ori   r2, r2, PSW_S
        ldw   r1, T_EPSW(zero)
        call  check
        pop   r3
        pop   r2
        pop   lr
        ret

s_eq:        .asciz "cmp 5, 5: Z"
s_lt:        .asciz "cmp 3, 5: N C"
s_gt:        .asciz "cmp 5, 3: no flag"
s_min_1:     .asciz "cmp 0x80000000, 1: V"
s_max_m1:    .asciz "cmp 0x7fffffff, -1: N C V"
s_0_min:     .asciz "cmp 0, 0x80000000: N C V"
s_m1_m1:     .asciz "cmp -1, -1: Z"
s_m1_1:      .asciz "cmp -1, 1: N"
s_cmpi_sext: .asciz "cmpi -1, -1 sign-extends: Z"
s_cmpi_c:    .asciz "cmpi 0xffff, -1: C"
s_cmpi_n:    .asciz "cmpi 0x80000000, 0: N"
s_only_cmp:  .asciz "sub, add, mul, ldw leave the flags alone"
s_rti_flags: .asciz "rti restores the flags"
