; arith.s — integer arithmetic and logic.
; SPEC §8.1 (add .. lui, wrap-around, sext/zext of immediates), §7.2
; (signed and unsigned immediates), §3.1 (r0 reads 0, writes discarded).
        .include "tests/spec/guests/spec.inc"

main:
        li    r5, 0x7fffffff
        li    r6, 1
        add   r1, r5, r6
        li    r2, 0x80000000
        la    r3, s_add_ovf
        call  check

        li    r5, -1
        add   r1, r5, r6
        li    r2, 0
        la    r3, s_add_wrap
        call  check

        sub   r1, zero, r6
        li    r2, 0xffffffff
        la    r3, s_sub_wrap
        call  check

        li    r5, 0x80000000
        sub   r1, r5, r6
        li    r2, 0x7fffffff
        la    r3, s_sub_ovf
        call  check

        li    r5, 0xf0f0f0f0
        li    r6, 0x3c3c3c3c
        and   r1, r5, r6
        li    r2, 0x30303030
        la    r3, s_and
        call  check
        or    r1, r5, r6
        li    r2, 0xfcfcfcfc
        la    r3, s_or
        call  check
        xor   r1, r5, r6
        li    r2, 0xcccccccc
        la    r3, s_xor
        call  check

        li    r5, 0x12345678
        li    r6, 0x9abcdef0
        mul   r1, r5, r6
        li    r2, 0x242d2080            ; low 32 bits of the product
        la    r3, s_mul
        call  check

        li    r5, -3
        li    r6, 7
        mul   r1, r5, r6
        li    r2, -21
        la    r3, s_mul_neg
        call  check

        li    r5, 0x10000
        mul   r1, r5, r5                ; 2^32: low 32 bits are 0
        li    r2, 0
        la    r3, s_mul_over
        call  check

        li    r5, 0x10
        addi  r1, r5, -1                ; sext(0xffff) = -1
        li    r2, 0xf
        la    r3, s_addi_neg
        call  check

        addi  r1, zero, -32768
        li    r2, 0xffff8000
        la    r3, s_addi_min
        call  check

        li    r5, -1
        andi  r1, r5, 0x8000            ; zext: upper half cleared
        li    r2, 0x00008000
        la    r3, s_andi
        call  check

        ori   r1, zero, 0xffff
        li    r2, 0x0000ffff
        la    r3, s_ori
        call  check

        xori  r1, r5, 0xffff
        li    r2, 0xffff0000
        la    r3, s_xori
        call  check

        lui   r1, 0x8001
        li    r2, 0x80010000
        la    r3, s_lui
        call  check

        li    r5, 77
        add   zero, r5, r5              ; discarded
        addi  zero, zero, 5             ; discarded
        ldw   zero, T_COUNT - 4(zero)   ; a load into r0: discarded too
        add   r1, zero, zero
        li    r2, 0
        la    r3, s_r0
        call  check

        li    r5, 5
        add   r5, r5, r5                ; rd = rs = rt
        mov   r1, r5
        li    r2, 10
        la    r3, s_same
        call  check

        b     finish

s_add_ovf:  .asciz "add 0x7fffffff + 1 wraps to 0x80000000"
s_add_wrap: .asciz "add 0xffffffff + 1 wraps to 0"
s_sub_wrap: .asciz "sub 0 - 1 = 0xffffffff"
s_sub_ovf:  .asciz "sub 0x80000000 - 1 = 0x7fffffff"
s_and:      .asciz "and"
s_or:       .asciz "or"
s_xor:      .asciz "xor"
s_mul:      .asciz "mul keeps the low 32 bits"
s_mul_neg:  .asciz "mul -3 * 7 = -21"
s_mul_over: .asciz "mul 0x10000 * 0x10000 = 0"
s_addi_neg: .asciz "addi sign-extends its immediate"
s_addi_min: .asciz "addi -32768 = 0xffff8000"
s_andi:     .asciz "andi zero-extends its immediate"
s_ori:      .asciz "ori zero-extends its immediate"
s_xori:     .asciz "xori zero-extends its immediate"
s_lui:      .asciz "lui puts imm16 in the upper half"
s_r0:       .asciz "writes to r0 are discarded"
s_same:     .asciz "add with rd = rs = rt"
