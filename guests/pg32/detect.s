; detect.s — can a guest tell that it is running under a monitor?
;
; Each probe uses one of the holes of isa/SPEC.md §9.2 and prints one line:
;   "bare"           what the bare machine answers
;   "virtualized"    something only a monitor would make it see
;   "trapped"        the instruction is privileged on this variant (so no hole)
; and the guest powers off with the number of probes that saw a monitor.
; Labs 6 and 7, demonstrations D2–D5 and D7 of REFERENCES §2:
;   traplab run --isa=legacy --mode=trap   guests/pg32/detect.s   (4 noticed)
;   traplab run --isa=legacy --mode=hybrid guests/pg32/detect.s   (1: user srr)
;   traplab run --isa=hybrid --mode=trap   guests/pg32/detect.s   (juser)
;   traplab run --isa=legacy --mode=trap --place=identity ...     (kernel srr hidden)
;
; Register use: r10 counts probes that noticed; r11 and r12 belong to the
; trap handler; r2 and r3 to puts; everything else is scratch.

        .equ CONSOLE_DATA,   0x00
        .equ TIMER_INTERVAL, 0x10
        .equ TIMER_ACK,      0x12
        .equ POWER_OFF,      0x20
        .equ PSW_S,          1
        .equ PSW_IE,         2
        .equ CAUSE_MASK,     0xff
        .equ CAUSE_SYSCALL,  1
        .equ CAUSE_PRIVILEGED, 2
        .equ CAUSE_TIMER,    16
        .equ USER_BASE,      0x8000     ; the user probes' relocation base l
        .equ USER_SIZE,      0x1000     ; and bound b
        .equ TICK_INTERVAL,  20         ; timer interval for the wrpsw probe
        .equ SPIN,           100        ; loop iterations while waiting for ticks
        .equ NOTICED,        1          ; answers the probes leave in r1
        .equ UNNOTICED,      0
        .equ TRAPPED,        2

        b    start

; ---- the juser landing pad (probe 6) --------------------------------------
; juser jumps to user address LANDING.  On bare, user address LANDING is
; physical USER_BASE + LANDING, a copy of this code, and its `di` traps.
; If a monitor misses the switch to user mode, the guest keeps running with
; the kernel's view of memory — here, at this very code, whose `di` then
; "works": the user program got supervisor rights.
        .org 0x40
landing:
        di                              ; privileged: user mode must trap here
        li   r1, NOTICED                ; ...it did not: a monitor let it through
        sys
        .equ LANDING, landing

; ---- start --------------------------------------------------------------------
start:
        li   sp, 0x7000
        la   r1, trap_entry
        mtcr tvec, r1
        li   r10, 0

; probe 1: rdpsw from the kernel (PUSHF/SMSW: mode-sensitive)
        adr  r2, msg_rdpsw_kernel
        call puts
        rdpsw r1
        andi r1, r1, PSW_S
        xori r1, r1, PSW_S              ; 1 if S is clear: "I am in user mode?!"
        call verdict

; probe 2: wrpsw from the kernel (POPF: control-sensitive)
; Turn interrupts off with di, back on with wrpsw, and see if the timer gets in.
        adr  r2, msg_wrpsw_kernel
        call puts
        stw  zero, ticks(zero)
        di
        li   r1, PSW_S | PSW_IE
        wrpsw r1                        ; a deprivileged kernel loses this silently
        li   r1, TICK_INTERVAL
        out  TIMER_INTERVAL, r1
        li   r4, SPIN
spin:   addi r4, r4, -1
        cmpi r4, 0
        bne  spin
        out  TIMER_INTERVAL, zero
        di
        ldw  r1, ticks(zero)
        cmpi r1, 0
        li   r1, UNNOTICED
        bne  probe2_done
        li   r1, NOTICED                ; no tick arrived: IE was never set
probe2_done:
        call verdict

; probe 3: srr from the kernel (SGDT/SIDT: location-sensitive)
; The kernel's own relocation is 0; a monitor that placed it elsewhere shows.
        adr  r2, msg_srr_kernel
        call puts
        srr  r1
        cmpi r1, 0
        li   r1, UNNOTICED
        beq  probe3_done
        li   r1, NOTICED
probe3_done:
        call verdict

; probe 4: srr from user mode (the Red Pill: user-location-sensitive)
        adr  r2, msg_srr_user
        call puts
        li   r5, user_srr - USER_BASE
        call enter_user
        cmpi r1, TRAPPED
        beq  probe4_done
        li   r4, USER_BASE
        cmp  r1, r4
        li   r1, UNNOTICED
        beq  probe4_done
        li   r1, NOTICED
probe4_done:
        call verdict

