; ports.s — the I/O ports as a supervisor sees them.
; SPEC §10 (port table: CONSOLE_DATA reads 0xffffffff with no input,
; CONSOLE_STATUS bit 0 = input available, TIMER_INTERVAL reads the
; interval, TIMER_COUNT 0 while stopped, TIMER_ACK 1 only if pending,
; POWER_OFF reads 0), §8.5 (in/out on a port no device owns read
; 0xffffffff and ignore the write), §10.1 (the console prints the low 8
; bits of the word).  Run without --input.
        .include "spec.inc"

main:
        call  clear
        in    r1, 0x1234
        li    r2, 0xffffffff
        la    r3, s_unowned
        call  check
        li    r5, 0x55
        out   0x1234, r5
        in    r1, 0xffff
        li    r2, 0xffffffff
        la    r3, s_ffff
        call  check
        in    r1, 0x02
        li    r2, 0xffffffff
        la    r3, s_02
        call  check
        in    r1, 0x13
        li    r2, 0xffffffff
        la    r3, s_13
        call  check
        in    r1, 0x21
        li    r2, 0xffffffff
        la    r3, s_21
        call  check
        la    r3, s_no_trap
        call  check_notrap

        in    r1, CONSOLE_STATUS
        andi  r1, r1, 1
        li    r2, 0
        la    r3, s_status
        call  check
        in    r1, CONSOLE_DATA
        li    r2, 0xffffffff
        la    r3, s_data
        call  check
        out   CONSOLE_STATUS, r5        ; ignored
        in    r1, POWER_OFF
        li    r2, 0
        la    r3, s_power
        call  check

        in    r1, TIMER_COUNT
        li    r2, 0
        la    r3, s_count0
        call  check
        in    r1, TIMER_ACK
        li    r2, 0
        la    r3, s_ack0
        call  check
        out   TIMER_ACK, r5             ; nothing pending: still nothing
        in    r1, TIMER_ACK
        li    r2, 0
        la    r3, s_ack_idle
        call  check
        out   TIMER_COUNT, r5           ; ignored
        in    r1, TIMER_COUNT
        li    r2, 0
        la    r3, s_count_ro
        call  check
        li    r5, 12345
        out   TIMER_INTERVAL, r5
        in    r1, TIMER_INTERVAL
        out   TIMER_INTERVAL, zero
        li    r2, 12345
        la    r3, s_interval
        call  check
        in    r1, TIMER_INTERVAL
        li    r2, 0
        la    r3, s_interval0
        call  check

        ; the console prints the low 8 bits: this line reads "console: B!"
        la    r2, s_console
        call  puts
        li    r5, 0x4142                ; 'B' in the low byte
        out   CONSOLE_DATA, r5
        li    r5, 0xffffff21            ; '!'
        out   CONSOLE_DATA, r5
        li    r5, 0x30a                 ; newline
        out   CONSOLE_DATA, r5

        b     finish

s_unowned:  .asciz "in from an unowned port reads 0xffffffff"
s_ffff:     .asciz "in from port 0xffff reads 0xffffffff"
s_02:       .asciz "in from port 0x02 reads 0xffffffff"
s_13:       .asciz "in from port 0x13 reads 0xffffffff"
s_21:       .asciz "in from port 0x21 reads 0xffffffff"
s_no_trap:  .asciz "unowned ports do not trap"
s_status:   .asciz "CONSOLE_STATUS: no input available"
s_data:     .asciz "CONSOLE_DATA with no input reads 0xffffffff"
s_power:    .asciz "POWER_OFF reads 0"
s_count0:   .asciz "TIMER_COUNT reads 0 while stopped"
s_ack0:     .asciz "TIMER_ACK reads 0 with nothing pending"
s_ack_idle: .asciz "writing TIMER_ACK with nothing pending changes nothing"
s_count_ro: .asciz "writes to TIMER_COUNT are ignored"
s_interval: .asciz "TIMER_INTERVAL reads the interval"
s_interval0: .asciz "TIMER_INTERVAL reads 0 after stopping"
s_console:  .asciz "console: "
