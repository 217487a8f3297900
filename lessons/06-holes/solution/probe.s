; probe.s — Lab 6 solution (instructor's copy).  Do not hand this out.
;
; The starter (lessons/06-holes/starter/probe.s) with its four TODOs filled
; in.  One line per hole of the `legacy` variant (isa/SPEC.md §9.2; Robin &
; Irvine's x86 list, REFERENCES §3); the last word is "bare", "virtualized"
; or "trapped"; the guest powers off with the number of "virtualized".
;
;     build/traplab run --isa=legacy                solution/probe.s  -> 0
;     build/traplab run --isa=legacy --mode=trap    solution/probe.s  -> 4
;     build/traplab run --isa=legacy --mode=hybrid  solution/probe.s  -> 1
;     build/traplab run --isa=strict --mode=trap    solution/probe.s  -> 0
;     build/traplab run --isa=legacy --mode=trap --place=identity ...  -> 2
;     build/traplab run --isa=legacy --mode=bt      solution/probe.s  -> 1
;     lessons/06-holes/check lessons/06-holes/solution/probe.s
;
; Registers: r9 counts "virtualized" answers; r11/r12 belong to the trap
; handler; puts clobbers r2, r3; the rest is scratch.

; ---- hardware names (SPEC §10, §6.1, §3.2) ----------------------------------
        .equ CONSOLE_DATA,   0x00
        .equ TIMER_INTERVAL, 0x10       ; SPEC §10.2: counts retired instructions
        .equ TIMER_ACK,      0x12
        .equ POWER_OFF,      0x20
        .equ PSW_S,          1
        .equ PSW_IE,         2
        .equ CAUSE_MASK,     0xff
        .equ CAUSE_SYSCALL,  1
        .equ CAUSE_PRIVILEGED, 2
        .equ CAUSE_TIMER,    16

; ---- the user window R = (l, b) for probe 4 (SPEC §5.1) ---------------------
        .equ USER_BASE,      0x4000
        .equ USER_SIZE,      0x1000

; ---- answers the probes leave in r1 for `answer` ----------------------------
        .equ SAYS_BARE,      0
        .equ SAYS_VIRTUAL,   1
        .equ SAYS_TRAPPED,   2

; =============================================================================
; Boot: supervisor mode, interrupts off, paging off, relocation 0 (SPEC §11.1).
        li   sp, 0x3000
        la   r1, on_trap
        mtcr tvec, r1
        li   r9, 0

; ---- probe 1: rdpsw from the kernel (x86 PUSHF/SMSW) -------------------------
        adr  r2, q_rdpsw
        call puts
        ; We booted in supervisor mode.  A deprivileged kernel reads the REAL
        ; PSW, whose S bit is 0: rdpsw is mode-sensitive, not privileged.
        rdpsw r1
        andi r1, r1, PSW_S              ; 1 = supervisor, as expected
        xori r1, r1, PSW_S              ; -> 0 = SAYS_BARE, 1 = SAYS_VIRTUAL
        call answer

; ---- probe 2: wrpsw from the kernel (x86 POPF) -------------------------------
        adr  r2, q_wrpsw
        call puts
        ; Interrupts off with di (privileged: a monitor sees it), back on with
        ; wrpsw.  Then run the timer: if IE really came back on, ticks arrive.
        ; In real user mode on legacy, wrpsw silently keeps IE (POPF at
        ; CPL > IOPL): the monitor never hears of it, no tick ever comes.
        stw  zero, ticks(zero)
        di
        li   r1, PSW_S | PSW_IE
        wrpsw r1
        li   r1, 16
        out  TIMER_INTERVAL, r1         ; a tick every 16 instructions...
        li   r4, 64
wait_ticks:                             ; ...while we count down 192 of them
        addi r4, r4, -1
        cmpi r4, 0
        bne  wait_ticks
        out  TIMER_INTERVAL, zero       ; timer off
        di
        ldw  r1, ticks(zero)
        cmpi r1, 0
        li   r1, SAYS_BARE              ; (li does not touch the flags)
        bne  probe2_done
        li   r1, SAYS_VIRTUAL           ; no tick: our "interrupts on" was lost
probe2_done:
        call answer

; ---- probe 3: srr from the kernel (x86 SGDT/SIDT) ----------------------------
        adr  r2, q_srr_kernel
        call puts
        ; Paging is off and we never set rbase: on bare it is 0.  A monitor
        ; that put our memory elsewhere cannot hide that from srr.
        srr  r1
        cmpi r1, 0
        li   r1, SAYS_BARE
        beq  probe3_done
        li   r1, SAYS_VIRTUAL
probe3_done:
        call answer

; ---- probe 4: srr from user mode (the Red Pill) ------------------------------
        adr  r2, q_srr_user
        call puts
        call run_user                   ; runs user_code below; its r1 comes back
        ; Bare: user_code's srr sees exactly the rbase we set, USER_BASE.
        ; Under a monitor that runs user code directly it sees the REAL base:
        ; USER_BASE plus wherever the monitor put our memory.
        cmpi r1, SAYS_TRAPPED           ; strict: srr is privileged, no hole
        beq  probe4_done
        li   r4, USER_BASE
        cmp  r1, r4
        li   r1, SAYS_BARE
        beq  probe4_done
        li   r1, SAYS_VIRTUAL
probe4_done:
        call answer

; ---- the end: print the count and power off with it -------------------------
        adr  r2, m_total
        call puts
        addi r2, r9, '0'
        out  CONSOLE_DATA, r2
        adr  r2, m_total_end
        call puts
        out  POWER_OFF, r9

; =============================================================================
; answer: print r1 (SAYS_BARE / SAYS_VIRTUAL / SAYS_TRAPPED) and count it.
answer:
        mov  r5, lr
        adr  r2, m_bare
        cmpi r1, SAYS_BARE
        beq  answer_print
        adr  r2, m_trapped
        cmpi r1, SAYS_TRAPPED
        beq  answer_print
        adr  r2, m_virtual
        addi r9, r9, 1
answer_print:
        call puts
        jr   r5

; puts: print the NUL-terminated string at r2.  Clobbers r2, r3.
puts:
        ldbu r3, 0(r2)
        cmpi r3, 0
        beq  puts_done
        out  CONSOLE_DATA, r3
        addi r2, r2, 1
        b    puts
puts_done:
        ret

; run_user: R := (USER_BASE, USER_SIZE), then run user_code in user mode at
; user address 0, interrupts off.  user_code ends with `sys`; the trap
; handler then returns here, in supervisor mode, after the `call run_user`,
; with user_code's r1 (or SAYS_TRAPPED if user_code hit a privileged
; instruction).  Clobbers r4.
run_user:
        li   r4, USER_BASE
        mtcr rbase, r4
        li   r4, USER_SIZE
        mtcr rbound, r4
        stw  lr, resume(zero)
        mtcr epc, zero
        mtcr epsw, zero
        rti

; on_trap: the trap vector.
;   TIMER       count the tick in `ticks`, acknowledge it, go back.
;   SYSCALL     user_code is done: back to the kernel at `resume`.
;   PRIVILEGED  user_code trapped: r1 = SAYS_TRAPPED, back to the kernel.
;   anything else is a bug in this guest: say so, power off with 99.
on_trap:
        mfcr r11, cause
        andi r11, r11, CAUSE_MASK
        cmpi r11, CAUSE_TIMER
        beq  on_tick
        cmpi r11, CAUSE_SYSCALL
        beq  to_kernel
        cmpi r11, CAUSE_PRIVILEGED
        bne  on_bug
        li   r1, SAYS_TRAPPED
to_kernel:
        ldw  r11, resume(zero)
        mtcr epc, r11
        li   r11, PSW_S                 ; supervisor, interrupts off
        mtcr epsw, r11
        rti
on_tick:
        ldw  r12, ticks(zero)
        addi r12, r12, 1
        stw  r12, ticks(zero)
        out  TIMER_ACK, zero
        rti
on_bug:
        adr  r2, m_bug
        call puts
        li   r11, 99
        out  POWER_OFF, r11

; ---- data ---------------------------------------------------------------------
        .align 4
ticks:  .word 0
resume: .word 0

q_rdpsw:      .asciz "kernel rdpsw: does the kernel see supervisor mode?        "
q_wrpsw:      .asciz "kernel wrpsw: do interrupts come back on?                 "
q_srr_kernel: .asciz "kernel srr:   is the kernel's relocation 0?               "
q_srr_user:   .asciz "user srr:     is user relocation where the kernel put it? "
m_bare:       .asciz "bare\n"
m_virtual:    .asciz "virtualized\n"
m_trapped:    .asciz "trapped\n"
m_total:      .asciz "probe: "
m_total_end:  .asciz " hole(s) noticed a monitor\n"
m_bug:        .asciz "probe: unexpected trap\n"

; ---- user code, at physical USER_BASE = user address 0 ------------------------
; It runs relocated: use relative branches only, no absolute addresses.
        .org USER_BASE
user_code:
        srr  r1                         ; where is my address space, really?
        sys                             ; back to the kernel with r1
        .org USER_BASE + USER_SIZE - 4
        .word 0
