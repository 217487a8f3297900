; crc32_report.s — the end of the supervisor-mode CRC-32 guests, crc32.s and
; crc32_paged.s (bench/interp): print "crc32 = XXXXXXXX\n" for the CRC in
; r1 (lib/crc32_body.s's result) and power off with status 0.  Include it
; right after crc32_body.s; the includer defines CONSOLE_DATA and POWER_OFF.
        adr  r2, crc32_message
        call puts
        call print_hex
        li   r2, '\n'
        out  CONSOLE_DATA, r2
        out  POWER_OFF, zero

        .include "print.s"

crc32_message:
        .asciz "crc32 = "
