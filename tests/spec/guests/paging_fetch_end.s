; paging_fetch_end.s — code that runs right up to the last word of an
; executable page retires it, then takes the fault of the next page's fetch:
; the next page unmapped, mapped without X, without U (user mode), or
; mapped to a frame beyond memory; in supervisor and in user mode.
; SPEC §5.2 (fetch needs V and X, and U in user mode; physical bound after
; translation), §5 (order of checks), §6.1 (PAGE = 5 / MEMORY = 4, access 0
; = fetch, epc = badaddr = the first address of the next page), §6.2
; (precise).  Each code page ends with the loop
;     tail: addi r5, r5, 1 / cmpi r5, 3 / blt tail
;     addi r5, r5, 10
; which loops three times, then runs straight into the last word and
; falls off the page (r5 = 13 at the fault).
        .include "spec.inc"
        .include "paging.inc"

        .equ P1, TVA + 0x1000           ; code pages (supervisor)
        .equ P2, TVA + 0x3000
        .equ P3, TVA + 0x5000
        .equ P4, TVA + 0x7000
        .equ U1, TVA + 0x10000          ; code pages (user)
        .equ U2, TVA + 0x12000
        .equ U3, TVA + 0x14000
        .equ U4, TVA + 0x16000

main:
        call  paging_setup
        ; one frame per code page, each ending with the tail loop
        li    r9, 0x30000
        li    r10, 8
copy_tails:
        addi  r1, r9, 0x1000 - 16
        la    r2, tail
        li    r3, 16
        call  copy_bytes
        addi  r9, r9, 0x1000
        addi  r10, r10, -1
        cmpi  r10, 0
        bne   copy_tails
        ; the page after P4 is executable: its first word is `jr lr`
        li    r1, 0x3f000
        la    r2, retw
        li    r3, 4
        call  copy_bytes

        li    r1, P1
        li    r2, 0x30000 | PTE_V | PTE_X
        call  map                        ; P1 + 0x1000: unmapped
        li    r1, P2
        li    r2, 0x31000 | PTE_V | PTE_X
        call  map
        li    r1, P2 + 0x1000
        li    r2, 0x3e000 | PTE_V | PTE_W   ; no X
        call  map
        li    r1, P3
        li    r2, 0x32000 | PTE_V | PTE_X
        call  map
        li    r1, P3 + 0x1000
        li    r2, 0x300000 | PTE_V | PTE_X  ; frame beyond memory
        call  map
        li    r1, P4
        li    r2, 0x33000 | PTE_V | PTE_X
        call  map
        li    r1, P4 + 0x1000
        li    r2, 0x3f000 | PTE_V | PTE_X
        call  map

        li    r1, U1
        li    r2, 0x34000 | PTE_V | PTE_X | PTE_U
        call  map                        ; U1 + 0x1000: unmapped
        li    r1, U2
        li    r2, 0x35000 | PTE_V | PTE_X | PTE_U
        call  map
        li    r1, U2 + 0x1000
        li    r2, 0x3f000 | PTE_V | PTE_X   ; X but not U
        call  map
        li    r1, U3
        li    r2, 0x36000 | PTE_V | PTE_X | PTE_U
        call  map
        li    r1, U3 + 0x1000
        li    r2, 0x3e000 | PTE_V | PTE_W | PTE_U  ; U but not X
        call  map
        li    r1, U4
        li    r2, 0x37000 | PTE_V | PTE_X | PTE_U
        call  map
        li    r1, U4 + 0x1000
        li    r2, 0x300000 | PTE_V | PTE_X | PTE_U ; beyond memory
        call  map
        call  paging_on

        ; ---- supervisor ----
        la    r1, s1_back
        call  arm
        li    r5, 0
        li    r6, P1 + 0x1000 - 16
        jr    r6
s1_back:
        li    r1, C_PAGE | A_FETCH
        li    r2, P1 + 0x1000
        mov   r4, r2
        la    r3, s_s_unmapped
        call  check_trap
        mov   r1, r5
        li    r2, 13
        la    r3, s_s_unmapped_ran
        call  check

        la    r1, s2_back
        call  arm
        li    r5, 0
        li    r6, P2 + 0x1000 - 16
        jr    r6
