; hcall_pv.s — the hypercall interface of --mode=pv, seen by its guest.
; monitor/PV.md §1 (r1 = number, r2-r4 arguments, result in r1, all other
; registers preserved; -1 = refused and nothing changed; the guest continues
; after the hcall, which counts as one retired instruction; an hcall from
; the guest's user mode is not served but goes to the kernel's own vector
; as a HYPERCALL trap), §2 (numbers 0 and 13 and above are unknown and
; answer -1; HC_CONSOLE_WRITE: r2 = buffer, r3 = length <= 4096, result =
; length; one untranslatable byte refuses the whole call).  SPEC §8.4,
; §10.2 (the timer counts retired instructions).
; Run only with `traplab run --mode=pv`: on the bare machine hcall traps.
        .include "spec.inc"

        .equ HC_CONSOLE_WRITE, 8        ; PV.md §2: r2 = buffer, r3 = length

        .equ UBASE, 0x10000
        .equ REGS, 0x7d00               ; r2 .. r13 after an hcall

main:
        call  clear
        li    r1, HC_CONSOLE_WRITE
        la    r2, msg
        li    r3, msg_end - msg
        hcall
        mov   r5, r1
        la    r3, s_cw_notrap
        call  check_notrap
        mov   r1, r5
        li    r2, msg_end - msg
        la    r3, s_cw_len
        call  check

        call  clear
        call  preset
        li    r1, 0x108
        hcall
        call  save_regs
        mov   r5, r1
        la    r3, s_b0_notrap
        call  check_notrap
        mov   r1, r5
        li    r2, -1
        la    r3, s_b0
        call  check
        la    r3, s_b0_regs
        call  check_regs

        call  clear
        call  preset
        li    r1, 0x80000008
        hcall
        call  save_regs
        mov   r5, r1
        la    r3, s_b1_notrap
        call  check_notrap
        mov   r1, r5
        li    r2, -1
        la    r3, s_b1
        call  check
        la    r3, s_b1_regs
        call  check_regs

        call  clear
        call  preset
        li    r1, 0xffffffff
        hcall
        call  save_regs
        mov   r5, r1
        la    r3, s_b2_notrap
        call  check_notrap
        mov   r1, r5
        li    r2, -1
        la    r3, s_b2
        call  check
        la    r3, s_b2_regs
        call  check_regs

        call  clear
        call  preset
        li    r1, 0x0
        hcall
        call  save_regs
        mov   r5, r1
        la    r3, s_b3_notrap
        call  check_notrap
        mov   r1, r5
        li    r2, -1
        la    r3, s_b3
        call  check
        la    r3, s_b3_regs
        call  check_regs

        call  clear
        call  preset
        li    r1, 0xd
        hcall
        call  save_regs
        mov   r5, r1
        la    r3, s_b4_notrap
        call  check_notrap
        mov   r1, r5
        li    r2, -1
        la    r3, s_b4
        call  check
        la    r3, s_b4_regs
        call  check_regs

        call  clear
        call  preset
        li    r1, 0x100
        hcall
        call  save_regs
        mov   r5, r1
        la    r3, s_b5_notrap
        call  check_notrap
        mov   r1, r5
        li    r2, -1
        la    r3, s_b5
        call  check
        la    r3, s_b5_regs
        call  check_regs

        call  clear
        call  preset
        li    r1, 0x10008
        hcall
        call  save_regs
        mov   r5, r1
        la    r3, s_b6_notrap
        call  check_notrap
        mov   r1, r5
        li    r2, -1
        la    r3, s_b6
        call  check
        la    r3, s_b6_regs
        call  check_regs

        ; an hcall retires exactly one instruction, refused or served
        li    r1, 1000
        out   TIMER_INTERVAL, r1
        li    r1, 0x108                 ; 1
        hcall                           ; 2
        li    r1, HC_CONSOLE_WRITE      ; 3
        la    r2, msg                   ; 4, 5
        li    r3, 0                     ; 6
        hcall                           ; 7
        mov   r6, r1                    ; 8
        in    r5, TIMER_COUNT
        out   TIMER_INTERVAL, zero
        mov   r1, r5
        li    r2, 1000 - 8
        la    r3, s_retire
        call  check
        mov   r1, r6
        li    r2, 0
        la    r3, s_len0
        call  check

        ; refused console writes print nothing
        li    r1, HC_CONSOLE_WRITE
        la    r2, bad
        li    r3, 4097
        hcall
        li    r2, -1
        la    r3, s_too_long
        call  check
        li    r5, MEM_SIZE - 2
        li    r6, 'Z'
        stb   r6, 0(r5)
        stb   r6, 1(r5)
        li    r1, HC_CONSOLE_WRITE
        mov   r2, r5
        li    r3, 4
        hcall
        li    r2, -1
        la    r3, s_beyond
        call  check

        ; user mode: not served, a HYPERCALL trap to the kernel's vector
        li    r1, UBASE
        mtcr  rbase, r1
        li    r1, 0x1000
        mtcr  rbound, r1
        li    r1, u_hcall - user
        li    r2, 0
        call  run_user
        mov   r5, r1                    ; the user's r1 at the trap
        li    r1, C_HYPERCALL
        li    r2, u_hcall_at - user
        li    r4, SENTINEL
        la    r3, s_user
        call  check_trap
        mov   r1, r5
        li    r2, HC_CONSOLE_WRITE
        la    r3, s_user_r1
        call  check

        b     finish

