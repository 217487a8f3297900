; io.s — nanobenchmark "in" (Adams & Agesen: an `in` from port 0x80, 3209
; cycles native, 15826 under first-generation VT-x, 214 under BT): a kernel
; loop of `out` to a port no device owns.  Under trap-and-emulate every one
; exits to the monitor, which emulates the (virtual) bus.
;
;     build/traplab run --mode=trap --stats guests/pg32/nanobench/io.s
        .include "bench.s"
        .equ N, 50000                   ; 4 instructions each: 200,000

start:
        li    r7, 0                     ; r7 = iterations
        li    r8, N                     ; r8 = how many
loop:
        out   UNOWNED_PORT, r7          ; nobody listens: the write vanishes
        addi  r7, r7, 1
        cmp   r7, r8
        bne   loop
        mov   r1, r7
        la    r2, msg_name
        la    r5, msg_tail
        b     bench_report

msg_name: .asciz "io: 0x"
msg_tail: .asciz " writes to port 0x80\n"
        .align 4
        .include "bench_end.s"
