; ieflag.s — nanobenchmark "cr8wr" (Adams & Agesen: a write of the task-
; priority register, 35 cycles under BT, about 140 native): a kernel loop
; that turns interrupts off and on, `di` / `ei`.  Privileged on every
; variant, so under trap-and-emulate each is an exit; a translator turns
; them into a store to the virtual PSW, and a paravirtual kernel into a
; store to its shared page's mask (monitor/PV.md).
;
;     build/traplab run --mode=trap --stats guests/pg32/nanobench/ieflag.s
        .include "bench.s"
        .equ N, 40000                   ; 5 instructions each: 200,000

start:
        li    r7, 0                     ; r7 = iterations
        li    r8, N                     ; r8 = how many
loop:
        di
        ei                              ; no timer runs: nothing is ever pending
        addi  r7, r7, 1
        cmp   r7, r8
        bne   loop
        mov   r1, r7
        la    r2, msg_name
        la    r5, msg_tail
        b     bench_report

msg_name: .asciz "ieflag: 0x"
msg_tail: .asciz " di/ei pairs\n"
        .align 4
        .include "bench_end.s"
