; smc_user.s — self-modifying code in user mode under relocation, and the
; kernel patching user code between runs.
; SPEC §2 and §8.2 (a store changes the bytes that are fetched next), §5.1
; (user stores and fetches both go to a + rbase), §6.1 (epc virtual).
; Encodings: addi rd, rs, imm = 0x10 rd rs imm16 (§7.1).
        .include "spec.inc"

        .equ UBASE, 0x10000

main:
        li    r1, UBASE
        mtcr  rbase, r1
        li    r1, 0x1000
        mtcr  rbound, r1

        ; 1: the user patches its next instruction
        li    r5, 0
        li    r1, u_next - user
        li    r2, 0
        call  run_user
        li    r1, C_SYSCALL
        li    r2, u_next_sys - user
        li    r4, SENTINEL
        la    r3, s_next
        call  check_trap
        mov   r1, r5
        li    r2, 2
        la    r3, s_next_val
        call  check

        ; 2: a user loop patches its own body
        li    r1, u_loop - user
        li    r2, 0
        call  run_user
        mov   r1, r6
        li    r2, 201
        la    r3, s_loop
        call  check

        ; 3: user routine run, then patched by the kernel, then run again
        li    r1, u_rout - user
        li    r2, 0
        call  run_user
        mov   r1, r5
        li    r2, 0x31
        la    r3, s_rout1
        call  check
        li    r6, 0x10500032            ; addi r5, zero, 0x32
        li    r7, UBASE + u_rout - user
        stw   r6, 0(r7)
        li    r1, u_rout - user
        li    r2, 0
        call  run_user
        mov   r1, r5
        li    r2, 0x32
        la    r3, s_rout2
        call  check

        ; 4: the user patches a routine the kernel ran for it earlier...
        ;    the kernel runs user code itself (unrelocated) at UBASE + u_rout
        li    r1, UBASE + u_krout - user
        callr r1
        mov   r1, r5
        li    r2, 0x41
        la    r3, s_krout1
        call  check
        li    r1, u_patch_krout - user
        li    r2, 0
        call  run_user
        li    r1, UBASE + u_krout - user
        callr r1
        mov   r1, r5
        li    r2, 0x42
        la    r3, s_krout2
        call  check

        ; 5: the user stores a sys over its next instruction
        li    r5, 0
        li    r1, u_sys - user
        li    r2, 0
        call  run_user
        li    r1, C_SYSCALL
        li    r2, u_sys_at - user
        li    r4, SENTINEL
        la    r3, s_sys
        call  check_trap
        mov   r1, r5
        li    r2, 0
        la    r3, s_sys_val
        call  check

        b     finish

s_next:     .asciz "user: a store to the next word, then its sys"
s_next_val: .asciz "user: the stored instruction ran"
s_loop:     .asciz "user: a loop that patches its own body"
s_rout1:    .asciz "user: routine before the kernel's patch"
s_rout2:    .asciz "user: routine after the kernel's patch"
s_krout1:   .asciz "kernel runs a routine in the user's window"
s_krout2:   .asciz "kernel runs it again after the user patched it"
s_sys:      .asciz "user: a sys stored over the next word traps there"
s_sys_val:  .asciz "user: the overwritten instruction did not run"

        .org  UBASE
user:
u_next: li    r6, 0x10500002            ; addi r5, zero, 2
        stw   r6, u_next_t - user(zero)
u_next_t:
        addi  r5, zero, 1
u_next_sys:
        sys
u_loop: li    r6, 0
        li    r9, 0
        li    r8, 0x10660064            ; addi r6, r6, 100
u_loop_b:
        addi  r6, r6, 1
        stw   r8, u_loop_b - user(zero)
        addi  r9, r9, 1
        cmpi  r9, 3
        blt   u_loop_b
        sys
u_rout: addi  r5, zero, 0x31
        sys
u_krout:
        addi  r5, zero, 0x41
        ret
u_patch_krout:
        li    r6, 0x10500042            ; addi r5, zero, 0x42
        stw   r6, u_krout - user(zero)
        sys
u_sys:  ldw   r6, u_sys_word - user(zero)
        stw   r6, u_sys_at - user(zero)
u_sys_at:
        addi  r5, zero, 9
        sys
u_sys_word:
        sys