; preset: r2 = "BAD!\n", r3 = 5, r4 .. r13 = 0x4444 .. 0xdddd
preset:
        la    r2, bad
        li    r3, 5
        li    r4, 0x4444
        li    r5, 0x5555
        li    r6, 0x6666
        li    r7, 0x7777
        li    r8, 0x8888
        li    r9, 0x9999
        li    r10, 0xaaaa
        li    r11, 0xbbbb
        li    r12, 0xcccc
        li    r13, 0xdddd
        ret

save_regs:
        stw   r2, REGS + 0(zero)
        stw   r3, REGS + 4(zero)
        stw   r4, REGS + 8(zero)
        stw   r5, REGS + 12(zero)
        stw   r6, REGS + 16(zero)
        stw   r7, REGS + 20(zero)
        stw   r8, REGS + 24(zero)
        stw   r9, REGS + 28(zero)
        stw   r10, REGS + 32(zero)
        stw   r11, REGS + 36(zero)
        stw   r12, REGS + 40(zero)
        stw   r13, REGS + 44(zero)
        ret

; check_regs: REGS holds what preset set.  r3 = name; one line.
check_regs:
        push  lr
        push  r3
        li    r5, 0
check_regs_loop:
        ldw   r1, REGS(r5)
        ldw   r2, want_regs(r5)
        cmp   r1, r2
        bne   check_regs_out
        addi  r5, r5, 4
        cmpi  r5, 48
        blt   check_regs_loop
check_regs_out:
        pop   r3
        call  check
        pop   lr
        ret

        .align 4
want_regs:
        .word bad, 5, 0x4444, 0x5555, 0x6666, 0x7777, 0x8888, 0x9999
        .word 0xaaaa, 0xbbbb, 0xcccc, 0xdddd
msg:    .ascii "[pv] console write\n"
msg_end:
bad:    .asciz "BAD!\n"
        .align 4
s_cw_notrap: .asciz "HC_CONSOLE_WRITE is served by the monitor: no trap"
s_cw_len:    .asciz "HC_CONSOLE_WRITE returns the length"
s_b0_notrap: .asciz "hcall 0x108: served by the monitor (no trap)"
s_b0:        .asciz "hcall 0x108: unknown number answers -1"
s_b0_regs:   .asciz "hcall 0x108: r2 .. r13 preserved"
s_b1_notrap: .asciz "hcall 0x80000008: served by the monitor (no trap)"
s_b1:        .asciz "hcall 0x80000008: unknown number answers -1"
s_b1_regs:   .asciz "hcall 0x80000008: r2 .. r13 preserved"
s_b2_notrap: .asciz "hcall -1: served by the monitor (no trap)"
s_b2:        .asciz "hcall -1: unknown number answers -1"
s_b2_regs:   .asciz "hcall -1: r2 .. r13 preserved"
s_b3_notrap: .asciz "hcall 0: served by the monitor (no trap)"
s_b3:        .asciz "hcall 0: unknown number answers -1"
s_b3_regs:   .asciz "hcall 0: r2 .. r13 preserved"
s_b4_notrap: .asciz "hcall 13: served by the monitor (no trap)"
s_b4:        .asciz "hcall 13: unknown number answers -1"
s_b4_regs:   .asciz "hcall 13: r2 .. r13 preserved"
s_b5_notrap: .asciz "hcall 0x100: served by the monitor (no trap)"
s_b5:        .asciz "hcall 0x100: unknown number answers -1"
s_b5_regs:   .asciz "hcall 0x100: r2 .. r13 preserved"
s_b6_notrap: .asciz "hcall 0x10008: served by the monitor (no trap)"
s_b6:        .asciz "hcall 0x10008: unknown number answers -1"
s_b6_regs:   .asciz "hcall 0x10008: r2 .. r13 preserved"
s_retire:   .asciz "each hcall counts as one retired instruction"
s_len0:     .asciz "HC_CONSOLE_WRITE of length 0 returns 0"
s_too_long: .asciz "HC_CONSOLE_WRITE of 4097 bytes is refused"
s_beyond:   .asciz "HC_CONSOLE_WRITE past the end of memory is refused"
s_user:     .asciz "user hcall: HYPERCALL to the kernel's vector"
s_user_r1:  .asciz "user hcall: not served (r1 unchanged)"

        .org  UBASE
user:
u_hcall:
        li    r1, HC_CONSOLE_WRITE
        li    r2, u_msg - user
        li    r3, 6
u_hcall_at:
        hcall
        sys
u_msg:  .ascii "USER!\n"
