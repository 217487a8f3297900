; syscall.s — nanobenchmark "syscall" (Adams & Agesen: a system-call round
; trip, cheap under VT-x, about 2000 cycles more under BT): user code
; calls `sys` in a loop and the kernel's handler returns at once.  Each
; `sys` is a trap the monitor reflects to the guest's vector, and the
; handler's mfcr/mtcr/rti are privileged: four exits per call under trap.
;
;     build/traplab run --mode=trap --stats guests/pg32/nanobench/syscall.s
        .include "bench.s"
        .equ N, 20000                   ; 10 instructions each: 200,000

start:
        li    sp, STACK_TOP
        la    r1, handler
        mtcr  tvec, r1
        ; User mode sees the first 64 KiB at the same addresses (rbase = 0).
        li    r1, USER_BOUND
        mtcr  rbound, r1
        la    r1, user_loop
        mtcr  epc, r1
        mtcr  epsw, zero                ; user mode, interrupts off
        li    r7, 0                     ; r7 = iterations, counted in user mode
        li    r8, N                     ; r8 = how many
        rti

; The kernel: r1 = 0 is the null system call, anything else ends the run.
handler:
        cmpi  r1, 0
        bne   done
        mfcr  r13, epc                  ; return after the sys (SPEC §6.1)
        addi  r13, r13, SYS_INSN_SIZE
        mtcr  epc, r13
        rti
done:
        mov   r1, r7
        la    r2, msg_name
        la    r5, msg_tail
        b     bench_report

; User mode.
user_loop:
        li    r1, 0
        sys                             ; the null system call
        addi  r7, r7, 1
        cmp   r7, r8
        bne   user_loop
        li    r1, 1
        sys                             ; "done"

msg_name: .asciz "syscall: 0x"
msg_tail: .asciz " null system calls\n"
        .align 4
        .include "bench_end.s"
