; sup_fetch_end.s — supervisor code that runs right up to the last word of
; physical memory retires every instruction, then takes the fetch fault.
; SPEC §2 (an access touching a byte at or beyond q raises MEMORY; fetches
; are 4-byte accesses), §5.1 (supervisor: a is physical, MEMORY if a + 4 >
; q), §6.1 (MEMORY, access 0 = fetch, epc = badaddr = the PC), §6.2 (traps
; are precise: everything before the faulting fetch has retired).
        .include "spec.inc"

main:
        ; one instruction in the last word of memory
        li    r1, MEM_SIZE - 4
        la    r2, one
        li    r3, 4
        call  copy_bytes
        la    r1, back1
        call  arm
        li    r5, 0
        li    r6, MEM_SIZE - 4
        jr    r6
back1:  li    r1, C_MEMORY | A_FETCH
        li    r2, MEM_SIZE
        li    r4, MEM_SIZE
        la    r3, s_one
        call  check_trap
        mov   r1, r5
        li    r2, 1
        la    r3, s_one_ret
        call  check
        ldw   r1, T_EPSW(zero)
        andi  r1, r1, PSW_S | PSW_IE    ; the flags are copy_bytes' own
        li    r2, PSW_S
        la    r3, s_one_epsw
        call  check

        ; a loop whose backward branch is the last word of memory
        li    r1, MEM_SIZE - 12
        la    r2, tail
        li    r3, 12
        call  copy_bytes
        la    r1, back2
        call  arm
        li    r5, 0
        li    r6, MEM_SIZE - 12
        jr    r6
back2:  li    r1, C_MEMORY | A_FETCH
        li    r2, MEM_SIZE
        li    r4, MEM_SIZE
        la    r3, s_loop
        call  check_trap
        mov   r1, r5
        li    r2, 3
        la    r3, s_loop_ret
        call  check

        ; the same code again (a cached translation must fault the same way)
        la    r1, back3
        call  arm
        li    r5, 0
        jr    r6
back3:  li    r1, C_MEMORY | A_FETCH
        li    r2, MEM_SIZE
        li    r4, MEM_SIZE
        la    r3, s_again
        call  check_trap
        mov   r1, r5
        li    r2, 3
        la    r3, s_again_ret
        call  check

        ; entered in the middle: only the last word runs, then the fault
        la    r1, back4
        call  arm
        li    r5, 7
        li    r6, MEM_SIZE - 4          ; the blt: r5 = 7 >= 3, falls through
        cmpi  r5, 3
        jr    r6
back4:  li    r1, C_MEMORY | A_FETCH
        li    r2, MEM_SIZE
        li    r4, MEM_SIZE
        la    r3, s_mid
        call  check_trap

        ; a call whose return address is q: the return faults, not the call
        li    r1, MEM_SIZE - 4
        la    r2, callw
        li    r3, 4
        call  copy_bytes
        la    r1, back5
        call  arm
        li    r6, MEM_SIZE - 4
        jr    r6                        ; call leaf_ret from the last word
back5:  li    r1, C_MEMORY | A_FETCH
        li    r2, MEM_SIZE
        li    r4, MEM_SIZE
        la    r3, s_call
        call  check_trap

        ; jumping to q and to the top of the address space
        la    r1, back6
        call  arm
        li    r6, MEM_SIZE
        jr    r6
back6:  li    r1, C_MEMORY | A_FETCH
        li    r2, MEM_SIZE
        li    r4, MEM_SIZE
        la    r3, s_jump_q
        call  check_trap

        la    r1, back7
        call  arm
        li    r6, 0xfffffffc
        jr    r6
back7:  li    r1, C_MEMORY | A_FETCH
        li    r2, 0xfffffffc
        li    r4, 0xfffffffc
        la    r3, s_jump_top
        call  check_trap

        b     finish

leaf_ret:
        ret

        .align 4
one:    addi  r5, r5, 1
tail:   addi  r5, r5, 1
        cmpi  r5, 3
        blt   tail
callw:  .word 0x39000000 | ((leaf_ret - (MEM_SIZE - 4 + 4)) / 4 & 0xffffff)

s_one:       .asciz "sup: last word of memory retires, then MEMORY fetch at q"
s_one_ret:   .asciz "sup: the instruction in the last word retired"
s_one_epsw:  .asciz "sup: the fetch fault's epsw: supervisor, IE 0"
s_loop:      .asciz "sup: loop ending in the last word, then MEMORY fetch at q"
s_loop_ret:  .asciz "sup: the loop ran three times"
s_again:     .asciz "sup: the same code a second time faults the same way"
s_again_ret: .asciz "sup: the second run ran three times"
s_mid:       .asciz "sup: entering at the last word: MEMORY fetch at q"
s_call:      .asciz "sup: call from the last word retires; the return to q faults"
s_jump_q:    .asciz "sup: jr to q: MEMORY fetch"
s_jump_top:  .asciz "sup: jr to 0xfffffffc: MEMORY fetch"
