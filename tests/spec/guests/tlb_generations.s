; tlb_generations.s — one virtual page mapped to two frames in turn, 3,000
; times each, read after every change, with and without tlbflush.  SPEC
; §5.2-§5.3: every load sees the tables as they are when it runs (the
; reference machine caches nothing).  6,000 page-table changes are more
; than a cache of translations that numbers its flushes can count without
; starting over (TrapLab's counts to 2,047), so this runs a TLB through
; its wrap-around, twice, and every load must still read the frame that is
; mapped at that moment.
        .include "spec.inc"
        .include "paging.inc"

        .equ FA, 0x30000                ; the two frames
        .equ FB, 0x31000
        .equ VALUE_A, 0x1001            ; what each holds
        .equ VALUE_B, 0x2002
        .equ ROUNDS, 3000

main:
        call  paging_setup
        li    r5, FA
        li    r6, VALUE_A
        stw   r6, 0(r5)
        li    r5, FB
        li    r6, VALUE_B
        stw   r6, 0(r5)
        li    r1, TVA
        li    r2, FA | PTE_V | PTE_W
        call  map
        call  paging_on
        li    r9, TVA
        li    r10, 0                    ; the sum of every load
        li    r11, ROUNDS
round:
        li    r1, TVA
        li    r2, FA | PTE_V | PTE_W
        call  map                       ; no tlbflush: at once all the same
        ldw   r7, 0(r9)
        add   r10, r10, r7
        li    r1, TVA
        li    r2, FB | PTE_V | PTE_W
        call  map
        tlbflush
        ldw   r7, 0(r9)
        add   r10, r10, r7
        addi  r11, r11, -1
        cmpi  r11, 0
        bne   round
        mov   r1, r10
        li    r2, ROUNDS * (VALUE_A + VALUE_B)
        la    r3, s_sum
        call  check
        b     finish

s_sum:  .asciz "3000 remaps each way: every load read the frame mapped then"
