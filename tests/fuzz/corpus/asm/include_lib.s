; .include from the top of the tree, twice nested (crc32_report.s includes print.s)
        .equ CONSOLE_DATA, 0x00
        .equ POWER_OFF, 0x20
        .equ BUFFER, 0x10000
        .equ LEN, 16
        .org 0
        b     main
        .include "guests/pg32/lib/hypercalls.s"
main:   la    r1, msg
        call  puts
        halt
        .include "guests/pg32/lib/print.s"
msg:    .asciz "hi\n"