s2_back:
        li    r1, C_PAGE | A_FETCH
        li    r2, P2 + 0x1000
        mov   r4, r2
        la    r3, s_s_nox
        call  check_trap
        mov   r1, r5
        li    r2, 13
        la    r3, s_s_nox_ran
        call  check

        la    r1, s3_back
        call  arm
        li    r5, 0
        li    r6, P3 + 0x1000 - 16
        jr    r6
s3_back:
        li    r1, C_MEMORY | A_FETCH
        li    r2, P3 + 0x1000
        mov   r4, r2
        la    r3, s_s_beyond
        call  check_trap
        mov   r1, r5
        li    r2, 13
        la    r3, s_s_beyond_ran
        call  check

        ; the same code a second time (cached translations must agree)
        la    r1, s4_back
        call  arm
        li    r5, 0
        li    r6, P1 + 0x1000 - 16
        jr    r6
s4_back:
        li    r1, C_PAGE | A_FETCH
        li    r2, P1 + 0x1000
        mov   r4, r2
        la    r3, s_s_again
        call  check_trap

        ; control: an executable next page is simply run into
        call  clear
        li    r5, 0
        li    r6, P4 + 0x1000 - 16
        callr r6
        mov   r1, r5
        li    r2, 13
        la    r3, s_s_through
        call  check
        la    r3, s_s_through_notrap
        call  check_notrap

        ; ---- user ----
        li    r5, 0
        li    r1, U1 + 0x1000 - 16
        li    r2, 0
        call  run_user
        li    r1, C_PAGE | A_FETCH
        li    r2, U1 + 0x1000
        mov   r4, r2
        la    r3, s_u_unmapped
        call  check_trap
        mov   r1, r5
        li    r2, 13
        la    r3, s_u_unmapped_ran
        call  check

        li    r5, 0
        li    r1, U2 + 0x1000 - 16
        li    r2, 0
        call  run_user
        li    r1, C_PAGE | A_FETCH
        li    r2, U2 + 0x1000
        mov   r4, r2
        la    r3, s_u_nou
        call  check_trap
        mov   r1, r5
        li    r2, 13
        la    r3, s_u_nou_ran
        call  check

        li    r5, 0
        li    r1, U3 + 0x1000 - 16
        li    r2, 0
        call  run_user
        li    r1, C_PAGE | A_FETCH
        li    r2, U3 + 0x1000
        mov   r4, r2
        la    r3, s_u_nox
        call  check_trap
        mov   r1, r5
        li    r2, 13
        la    r3, s_u_nox_ran
        call  check

        li    r5, 0
        li    r1, U4 + 0x1000 - 16
        li    r2, 0
        call  run_user
        li    r1, C_MEMORY | A_FETCH
        li    r2, U4 + 0x1000
        mov   r4, r2
        la    r3, s_u_beyond
        call  check_trap
        mov   r1, r5
        li    r2, 13
        la    r3, s_u_beyond_ran
        call  check

        b     finish

        .align 4
tail:   addi  r5, r5, 1
        cmpi  r5, 3
        blt   tail
        addi  r5, r5, 10
retw:   ret

s_s_unmapped:     .asciz "sup: last word before an unmapped page, then PAGE fetch"
s_s_unmapped_ran: .asciz "sup: the loop before the unmapped page ran to the page end"
s_s_nox:          .asciz "sup: last word before a page without X, then PAGE fetch"
s_s_nox_ran:      .asciz "sup: the loop before the non-X page ran to the page end"
s_s_beyond:       .asciz "sup: last word before a page beyond memory, then MEMORY fetch"
s_s_beyond_ran:   .asciz "sup: the loop before that page ran to the page end"
s_s_again:        .asciz "sup: the same page end again faults the same way"
s_s_through:      .asciz "sup: an executable next page is run into"
s_s_through_notrap: .asciz "sup: running into an executable page does not trap"
s_u_unmapped:     .asciz "user: last word before an unmapped page, then PAGE fetch"
s_u_unmapped_ran: .asciz "user: the loop before the unmapped page ran to the page end"
s_u_nou:          .asciz "user: last word before a page without U, then PAGE fetch"
s_u_nou_ran:      .asciz "user: the loop before the non-U page ran to the page end"
s_u_nox:          .asciz "user: last word before a page without X, then PAGE fetch"
s_u_nox_ran:      .asciz "user: the loop before the non-X page ran to the page end"
s_u_beyond:       .asciz "user: last word before a page beyond memory, then MEMORY fetch"
s_u_beyond_ran:   .asciz "user: the loop before that page ran to the page end"
