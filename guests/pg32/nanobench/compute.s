; compute.s — nanobenchmark "compute" (Adams & Agesen, ASPLOS 2006: the
; baseline that no VMM slows down): a kernel loop of pure arithmetic, no
; instruction that a monitor needs to see.  Trap and hybrid run it directly
; or interpret it; nothing exits.  README.md compares the seven.
;
;     build/traplab run --stats guests/pg32/nanobench/compute.s
        .include "bench.s"
        .equ N, 40000                   ; 5 instructions each: 200,000

start:
        li    r1, 1                     ; x: a xorshift generator's state
        li    r7, 0                     ; r7 = iterations
        li    r8, N                     ; r8 = how many
loop:
        shli  r2, r1, 5                 ; x ^= x << 5 ; x ^= x >> 3 (a cheap mix)
        xor   r1, r1, r2
        addi  r7, r7, 1
        cmp   r7, r8
        bne   loop
        mov   r1, r7
        la    r2, msg_name
        la    r5, msg_tail
        b     bench_report

msg_name: .asciz "compute: 0x"
msg_tail: .asciz " iterations of xorshift\n"
        .align 4
        .include "bench_end.s"
