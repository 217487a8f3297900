; paging.s — two-level paging from supervisor mode.
; SPEC §5.2 (L1 entry: V, frame of the L2 table, its W/X/U ignored; leaf:
; V, W for stores, X for fetches, U for user mode; every valid page is
; readable; supervisor may use U pages; physical = frame | offset, then
; the physical bound (MEMORY); a table word beyond memory makes the walk
; fail with PAGE), §5 (order: alignment, translation, physical bound;
; badaddr = virtual), §3.3 (ptbr low 12 bits read as 0; mmu other bits
; read as 0), §6.1 (PAGE = 5, MEMORY = 4, access kinds), §6.2 (tvec is
; virtual; the handler runs in the current address space).
        .include "spec.inc"
        .include "paging.inc"

main:
        call  paging_setup
        ; test data, written while paging is off
        li    r5, 0x30000
        li    r6, 0xa0a0a0a0
        stw   r6, 0(r5)
        li    r6, 0x5e
        stb   r6, 0xabc(r5)
        li    r5, 0x31000
        li    r6, 0xb1b1b1b1
        stw   r6, 4(r5)
        li    r1, 0x33000               ; code: li r5, 0x55 / ret
        la    r2, code55
        li    r3, 8
        call  copy_bytes
        li    r5, 0xff000
        li    r6, 0x1a571a57
        stw   r6, 0xffc(r5)

        li    r1, TVA + 0x0000
        li    r2, 0x30000 | PTE_V | PTE_W
        call  map
        li    r1, TVA + 0x1000
        li    r2, 0x31000 | PTE_V       ; read-only
        call  map
        li    r1, TVA + 0x2000
        li    r2, 0x32000 | PTE_W | PTE_X | PTE_U   ; V clear
        call  map
        li    r1, TVA + 0x3000
        li    r2, 0x33000 | PTE_V | PTE_X           ; execute (and read) only
        call  map
        li    r1, TVA + 0x4000
        li    r2, 0x33000 | PTE_V | PTE_W           ; the same frame, no X
        call  map
        li    r1, TVA + 0x5000
        li    r2, 0x35000 | PTE_V | PTE_W | PTE_U
        call  map
        li    r1, TVA + 0x6000
        li    r2, 0x33000 | PTE_V | PTE_X | PTE_U
        call  map
        li    r1, TVA + 0x7000
        li    r2, 0x36000 | PTE_V | PTE_W
        call  map
        li    r1, TVA + 0x8000
        li    r2, 0x36000 | PTE_V | PTE_W           ; alias of 0x407000
        call  map
        li    r1, TVA + 0x9000
        li    r2, 0x300000 | PTE_V | PTE_W          ; frame beyond q
        call  map
        li    r1, TVA + 0xa000
        li    r2, 0xff000 | PTE_V | PTE_W           ; the last frame of memory
        call  map
        ; L1[2] = 0 (invalid); L1[3]: V clear but a frame and bits
        li    r5, PT_L1
        li    r6, PT_L2_TEST | PTE_W | PTE_X | PTE_U
        stw   r6, 12(r5)
        ; L1[4]: V only -> L2 at 0x23000 whose entry 0 is V W X
        li    r6, 0x23000 | PTE_V
        stw   r6, 16(r5)
        li    r6, 0x33000 | PTE_V | PTE_W | PTE_X
        li    r7, 0x23000
        stw   r6, 0(r7)
        ; L1[5]: V W X U -> L2 at 0x24000 whose entry 0 is V only
        li    r6, 0x24000 | PTE_V | PTE_W | PTE_X | PTE_U
        stw   r6, 20(r5)
        li    r6, 0x31000 | PTE_V
        li    r7, 0x24000
        stw   r6, 0(r7)
        ; L1[6]: valid, but the level-2 table lies beyond memory
        li    r6, 0x200000 | PTE_V
        stw   r6, 24(r5)

        call  paging_on
        mfcr  r1, mmu
        li    r2, 1
        la    r3, s_on
        call  check

        li    r5, TVA
        ldw   r1, 0(r5)
        li    r2, 0xa0a0a0a0
        la    r3, s_load
        call  check
        ldbu  r1, 0xabc(r5)
        li    r2, 0x5e
        la    r3, s_offset
        call  check
        li    r6, 0x12345678
        stw   r6, 8(r5)
        li    r7, 0x30008               ; the identity map shows the frame
        ldw   r1, 0(r7)
        li    r2, 0x12345678
        la    r3, s_store
        call  check

        li    r5, TVA + 0x1000
        ldw   r1, 4(r5)
        li    r2, 0xb1b1b1b1
        la    r3, s_ro_load
        call  check
        call  clear
        li    r6, 0x99
q1:     stw   r6, 4(r5)
        li    r1, C_PAGE | A_STORE
        la    r2, q1
        li    r4, TVA + 0x1004
        la    r3, s_ro_store
        call  check_trap
        li    r7, 0x31004
        ldw   r1, 0(r7)
        li    r2, 0xb1b1b1b1
        la    r3, s_ro_kept
        call  check

        call  clear
        li    r5, TVA + 0x2000
        li    r7, 0x7777
q2:     ldw   r7, 8(r5)
        li    r1, C_PAGE | A_LOAD
        la    r2, q2
        li    r4, TVA + 0x2008
        la    r3, s_invalid
        call  check_trap
        mov   r1, r7
        li    r2, 0x7777
        la    r3, s_invalid_rd
        call  check

        li    r5, 0
        li    r6, TVA + 0x3000
        callr r6
        mov   r1, r5
        li    r2, 0x55
        la    r3, s_exec
        call  check
        ldw   r1, 0(r6)                 ; V X only: still readable
        ldw   r2, code55(zero)
        la    r3, s_exec_read
        call  check

        la    r1, q3_back
        call  arm
        li    r6, TVA + 0x4000
        callr r6
