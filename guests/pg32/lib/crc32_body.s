; crc32_body.s — the computation of the CRC-32 guests, shared by crc32.s and
; crc32_paged.s (supervisor mode, bare interpreter speed: bench/interp) and
; user_crc32.s (user mode under a monitor: bench/trap).  CRC-32 (zlib polynomial, bitwise)
; over a 64 KiB buffer of pseudo-random bytes, ROUNDS times.  In: nothing.
; Out: r1 = the CRC.  Clobbers r2-r8.  Uses no privileged instruction, so it
; runs the same in either mode.  The includer defines BUFFER (64 KiB,
; 4-aligned) and ROUNDS.

        .equ BUFFER_SIZE,  0x10000
        .equ LCG_MUL,      1103515245       ; the classic C rand() constants
        .equ LCG_ADD,      12345
        .equ CRC_POLY,     0xEDB88320       ; CRC-32, bit-reversed

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

