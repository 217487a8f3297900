; a mix of errors: every message must have the documented shape
        add   r1, r16, r2
        foo   r1
x:      nop
x:      nop
        .org 8
        .org 4
        b     6
        .word 1 / (2 - 2)
        .byte 256
        li    r1, 'ab'
        .if LATER
        .endif
LATER = 1
        .else
        .if 1
