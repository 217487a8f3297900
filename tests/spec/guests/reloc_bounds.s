; reloc_bounds.s — relocation-bounds from user mode.
; SPEC §5.1 (user: a maps to a + l; MEMORY if a + size > b or a + l + size
; > q; no wrap-around), §5 (order: alignment, translation, physical bound;
; badaddr = the virtual address), §6.1 (MEMORY = 4 with the access kind).
        .include "spec.inc"

        .equ UBASE, 0x10000
        .equ USIZE, 0x1000
        .equ PBASE, MEM_SIZE - 0x1000   ; for the physical-bound cases

main:
        ; values the user program will find at the top of its window
        li    r5, 0xa1b2c3d4
        li    r6, UBASE + USIZE - 4
        stw   r5, 0(r6)
        li    r5, 0x0badf00d
        stw   r5, 4(r6)                 ; just beyond the window
        li    r1, UBASE
        mtcr  rbase, r1
        li    r1, USIZE
        mtcr  rbound, r1

        li    r1, u_last - user
        li    r2, 0
        call  run_user
        li    r1, C_SYSCALL
        li    r2, u_last_sys - user
        li    r4, SENTINEL
        la    r3, s_last
        call  check_trap
        mov   r1, r5
        li    r2, 0xa1b2c3d4
        la    r3, s_last_w
        call  check
        mov   r1, r6
        li    r2, 0xffffa1b2
        la    r3, s_last_h
        call  check
        mov   r1, r7
        li    r2, 0xa1
        la    r3, s_last_b
        call  check

        li    r5, 0x7777
        li    r1, u_ldw - user
        li    r2, 0
        call  run_user
        li    r1, C_MEMORY | A_LOAD
        li    r2, u_ldw - user
        li    r4, USIZE
        la    r3, s_ldw
        call  check_trap
        mov   r1, r5
        li    r2, 0x7777
        la    r3, s_ldw_rd
        call  check

        li    r1, u_ldh - user
        li    r2, 0
        call  run_user
        li    r1, C_MEMORY | A_LOAD
        li    r2, u_ldh - user
        li    r4, USIZE
        la    r3, s_ldh
        call  check_trap

        li    r1, u_ldb - user
        li    r2, 0
        call  run_user
        li    r1, C_MEMORY | A_LOAD
        li    r2, u_ldb - user
        li    r4, USIZE
        la    r3, s_ldb
        call  check_trap

        li    r1, u_stw - user
        li    r2, 0
        call  run_user
        li    r1, C_MEMORY | A_STORE
        li    r2, u_stw - user
        li    r4, USIZE
        la    r3, s_stw
        call  check_trap
        li    r6, UBASE + USIZE
        ldw   r1, 0(r6)
        li    r2, 0x0badf00d
        la    r3, s_stw_mem
        call  check

        li    r1, u_stb - user
        li    r2, 0
        call  run_user
        li    r6, UBASE + USIZE - 4
        ldw   r1, 0(r6)
        li    r2, 0x5bb2c3d4
        la    r3, s_stb
        call  check

        li    r1, u_straddle - user
        li    r2, 0
        call  run_user
        li    r1, C_MISALIGNED | A_LOAD
        li    r2, u_straddle - user
        li    r4, USIZE - 2
        la    r3, s_straddle
        call  check_trap

        li    r1, u_neg - user
        li    r2, 0
        call  run_user
        li    r1, C_MEMORY | A_LOAD
        li    r2, u_neg - user
        li    r4, 0xfffffffc
        la    r3, s_neg
        call  check_trap

        ; an rbound that is not a multiple of 4
        li    r1, USIZE - 2
        mtcr  rbound, r1
        li    r1, u_odd_ok - user
        li    r2, 0
        call  run_user
        li    r1, C_SYSCALL
        li    r2, u_odd_ok_sys - user
        li    r4, SENTINEL
        la    r3, s_odd_ok
        call  check_trap
        li    r1, u_odd_w - user
        li    r2, 0
        call  run_user
        li    r1, C_MEMORY | A_LOAD
        li    r2, u_odd_w - user
        li    r4, USIZE - 4
        la    r3, s_odd_w
        call  check_trap
        li    r1, u_odd_b - user
        li    r2, 0
        call  run_user
        li    r1, C_MEMORY | A_LOAD
        li    r2, u_odd_b - user
        li    r4, USIZE - 2
        la    r3, s_odd_b
        call  check_trap

        ; wrap-around: b = 0xffffffff, a + l overflows 32 bits onto low memory
        ldw   r1, 0(zero)
        stw   r1, 0x7e00(zero)          ; word 0 before the wrapping store
        li    r1, 0xffffffff
        mtcr  rbound, r1
        li    r1, u_wrap - user
        li    r2, 0
        call  run_user
        li    r1, C_MEMORY | A_LOAD
        li    r2, u_wrap_at - user
        li    r4, -UBASE + 0x20
        la    r3, s_wrap
        call  check_trap
        li    r1, u_wrap_st - user
        li    r2, 0
        call  run_user
        li    r1, C_MEMORY | A_STORE
        li    r2, u_wrap_st_at - user
        li    r4, -UBASE
        la    r3, s_wrap_st
        call  check_trap
        ldw   r1, 0(zero)
        ldw   r2, 0x7e00(zero)
        la    r3, s_wrap_mem
        call  check
        li    r1, u_top - user
        li    r2, 0
        call  run_user
        li    r1, C_MEMORY | A_LOAD
        li    r2, u_top_at - user
        li    r4, 0xfffffffc
        la    r3, s_top
        call  check_trap

        ; the physical bound: l + a + size > q with a generous rbound
        li    r1, PBASE
        la    r2, pcode
        li    r3, pcode_end - pcode
        call  copy_bytes
        li    r1, 0x600df00d
        li    r2, MEM_SIZE - 4
        stw   r1, 0(r2)
        li    r1, PBASE
        mtcr  rbase, r1
        li    r1, 0x4000
        mtcr  rbound, r1
        li    r1, 0
        li    r2, 0
        call  run_user
        li    r1, C_SYSCALL
        li    r2, p_sys - pcode
        li    r4, SENTINEL
        la    r3, s_phys_ok
        call  check_trap
        mov   r1, r5
        li    r2, 0x600df00d
        la    r3, s_phys_val
        call  check
        li    r1, p_fault - pcode
        li    r2, 0
        call  run_user
        li    r1, C_MEMORY | A_LOAD
        li    r2, p_fault - pcode
        li    r4, 0x1000
        la    r3, s_phys
        call  check_trap
        li    r1, p_fault_st - pcode
        li    r2, 0
        call  run_user
        li    r1, C_MEMORY | A_STORE
        li    r2, p_fault_st - pcode
        li    r4, 0x1002
        la    r3, s_phys_st
        call  check_trap

        ; rbound = 0: not even the first fetch
        mtcr  rbound, zero
        li    r1, 0
        li    r2, 0
        call  run_user
        li    r1, C_MEMORY | A_FETCH
        li    r2, 0
        li    r4, 0
        la    r3, s_zero
        call  check_trap

        b     finish

        .align 4
