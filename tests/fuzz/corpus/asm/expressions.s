; constant expressions: precedence, shifts, unary ops, '.', chars, forward .equ
        .equ A, 0x7fffffff
        .equ B, -A - 1
        .equ C, ~0 >> 1 << 2
        .equ D, (1 + 2) * (3 - 4) / 5 % 6
        .equ E, 'a' | '\n' ^ 0b1010 & 0b1111 | 010
        .equ F, LATER - start
start:  .word A, B & 0xffffffff, C & 0xffff, D & 0xff, E, F
        .half 0xffff, -32768
        .byte 255, -128, 'z'
        .align 16
        .space 8, 0xaa
        .ascii "abc\t\"\\"
        .asciz "end"
        .align 4
LATER:  .word . - start, ((((((((1))))))))
        li    r3, 0x12345678
        addi  r1, r2, -(1 << 15)
        andi  r1, r2, 0xffff
