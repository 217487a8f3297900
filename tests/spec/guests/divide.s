; divide.s — division and remainder, and the DIVIDE trap.
; SPEC §8.1 (div/rem round toward zero, rem has the sign of rs,
; -2^31 / -1 = -2^31, -2^31 mod -1 = 0, unsigned forms), §6.1 (DIVIDE:
; code 8, epc = the instruction, badaddr unchanged), §6.2 (precise: the
; faulting instruction changes nothing; epsw = the PSW at the trap).
        .include "spec.inc"

main:
        li    r5, 7
        li    r6, 2
        li    r7, -7
        li    r8, -2
        div   r1, r5, r6
        li    r2, 3
        la    r3, s_div_pp
        call  check
        div   r1, r7, r6
        li    r2, -3
        la    r3, s_div_np
        call  check
        div   r1, r5, r8
        li    r2, -3
        la    r3, s_div_pn
        call  check
        div   r1, r7, r8
        li    r2, 3
        la    r3, s_div_nn
        call  check
        rem   r1, r5, r6
        li    r2, 1
        la    r3, s_rem_pp
        call  check
        rem   r1, r7, r6
        li    r2, -1
        la    r3, s_rem_np
        call  check
        rem   r1, r5, r8
        li    r2, 1
        la    r3, s_rem_pn
        call  check
        rem   r1, r7, r8
        li    r2, -1
        la    r3, s_rem_nn
        call  check

        li    r5, 0x80000000
        li    r6, -1
        div   r1, r5, r6
        li    r2, 0x80000000
        la    r3, s_div_min
        call  check
        rem   r1, r5, r6
        li    r2, 0
        la    r3, s_rem_min
        call  check

        li    r5, 0xffffffff
        li    r6, 2
        divu  r1, r5, r6
        li    r2, 0x7fffffff
        la    r3, s_divu
        call  check
        li    r6, 10
        remu  r1, r5, r6
        li    r2, 5
        la    r3, s_remu
        call  check
        li    r5, 0x80000000
        li    r6, 0xffffffff
        divu  r1, r5, r6
        li    r2, 0
        la    r3, s_divu_big
        call  check
        remu  r1, r5, r6
        li    r2, 0x80000000
        la    r3, s_remu_big
        call  check
        li    r5, -1
        div   r1, r5, r5                ; signed: -1 / -1
        li    r2, 1
        la    r3, s_div_m1
        call  check

; ---- the DIVIDE trap: each of the four, rd unchanged, execution goes on --
        li    r5, 100
        li    r7, 0x1111
        call  clear
        li    r1, 3
        cmpi  r1, 3                     ; Z: epsw must keep the flags
dz_div: div   r7, r5, zero
        mov   r1, r7
        li    r2, 0x1111
        la    r3, s_dz_rd
        call  check
        li    r1, C_DIVIDE
        la    r2, dz_div
        li    r4, SENTINEL
        la    r3, s_dz_div
        call  check_trap
        ldw   r1, T_EPSW(zero)
        li    r2, PSW_S | PSW_Z
        la    r3, s_dz_epsw
        call  check

        call  clear
dz_divu: divu r7, r5, zero
        li    r1, C_DIVIDE
        la    r2, dz_divu
        li    r4, SENTINEL
        la    r3, s_dz_divu
        call  check_trap

        call  clear
        li    r8, 0
dz_rem: rem   r7, r5, r8
        li    r1, C_DIVIDE
        la    r2, dz_rem
        li    r4, SENTINEL
        la    r3, s_dz_rem
        call  check_trap

        call  clear
dz_remu: remu r5, r5, r8                ; rd = rs: r5 must keep 100
        li    r1, C_DIVIDE
        la    r2, dz_remu
        li    r4, SENTINEL
        la    r3, s_dz_remu
        call  check_trap
        mov   r1, r5
        li    r2, 100
        la    r3, s_dz_rd2
        call  check

        ; 0 / 0 is a zero divisor too, and INT_MIN / 0
        call  clear
        li    r5, 0x80000000
dz_min: div   r7, r5, zero
        li    r1, C_DIVIDE
        la    r2, dz_min
        li    r4, SENTINEL
        la    r3, s_dz_min
        call  check_trap

        b     finish

s_div_pp:   .asciz "div 7 / 2 = 3"
s_div_np:   .asciz "div -7 / 2 = -3 (toward zero)"
s_div_pn:   .asciz "div 7 / -2 = -3"
s_div_nn:   .asciz "div -7 / -2 = 3"
s_rem_pp:   .asciz "rem 7 mod 2 = 1"
s_rem_np:   .asciz "rem -7 mod 2 = -1 (sign of rs)"
s_rem_pn:   .asciz "rem 7 mod -2 = 1"
s_rem_nn:   .asciz "rem -7 mod -2 = -1"
s_div_min:  .asciz "div INT_MIN / -1 = INT_MIN"
s_rem_min:  .asciz "rem INT_MIN mod -1 = 0"
s_divu:     .asciz "divu 0xffffffff / 2"
s_remu:     .asciz "remu 0xffffffff mod 10 = 5"
s_divu_big: .asciz "divu 0x80000000 / 0xffffffff = 0"
s_remu_big: .asciz "remu 0x80000000 mod 0xffffffff"
s_div_m1:   .asciz "div -1 / -1 = 1"
s_dz_rd:    .asciz "div by zero leaves rd unchanged"
s_dz_div:   .asciz "div by zero traps DIVIDE at the div"
s_dz_epsw:  .asciz "DIVIDE trap saves the PSW with its flags in epsw"
s_dz_divu:  .asciz "divu by zero traps DIVIDE"
s_dz_rem:   .asciz "rem by zero traps DIVIDE"
s_dz_remu:  .asciz "remu by zero traps DIVIDE"
s_dz_rd2:   .asciz "remu by zero with rd = rs leaves it unchanged"
s_dz_min:   .asciz "div INT_MIN / 0 traps DIVIDE"
