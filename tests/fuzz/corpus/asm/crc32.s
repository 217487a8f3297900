; crc32.s — a compute-heavy guest: CRC-32 (the zlib/Ethernet polynomial,
; bitwise, no table) over a 64 KiB buffer of pseudo-random bytes, repeated
; ROUNDS times.  bench/interp runs it against bench/interp/crc32.c, the same
; algorithm compiled natively, to measure the interpreter's slowdown; both
; print the same checksum, so the comparison also checks the interpreter.
; Runs in supervisor mode with paging off: no traps, no devices but the
; console — pure instruction throughput (Lab 1, "how fast is bare?").

        .equ CONSOLE_DATA, 0x00
        .equ POWER_OFF,    0x20
        .equ BUFFER,       0x10000          ; 64 KiB of data at 64 KiB
        .equ ROUNDS,       64

start:
        li   sp, 0x10000                    ; stack grows down below the buffer
        .include "guests/pg32/lib/crc32_body.s"

        .include "guests/pg32/lib/crc32_report.s"
