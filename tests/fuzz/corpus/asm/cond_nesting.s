; conditional assembly, nested, with .else and symbols (ASSEMBLER.md §5.1)
        .equ DEBUG, 1
LEVEL = 3
        .ifdef DEBUG
        .if LEVEL - 2
        .ifndef QUIET
        li    r1, LEVEL * 2 + 1
        .else
        nop
        .endif
        .else
        .if (LEVEL & 1) ^ 1
        halt
        .endif
        .endif
        .endif
        .if 0
        this line is never assembled
        .else
        mov   r2, r1
        .endif
