; callret.s — nanobenchmark "call/ret" (Adams & Agesen: 11 cycles native,
; 51 under binary translation, whose indirect-control-flow lookup `ret`
; pays for).  A kernel loop of call + ret: nothing traps, so trap mode runs
; it directly; only a translator has work to do.
;
;     build/traplab run --stats guests/pg32/nanobench/callret.s
        .include "bench.s"
        .equ N, 40000                   ; 5 instructions each: 200,000

start:
        li    r7, 0                     ; r7 = iterations
        li    r8, N                     ; r8 = how many
loop:
        call  leaf
        addi  r7, r7, 1
        cmp   r7, r8
        bne   loop
        mov   r1, r7
        la    r2, msg_name
        la    r5, msg_tail
        b     bench_report
leaf:
        ret

msg_name: .asciz "callret: 0x"
msg_tail: .asciz " calls and returns\n"
        .align 4
        .include "bench_end.s"
