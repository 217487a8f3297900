; paging_user.s — two-level paging from user mode: the U bit and the rest.
; SPEC §5.2 (in user mode the leaf must have U; W for stores, X for
; fetches; every valid page readable), §5 (badaddr = the virtual address),
; §6.1 (PAGE = 5 with access fetch/load/store; epc = the instruction), §6.2
; (the handler runs in the current address space; tvec is virtual).
        .include "spec.inc"
        .include "paging.inc"

main:
        call  paging_setup
        li    r1, 0x30000
        la    r2, uprog
        li    r3, uprog_end - uprog
        call  copy_bytes
        li    r5, 0x32000
        li    r6, 0x0dd0dd0d
        stw   r6, 4(r5)
        li    r5, 0x33000
        li    r6, 0x6e6e6e6e
        stw   r6, 0(r5)

        li    r1, TVA + 0x0000
        li    r2, 0x30000 | PTE_V | PTE_X | PTE_U
        call  map
        li    r1, TVA + 0x1000
        li    r2, 0x31000 | PTE_V | PTE_W | PTE_U
        call  map
        li    r1, TVA + 0x2000
        li    r2, 0x32000 | PTE_V | PTE_U
        call  map
        li    r1, TVA + 0x3000
        li    r2, 0x33000 | PTE_V | PTE_W
        call  map
        li    r1, TVA + 0x4000
        li    r2, 0x34000 | PTE_V | PTE_W | PTE_U
        call  map
        li    r1, TVA + 0x5000
        li    r2, 0x30000 | PTE_V | PTE_X
        call  map
        call  paging_on

        li    r5, 0x4242
        li    r1, TVA + ur_rw - uprog
        li    r2, 0
        call  run_user
        li    r1, C_SYSCALL
        li    r2, TVA + ur_rw_sys - uprog
        li    r4, SENTINEL
        la    r3, s_rw
        call  check_trap
        mov   r1, r6
        li    r2, 0x4242
        la    r3, s_rw_val
        call  check
        li    r7, 0x31000
        ldw   r1, 0(r7)
        li    r2, 0x4242
        la    r3, s_rw_frame
        call  check
        ldw   r1, T_EPSW(zero)
        andi  r1, r1, PSW_S | PSW_IE
        li    r2, 0
        la    r3, s_epsw
        call  check

        li    r1, TVA + ur_ro_load - uprog
        li    r2, 0
        call  run_user
        mov   r1, r6
        li    r2, 0x0dd0dd0d
        la    r3, s_ro_load
        call  check

        li    r1, TVA + ur_code_read - uprog
        li    r2, 0
        call  run_user
        mov   r1, r6
        ldw   r2, uprog(zero)
        la    r3, s_code_read
        call  check

        li    r1, TVA + ur_ro_store - uprog
        li    r2, 0
        call  run_user
        li    r1, C_PAGE | A_STORE
        li    r2, TVA + ur_ro_store_at - uprog
        li    r4, TVA + 0x2004
        la    r3, s_ro_store
        call  check_trap

        li    r1, TVA + ur_kload - uprog
        li    r2, 0
        call  run_user
        li    r1, C_PAGE | A_LOAD
        li    r2, TVA + ur_kload_at - uprog
        li    r4, TVA + 0x3000
        la    r3, s_kload
        call  check_trap

        li    r1, TVA + ur_kstore - uprog
        li    r2, 0
        call  run_user
        li    r1, C_PAGE | A_STORE
        li    r2, TVA + ur_kstore_at - uprog
        li    r4, TVA + 0x3008
        la    r3, s_kstore
        call  check_trap
        li    r7, 0x33008
        ldw   r1, 0(r7)
        li    r2, 0
        la    r3, s_kstore_kept
        call  check

        li    r1, TVA + ur_low - uprog
        li    r2, 0
        call  run_user
        li    r1, C_PAGE | A_LOAD
        li    r2, TVA + ur_low - uprog
        li    r4, 0x100
        la    r3, s_low
        call  check_trap

        li    r1, TVA + ur_nox - uprog
        li    r2, 0
        call  run_user
        li    r1, C_PAGE | A_FETCH
        li    r2, TVA + 0x4000
        mov   r4, r2
        la    r3, s_nox
        call  check_trap

        li    r1, TVA + ur_nou - uprog
        li    r2, 0
        call  run_user
        li    r1, C_PAGE | A_FETCH
        li    r2, TVA + 0x5000
        mov   r4, r2
        la    r3, s_nou
        call  check_trap

        li    r1, TVA + ur_unmapped - uprog
        li    r2, 0
        call  run_user
        li    r1, C_PAGE | A_LOAD
        li    r2, TVA + ur_unmapped_at - uprog
        li    r4, TVA + 0x6000
        la    r3, s_unmapped
        call  check_trap

        li    r1, TVA + 0x5000          ; X but not U: the first fetch faults
        li    r2, 0
        call  run_user
        li    r1, C_PAGE | A_FETCH
        li    r2, TVA + 0x5000
        mov   r4, r2
        la    r3, s_start_nou
        call  check_trap

        li    r1, 0x1000                ; the kernel's own code page
        li    r2, 0
        call  run_user
        li    r1, C_PAGE | A_FETCH
        li    r2, 0x1000
        mov   r4, r2
        la    r3, s_start_kernel
        call  check_trap

        b     finish

; the user program, copied to frame 0x30000 = virtual TVA (position-independent)
        .align 4
uprog:
ur_rw:  li    r8, TVA + 0x1000
        stw   r5, 0(r8)
        ldw   r6, 0(r8)
ur_rw_sys:
        sys
ur_ro_load:
        li    r8, TVA + 0x2000
        ldw   r6, 4(r8)
        sys
ur_code_read:
        li    r8, TVA
        ldw   r6, 0(r8)
        sys
ur_ro_store:
        li    r8, TVA + 0x2000
ur_ro_store_at:
        stw   r5, 4(r8)
ur_kload:
        li    r8, TVA + 0x3000
ur_kload_at:
        ldw   r6, 0(r8)
ur_kstore:
        li    r8, TVA + 0x3000
ur_kstore_at:
        stw   r5, 8(r8)
ur_low: ldw   r6, 0x100(zero)
ur_nox: li    r8, TVA + 0x4000
        jr    r8
ur_nou: li    r8, TVA + 0x5000
        jr    r8
ur_unmapped:
        li    r8, TVA + 0x6000
ur_unmapped_at:
        ldw   r6, 0(r8)
uprog_end:

s_rw:           .asciz "user store and load on a U W page"
s_rw_val:       .asciz "user load returns what it stored"
s_rw_frame:     .asciz "the user store reached the frame"
s_epsw:         .asciz "the sys came from user mode"
s_ro_load:      .asciz "user load on a U page without W"
s_code_read:    .asciz "user load of its own V X U code page"
s_ro_store:     .asciz "user store on a U page without W: PAGE store"
s_kload:        .asciz "user load on a page without U: PAGE load"
s_kstore:       .asciz "user store on a W page without U: PAGE store"
s_kstore_kept:  .asciz "the refused user store wrote nothing"
s_low:          .asciz "user load from the kernel's identity map: PAGE"
s_nox:          .asciz "user jump to a U page without X: PAGE fetch"
s_nou:          .asciz "user jump to an X page without U: PAGE fetch"
s_unmapped:     .asciz "user load from an unmapped page: PAGE load"
s_start_nou:    .asciz "entering user mode on an X page without U: PAGE fetch"
s_start_kernel: .asciz "entering user mode on a kernel page: PAGE fetch"