; copied to PBASE: position-independent
pcode:  ldw   r5, 0xffc(zero)           ; the last word of physical memory
p_sys:  sys
p_fault: ldw  r5, 0x1000(zero)          ; a = 0x1000: l + a = q
p_fault_st: sth r5, 0x1002(zero)
pcode_end:

s_last:     .asciz "loads of the last word, half and byte inside rbound"
s_last_w:   .asciz "ldw at rbound - 4 reads physical rbase + rbound - 4"
s_last_h:   .asciz "ldh at rbound - 2"
s_last_b:   .asciz "ldbu at rbound - 1"
s_ldw:      .asciz "ldw at rbound: MEMORY load, badaddr virtual"
s_ldw_rd:   .asciz "faulting user ldw leaves rd unchanged"
s_ldh:      .asciz "ldhu at rbound: MEMORY"
s_ldb:      .asciz "ldbu at rbound: MEMORY"
s_stw:      .asciz "stw at rbound: MEMORY store"
s_stw_mem:  .asciz "the faulting stw wrote nothing beyond the window"
s_stb:      .asciz "stb at rbound - 1 stores into the window"
s_straddle: .asciz "ldw at rbound - 2: MISALIGNED before the bound"
s_neg:      .asciz "ldw -4(zero): a + 4 overflows: MEMORY at 0xfffffffc"
s_odd_ok:   .asciz "rbound 0xffe: ldh at 0xffc and ldb at 0xffd fit"
s_odd_w:    .asciz "rbound 0xffe: ldw at 0xffc faults"
s_odd_b:    .asciz "rbound 0xffe: ldb at 0xffe faults"
s_wrap:     .asciz "a + l beyond 2^32 faults instead of wrapping (load)"
s_wrap_st:  .asciz "a + l = 2^32 faults instead of wrapping (store)"
s_wrap_mem: .asciz "the wrapping store did not reach address 0"
s_top:      .asciz "ldw at 0xfffffffc with rbound 0xffffffff: MEMORY"
s_phys_ok:  .asciz "user code at the last page of memory runs"
s_phys_val: .asciz "user ldw of the last word of physical memory"
s_phys:     .asciz "l + a = q: MEMORY load (physical bound)"
s_phys_st:  .asciz "l + a > q: MEMORY store (physical bound)"
s_zero:     .asciz "rbound 0: the first user fetch faults"

        .org  UBASE
user:
u_last: ldw   r5, USIZE - 4(zero)
        ldh   r6, USIZE - 2(zero)
        ldbu  r7, USIZE - 1(zero)
u_last_sys:
        sys
u_ldw:  ldw   r5, USIZE(zero)
u_ldh:  ldhu  r5, USIZE(zero)
u_ldb:  ldbu  r5, USIZE(zero)
u_stw:  stw   r5, USIZE(zero)
u_stb:  li    r5, 0x5b
        stb   r5, USIZE - 1(zero)
        sys
u_straddle:
        ldw   r5, USIZE - 2(zero)
u_neg:  ldw   r5, -4(zero)
u_odd_ok:
        ldh   r5, USIZE - 4(zero)
        ldb   r5, USIZE - 3(zero)
u_odd_ok_sys:
        sys
u_odd_w: ldw  r5, USIZE - 4(zero)
u_odd_b: ldb  r5, USIZE - 2(zero)
u_wrap: li    r8, -UBASE + 0x20
u_wrap_at:
        ldw   r5, 0(r8)
u_wrap_st:
        li    r8, -UBASE
u_wrap_st_at:
        stw   r8, 0(r8)
u_top:  li    r8, 0xfffffffc
u_top_at:
        ldw   r5, 0(r8)
