; touch_all.s — bench/vm's memory-hungry guest: writes one word into every
; page of a 16 MiB memory (run it with --memory=16384), then powers off.
; The peak resident memory of `traplab run` on it is the most a guest of
; that size can make TrapLab hold: its memory, plus the decode cache only
; where code ran (machine/machine.c).
        .equ POWER_OFF, 0x20            ; port: writing stops the machine (SPEC §10)
        .equ MEMORY, 0x1000000          ; 16 MiB
        .equ PAGE, 0x1000               ; SPEC §5.2

        la    r2, first_page
        li    r3, MEMORY
        li    r4, PAGE
touch:
        stw   r4, 0(r2)                 ; one word makes the page the guest's
        add   r2, r2, r4
        cmp   r2, r3                    ; bltu: unsigned (SPEC §8.3)
        bltu  touch
        li    r1, 0
        out   POWER_OFF, r1
        .align 4096
first_page:
