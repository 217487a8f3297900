; no_tlbflush_code.s — page-table changes with no tlbflush, on the page the
; code is running on.  SPEC §5.3: software must execute tlbflush after
; changing an entry that may have been used, but the reference machine
; caches nothing, so the very next fetch already goes through the new entry.
; Every monitor mode must agree -- including binary translation, whose
; blocks of translated code are found by virtual address: a translation
; kept until tlbflush would run the old frame's next instruction.  (The
; data-page twin of this guest is no_tlbflush.s.)
;
; A three-word stub sits at the same offsets in two frames, CA and CB; the
; kernel runs it at virtual TVA, mapped to CA.  Its first word rewrites
; TVA's own level-2 entry (r5) with r6; the second reports which frame it
; was fetched from (r1 = 0xA or 0xB); the third returns.  Then a loop does
; the same on its fifth pass, after passes that rewrote the entries beside
; its own (the same 64-byte piece of the table: a translator that
; watches entries a piece at a time must not lose sight of its own).
        .include "spec.inc"
        .include "paging.inc"

        .equ CA, 0x30000                ; code frames
        .equ CB, 0x31000
        .equ STUB_WORDS, 3
        .equ LOOP_WORDS, 7
        .equ LOOP_PASSES, 5

main:
        call  paging_setup
        la    r1, stub_a
        li    r2, CA
        li    r3, STUB_WORDS
        call  copy_stub
        la    r1, stub_b
        li    r2, CB
        li    r3, STUB_WORDS
        call  copy_stub
        li    r1, TVA
        li    r2, CA | PTE_V | PTE_X
        call  map
        call  paging_on
        ; r5 = the address of TVA's level-2 entry (in PT_L2_TEST)
        li    r5, PT_L2_TEST + (TVA >> 12 & 0x3ff) * 4
        li    r7, TVA

        ; 1. a remap: the word after the store comes from CB
        li    r6, CB | PTE_V | PTE_X
        li    r1, 0
        callr r7
        li    r2, 0xB
        la    r3, s_remap
        call  check

        ; 2. and back, through a page the kernel ran a moment ago: CA again
        li    r6, CA | PTE_V | PTE_X
        li    r1, 0
        callr r7
        li    r2, 0xA
        la    r3, s_back
        call  check

        ; 3. X cleared: the next fetch faults, after the store retired
        li    r6, CA | PTE_V
        la    r1, after_fault
        call  arm
        li    r1, 0
        callr r7
after_fault:
        li    r1, C_PAGE | A_FETCH
        li    r2, TVA + 4
        li    r4, TVA + 4
        la    r3, s_noexec
        call  check_trap
        ldw   r1, 0(r5)                 ; the store itself took effect
        li    r2, CA | PTE_V
        la    r3, s_stored
        call  check

        ; 4. the loop: passes 1-4 map the four pages after TVA (entries in
        ; the same 64 bytes of the table as TVA's), pass 5 TVA itself, to CB
        la    r1, loop_a
        li    r2, CA
        li    r3, LOOP_WORDS
        call  copy_stub
        la    r1, loop_b
        li    r2, CB
        li    r3, LOOP_WORDS
        call  copy_stub
        li    r6, CA | PTE_V | PTE_X
        stw   r6, 0(r5)                 ; TVA -> CA again
        addi  r5, r5, (LOOP_PASSES - 1) * 4
        li    r6, CB | PTE_V | PTE_X
        li    r3, LOOP_PASSES
        li    r1, 0
        callr r7
        li    r2, 0xB
        la    r3, s_loop
        call  check
        b     finish

; copy_stub: copy r3 words from r1 to physical r2 (paging off, or inside
; the identity map).  Clobbers r1 .. r4.
copy_stub:
copy_loop:
        ldw   r4, 0(r1)
        stw   r4, 0(r2)
        addi  r1, r1, 4
        addi  r2, r2, 4
        addi  r3, r3, -1
        cmpi  r3, 0
        bne   copy_loop
        ret

stub_a: stw   r6, 0(r5)
        addi  r1, zero, 0xA
        jr    lr
stub_b: stw   r6, 0(r5)
        addi  r1, zero, 0xB
        jr    lr

; the loop, r3 passes, one block of translated code that jumps to itself:
; each stores r6 at r5, says where it was fetched from, and moves r5 one
; entry down
loop_a: stw   r6, 0(r5)
        addi  r1, zero, 0xA
        addi  r5, r5, -4
        addi  r3, r3, -1
        cmpi  r3, 0
        bne   loop_a
        jr    lr
loop_b: stw   r6, 0(r5)
        addi  r1, zero, 0xB
        addi  r5, r5, -4
        addi  r3, r3, -1
        cmpi  r3, 0
        bne   loop_b
        jr    lr

s_remap:   .asciz "the code's own page remapped, no tlbflush: the next fetch is from the new frame"
s_back:    .asciz "remapped back, no tlbflush: the old frame's word again"
s_noexec:  .asciz "X cleared on the running page, no tlbflush: PAGE fetch at the next word"
s_stored:  .asciz "the store that cleared X took effect"
s_loop:    .asciz "a loop rewrites the entries beside its own, then its own, no tlbflush: the next fetch is from the new frame"
