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
        .equ BUFFER_SIZE,  0x10000
        .equ ROUNDS,       64
        .equ LCG_MUL,      1103515245       ; the classic C rand() constants
        .equ LCG_ADD,      12345
        .equ CRC_POLY,     0xEDB88320       ; CRC-32, bit-reversed

start:
        li   sp, 0x10000                    ; stack grows down below the buffer

; ---- fill the buffer: x = x * LCG_MUL + LCG_ADD; byte = x >> 16 -----------
        li   r1, 1                          ; seed
        li   r2, LCG_MUL
        la   r3, BUFFER
        li   r4, BUFFER_SIZE
fill:
        mul  r1, r1, r2
        addi r1, r1, LCG_ADD
        shri r5, r1, 16
        stb  r5, 0(r3)
        addi r3, r3, 1
        addi r4, r4, -1
        cmpi r4, 0
        bne  fill

; ---- crc = crc32 over the buffer, ROUNDS times, chaining the value -------
        li   r1, 0xffffffff                 ; crc
        li   r6, CRC_POLY
        li   r8, ROUNDS
round:
        la   r3, BUFFER
        li   r4, BUFFER_SIZE
byte:
        ldbu r5, 0(r3)
        xor  r1, r1, r5
        ; eight times: crc = (crc >> 1) ^ (POLY & -(crc & 1))
        andi r5, r1, 1
        sub  r5, zero, r5
        and  r5, r5, r6
        shri r1, r1, 1
        xor  r1, r1, r5
        andi r5, r1, 1
        sub  r5, zero, r5
        and  r5, r5, r6
        shri r1, r1, 1
        xor  r1, r1, r5
        andi r5, r1, 1
        sub  r5, zero, r5
        and  r5, r5, r6
        shri r1, r1, 1
        xor  r1, r1, r5
        andi r5, r1, 1
        sub  r5, zero, r5
        and  r5, r5, r6
        shri r1, r1, 1
        xor  r1, r1, r5
        andi r5, r1, 1
        sub  r5, zero, r5
        and  r5, r5, r6
        shri r1, r1, 1
        xor  r1, r1, r5
        andi r5, r1, 1
        sub  r5, zero, r5
        and  r5, r5, r6
        shri r1, r1, 1
        xor  r1, r1, r5
        andi r5, r1, 1
        sub  r5, zero, r5
        and  r5, r5, r6
        shri r1, r1, 1
        xor  r1, r1, r5
        andi r5, r1, 1
        sub  r5, zero, r5
        and  r5, r5, r6
        shri r1, r1, 1
        xor  r1, r1, r5
        addi r3, r3, 1
        addi r4, r4, -1
        cmpi r4, 0
        bne  byte
        addi r8, r8, -1
        cmpi r8, 0
        bne  round
        li   r2, 0xffffffff
        xor  r1, r1, r2                     ; final inversion

; ---- print "crc32 = XXXXXXXX\n" and power off with status 0 --------------
        adr  r2, message
        call puts
        call print_hex
        li   r2, '\n'
        out  CONSOLE_DATA, r2
        out  POWER_OFF, zero

; puts: print the NUL-terminated string at r2.  Clobbers r2, r3.
puts:
        ldbu r3, 0(r2)
        cmpi r3, 0
        beq  puts_done
        out  CONSOLE_DATA, r3
        addi r2, r2, 1
        b    puts
puts_done:
        ret

; print_hex: print r1 as 8 hex digits.  Clobbers r2, r3, r4.
print_hex:
        li   r4, 28                         ; shift for the top nibble
hex_digit:
        shr  r2, r1, r4
        andi r2, r2, 0xf
        cmpi r2, 10
        blt  hex_decimal
        addi r2, r2, 'a' - 10 - '0'
hex_decimal:
        addi r2, r2, '0'
        out  CONSOLE_DATA, r2
        addi r4, r4, -4
        cmpi r4, 0
        bge  hex_digit
        ret

message:
        .asciz "crc32 = "
