; print.s — console output routines shared by small guests.  Supervisor
; mode only (they use `out`).  CONSOLE_DATA must be defined by the includer.

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

