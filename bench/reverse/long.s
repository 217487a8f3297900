; long.s — a guest of about 10^8 instructions for the reverse-execution
; benchmark (bench/reverse): a loop that adds into a 64 KiB table, one
; word after another, so that its memory keeps changing (each checkpoint
; differs from the one before in a page or two), then powers off with
; the low byte of its sum.  No timer, no console: nothing but the loop.
        .equ POWER_OFF,   0x20
        .equ TABLE_WORDS, 16384            ; 64 KiB
        .equ ROUNDS,      760              ; 760 rounds x 16384 words x 8 = 0.996 x 10^8

start:
        li    r5, ROUNDS
        li    r6, 0                        ; the sum
round:
        la    r2, table
        li    r3, TABLE_WORDS
word:
        ldw   r4, 0(r2)
        add   r4, r4, r5
        stw   r4, 0(r2)
        add   r6, r6, r4
        addi  r2, r2, 4
        addi  r3, r3, -1
        cmpi  r3, 0
        bne   word
        addi  r5, r5, -1
        cmpi  r5, 0
        bne   round
        out   POWER_OFF, r6

        .align 4096
table:
        .space 65536
