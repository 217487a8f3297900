; reloc_unaligned_alias.s — the same bytes read as instructions from an
; aligned address and from the address 2 bytes later must decode
; differently: a fetch is the 4 bytes at the (relocated) address.
; SPEC §2 (memory is bytes; instructions are 4 bytes, little-endian, and
; "4-aligned" is about the address the program uses), §5.1 (user fetch at
; a reads physical a + l, for any rbase l), §7.3 (the all-zero opcode byte
; is illegal), §6.1 (ILLEGAL, epc virtual).
;
; Physical 0x8000 holds, as words at 0x8000 (view A):
;     addi r6, zero, 0x111 / ori r7, zero, 0x1050 / addi r10, zero, 0x1290 / jr lr
; and the same bytes as words at 0x8002 (view B) are:
;     addi r5, zero, 0x1060 / ori r9, zero, 0x1270 / 0x000010a0 (illegal)
; The kernel runs view A at 0x8000 (supervisor, unrelocated) or a user
; program runs it with rbase 0x8000; then user code runs view B with
; rbase 0x8002.  A machine that reuses what it decoded at the aligned word
; runs view A again instead.
        .include "spec.inc"

        .equ VIEW, 0x8000

main:
        li    r1, 0x100
        mtcr  rbound, r1

        ; 1: the kernel runs view A, then user mode runs view B
        call  zero_regs
        li    r1, VIEW
        callr r1
        mov   r1, r6
        li    r2, 0x111
        la    r3, s_a_r6
        call  check
        mov   r1, r7
        li    r2, 0x1050
        la    r3, s_a_r7
        call  check
        mov   r1, r10
        li    r2, 0x1290
        la    r3, s_a_r10
        call  check
        call  view_b
        la    r3, s_b1
        call  check_b

        ; 2: user mode runs view A (rbase 0x8000), then view B (rbase 0x8002)
        call  zero_regs
        li    r1, VIEW
        mtcr  rbase, r1
        li    r1, 0
        li    r2, 0
        call  run_user                  ; lr = ua_ret, beyond rbound 0x100
ua_ret: li    r1, C_MEMORY | A_FETCH    ; where A's jr lr goes
        la    r2, ua_ret
        mov   r4, r2
        la    r3, s_ua
        call  check_trap
        mov   r1, r6
        li    r2, 0x111
        la    r3, s_ua_r6
        call  check
        mov   r1, r5
        li    r2, 0
        la    r3, s_ua_r5
        call  check
        call  view_b
        la    r3, s_b2
        call  check_b

        ; 3: view B again, right after view B (nothing in between)
        call  view_b
        la    r3, s_b3
        call  check_b

        ; 4: the kernel only loads and stores the aligned word, then view B
        li    r1, VIEW
        ldw   r2, 0(r1)
        stw   r2, 0(r1)
        ldw   r2, 4(r1)
        stw   r2, 4(r1)
        call  view_b
        la    r3, s_b4
        call  check_b

        ; 5: the kernel changes bytes 6-7 (A1's upper half = B1's lower
        ; half): B1 becomes ori r9, zero, 0x1271
        li    r1, VIEW
        li    r2, 0x1271
        sth   r2, 6(r1)
        call  view_b
        mov   r1, r9
        li    r2, 0x1271
        la    r3, s_b5
        call  check

        ; 6: the kernel runs view A once more (A1 is now ori r7, r1, 0x1050),
        ; then view B
        call  zero_regs
        li    r1, VIEW
        callr r1
        mov   r1, r7
        li    r2, VIEW | 0x1050
        la    r3, s_a6
        call  check
        call  view_b
        mov   r1, r9
        li    r2, 0x1271
        la    r3, s_b6
        call  check

        b     finish

; view_b: run user mode at virtual 0 with rbase 0x8002; it ends with the
; ILLEGAL third word.
view_b:
        push  lr
        call  zero_regs
        li    r1, VIEW + 2
        mtcr  rbase, r1
        li    r1, 0
        li    r2, 0
        call  run_user
        pop   lr
        ret

; check_b: view B ran: ILLEGAL at virtual 8, r5 = 0x1060, r9 = 0x1270 and
; nothing of view A (r6 = 0).  r3 = name; one line.
check_b:
        push  lr
        push  r3
        li    r1, C_ILLEGAL
        li    r2, 8
        li    r4, SENTINEL
        call  check_trap_quiet
        bne   check_b_trap
        li    r1, 0x1060
        cmp   r5, r1
        bne   check_b_r5
        li    r1, 0x1270
        cmp   r9, r1
        bne   check_b_r9
        li    r1, 0
        cmp   r6, r1
        bne   check_b_r6
        li    r1, 0
        li    r2, 0
        b     check_b_report
check_b_trap:
        ldw   r1, T_EPC(zero)
        li    r2, 8
        b     check_b_report
check_b_r5:
        mov   r1, r5
        li    r2, 0x1060
        b     check_b_report
check_b_r9:
        mov   r1, r9
        li    r2, 0x1270
        b     check_b_report
check_b_r6:
        mov   r1, r6
        li    r2, 0
check_b_report:
        pop   r3
        call  check
        pop   lr
        ret

; check_trap_quiet: flags Z if exactly one trap with cause r1, epc r2.
check_trap_quiet:
        ldw   r3, T_COUNT(zero)
        cmpi  r3, 1
        bne   ctq_done
        ldw   r3, T_CAUSE(zero)
        cmp   r3, r1
        bne   ctq_done
        ldw   r3, T_EPC(zero)
        cmp   r3, r2
ctq_done:
        ret

zero_regs:
        li    r5, 0
        li    r6, 0
        li    r7, 0
        li    r9, 0
        li    r10, 0
        ret

s_a_r6:  .asciz "kernel at 0x8000 runs view A (addi r6)"
s_a_r7:  .asciz "kernel at 0x8000 runs view A (ori r7)"
s_a_r10: .asciz "kernel at 0x8000 runs view A (addi r10)"
s_b1:    .asciz "after the kernel ran 0x8000, user rbase 0x8002 runs view B"
s_ua:    .asciz "user rbase 0x8000 runs view A to its jr lr (MEMORY fetch at lr)"
s_ua_r6: .asciz "user rbase 0x8000: addi r6 ran"
s_ua_r5: .asciz "user rbase 0x8000: view B's addi r5 did not run"
s_b2:    .asciz "after user rbase 0x8000, user rbase 0x8002 runs view B"
s_b3:    .asciz "view B twice in a row"
s_b4:    .asciz "after kernel loads/stores of 0x8000, view B"
s_b5:    .asciz "after the kernel patched bytes 6-7, view B runs the new word"
s_a6:    .asciz "kernel runs the patched view A"
s_b6:    .asciz "after the kernel ran the patched view A, view B"

        .org  VIEW
        .word 0x10600111                ; addi r6, zero, 0x111
        .word 0x12701050                ; ori  r7, zero, 0x1050
        .word 0x10a01290                ; addi r10, zero, 0x1290
        .word 0x3a0f0000                ; jr   lr