; probe 5: rdpsw from user mode (harmless: a user program knows it is one)
        adr  r2, msg_rdpsw_user
        call puts
        li   r5, user_rdpsw - USER_BASE
        call enter_user
        cmpi r1, TRAPPED
        beq  probe5_done
        andi r1, r1, PSW_S              ; S set in user mode would be news
probe5_done:
        call verdict

; probe 6: juser (PDP-10 JRST 1) — does the monitor see the switch to user mode?
        adr  r2, msg_juser
        call puts
        call set_user_relocation
        adr  r4, probe6_resume
        stw  r4, resume(zero)
        li   r4, LANDING
        juser r4                        ; enter user mode at LANDING
probe6_resume:
        cmpi r1, TRAPPED                ; bare: the landing's di trapped
        li   r1, UNNOTICED
        beq  probe6_done
        li   r1, NOTICED
probe6_done:
        call verdict

; ---- the end: power off with the number of probes that noticed ----------------
        adr  r2, msg_total
        call puts
        addi r2, r10, '0'
        out  CONSOLE_DATA, r2
        adr  r2, msg_noticed
        call puts
        out  POWER_OFF, r10

; ---- helpers --------------------------------------------------------------------

; verdict: print the answer in r1 (UNNOTICED, NOTICED or TRAPPED), count it.
verdict:
        mov  r6, lr
        adr  r2, msg_bare
        cmpi r1, UNNOTICED
        beq  verdict_print
        adr  r2, msg_trapped
        cmpi r1, TRAPPED
        beq  verdict_print
        adr  r2, msg_virtualized
        addi r10, r10, 1
verdict_print:
        call puts
        jr   r6

; set_user_relocation: R := (USER_BASE, USER_SIZE) for the user probes.
set_user_relocation:
        li   r4, USER_BASE
        mtcr rbase, r4
        li   r4, USER_SIZE
        mtcr rbound, r4
        ret

; enter_user: run the user probe at user address r5; it ends with sys (or
; traps), and the handler resumes at the instruction after `call enter_user`
; with the probe's answer in r1.
enter_user:
        mov  r7, lr
        call set_user_relocation
        stw  r7, resume(zero)
        mtcr epc, r5
        mtcr epsw, zero                 ; user mode, interrupts off
        rti

        .include "lib/print.s"             ; puts (and print_hex)

; ---- the trap handler ------------------------------------------------------------
; Timer: count the tick.  System call or privileged instruction from a user
; probe: back to the kernel at `resume`, in supervisor mode (with r1 = TRAPPED
; for a privileged instruction).  Anything else: a bug in this guest.
trap_entry:
        mfcr r11, cause
        andi r11, r11, CAUSE_MASK
        cmpi r11, CAUSE_TIMER
        beq  on_timer
        cmpi r11, CAUSE_SYSCALL
        beq  on_return
        cmpi r11, CAUSE_PRIVILEGED
        bne  on_unexpected
        li   r1, TRAPPED
on_return:
        ldw  r11, resume(zero)
        mtcr epc, r11
        li   r11, PSW_S                 ; back in the kernel, interrupts off
        mtcr epsw, r11
        rti
on_timer:
        ldw  r11, ticks(zero)
        addi r11, r11, 1
        stw  r11, ticks(zero)
        out  TIMER_ACK, zero
        rti
on_unexpected:
        adr  r2, msg_unexpected
        call puts
        li   r11, 99
        out  POWER_OFF, r11

; ---- data ---------------------------------------------------------------------
        .align 4
ticks:  .word 0
resume: .word 0

msg_rdpsw_kernel: .asciz "detect: kernel rdpsw sees supervisor mode?   "
msg_wrpsw_kernel: .asciz "detect: kernel wrpsw turns interrupts on?    "
msg_srr_kernel:   .asciz "detect: kernel srr shows its own relocation? "
msg_srr_user:     .asciz "detect: user srr shows its own relocation?   "
msg_rdpsw_user:   .asciz "detect: user rdpsw sees user mode?           "
msg_juser:        .asciz "detect: juser really enters user mode?       "
msg_bare:         .asciz "bare\n"
msg_virtualized:  .asciz "virtualized\n"
msg_trapped:      .asciz "trapped (privileged on this variant)\n"
msg_total:        .asciz "detect: "
msg_noticed:      .asciz " probe(s) noticed a monitor\n"
msg_unexpected:   .asciz "detect: unexpected trap\n"

; ---- the user probes, at physical USER_BASE = user address 0 --------------------
; User code must be position-independent (it runs at user address 0 while
; it was assembled here): relative branches only, no absolute addresses.
        .org USER_BASE
user_srr:
        srr  r1                         ; where is my address space, really?
        sys
user_rdpsw:
        rdpsw r1
        sys
        .org USER_BASE + LANDING
user_landing:
        di                              ; must trap: we are in user mode
        li   r1, NOTICED
        sys
        .org USER_BASE + USER_SIZE - 4
        .word 0