q3_back:
        li    r1, C_PAGE | A_FETCH
        li    r2, TVA + 0x4000
        mov   r4, r2
        la    r3, s_nox
        call  check_trap

        call  clear
        li    r5, TVA + 0x5000
        li    r6, 0x5555
        stw   r6, 0(r5)
        ldw   r1, 0(r5)
        li    r2, 0x5555
        la    r3, s_sup_u
        call  check
        li    r5, 0
        li    r6, TVA + 0x6000
        callr r6
        mov   r1, r5
        li    r2, 0x55
        la    r3, s_sup_u_exec
        call  check
        la    r3, s_sup_u_notrap
        call  check_notrap

        li    r5, TVA + 0x7000
        li    r6, TVA + 0x8000
        li    r7, 0xa11a5
        stw   r7, 0x10(r5)
        ldw   r1, 0x10(r6)
        mov   r2, r7
        la    r3, s_alias
        call  check

        call  clear
        li    r5, TVA + 0x9000
q4:     ldw   r7, 0x40(r5)
        li    r1, C_MEMORY | A_LOAD
        la    r2, q4
        li    r4, TVA + 0x9040
        la    r3, s_frame_beyond
        call  check_trap

        li    r5, TVA + 0xa000
        ldw   r1, 0xffc(r5)
        li    r2, 0x1a571a57
        la    r3, s_last_frame
        call  check

        call  clear
        li    r5, 0x800000
q5:     ldw   r7, 0(r5)
        li    r1, C_PAGE | A_LOAD
        la    r2, q5
        mov   r4, r5
        la    r3, s_l1_zero
        call  check_trap

        call  clear
        li    r5, 0xc00000
q6:     ldw   r7, 0(r5)
        li    r1, C_PAGE | A_LOAD
        la    r2, q6
        mov   r4, r5
        la    r3, s_l1_nov
        call  check_trap

        li    r5, 0x1000000
        li    r6, 0xfeed
        stw   r6, 0x100(r5)             ; L1 without W: the leaf decides
        li    r7, 0x33100
        ldw   r1, 0(r7)
        li    r2, 0xfeed
        la    r3, s_l1_w_ignored
        call  check
        stw   zero, 0x100(r5)

        call  clear
        li    r5, 0x1400000
q7:     stw   r6, 0(r5)                 ; L1 with W, leaf without
        li    r1, C_PAGE | A_STORE
        la    r2, q7
        mov   r4, r5
        la    r3, s_l1_w_not_enough
        call  check_trap

        call  clear
        li    r5, 0x1800000
q8:     ldw   r7, 0x20(r5)
        li    r1, C_PAGE | A_LOAD
        la    r2, q8
        li    r4, 0x1800020
        la    r3, s_table_beyond
        call  check_trap

        ; alignment comes before translation
        call  clear
        li    r5, 0x800002
q9:     ldw   r7, 0(r5)
        li    r1, C_MISALIGNED | A_LOAD
        la    r2, q9
        mov   r4, r5
        la    r3, s_align_first
        call  check_trap

        ; ptbr written with low bits: they read as 0, the walk still works
        li    r1, PT_L1 | 0xabc
        mtcr  ptbr, r1
        mfcr  r1, ptbr
        li    r2, PT_L1
        la    r3, s_ptbr_low
        call  check
        li    r5, TVA
        ldw   r1, 0(r5)
        li    r2, 0xa0a0a0a0
        la    r3, s_ptbr_walk
        call  check

        li    r1, 0xffffffff
        mtcr  mmu, r1
        mfcr  r1, mmu
        li    r2, 1
        la    r3, s_mmu_bits
        call  check

        b     finish

        .align 4
code55: li    r5, 0x55
        ret

s_on:           .asciz "paging on: mmu reads 1, the kernel keeps running"
s_load:         .asciz "load through a V W page"
s_offset:       .asciz "physical = frame | page offset"
s_store:        .asciz "store through a V W page reaches the frame"
s_ro_load:      .asciz "a V-only page is readable"
s_ro_store:     .asciz "store to a page without W: PAGE store"
s_ro_kept:      .asciz "the refused store wrote nothing"
s_invalid:      .asciz "leaf with V clear: PAGE load"
s_invalid_rd:   .asciz "the PAGE fault left rd unchanged"
s_exec:         .asciz "call into a V X page runs its code"
s_exec_read:    .asciz "a V X page without W is readable"
s_nox:          .asciz "jump into a page without X: PAGE fetch at the target"
s_sup_u:        .asciz "supervisor loads and stores a U page"
s_sup_u_exec:   .asciz "supervisor runs code on a U page"
s_sup_u_notrap: .asciz "supervisor use of U pages does not trap"
s_alias:        .asciz "two pages mapping one frame alias"
s_frame_beyond: .asciz "leaf frame beyond memory: MEMORY, badaddr virtual"
s_last_frame:   .asciz "the last frame of memory maps"
s_l1_zero:      .asciz "L1 entry 0: PAGE load"
s_l1_nov:       .asciz "L1 entry with V clear (frame and W X U set): PAGE"
s_l1_w_ignored: .asciz "L1 entry without W: the leaf's W allows the store"
s_l1_w_not_enough: .asciz "L1 entry with W, leaf without: PAGE store"
s_table_beyond: .asciz "level-2 table beyond memory: PAGE"
s_align_first:  .asciz "misaligned ldw on an unmapped page: MISALIGNED"
s_ptbr_low:     .asciz "ptbr low 12 bits read as 0 with paging on"
s_ptbr_walk:    .asciz "the walk uses the aligned ptbr"
s_mmu_bits:     .asciz "mmu = 0xffffffff reads 1"
