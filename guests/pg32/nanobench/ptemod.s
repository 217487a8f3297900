; ptemod.s — nanobenchmark "ptemod" (Adams & Agesen: a page-table store,
; one cycle native, 391 under BT's adaptive callouts, 12733 under
; first-generation VT-x, "approximately thirty times worse"): with paging
; on, the kernel rewrites one page-table entry and flushes the TLB, N times.
; Under a shadow-paging monitor (monitor/vmm/shadow.c) the store hits a
; write-protected page-table page and the flush drops every shadow: each
; iteration exits several times.  ptemod-pv.s makes the same updates with
; batched hypercalls.
;
;     build/traplab run --mode=trap --stats guests/pg32/nanobench/ptemod.s
        .include "bench.s"
        .equ N, 20000                   ; 6 instructions each: 120,000

start:
        li    sp, STACK_TOP
        call  paging_on
        li    r5, SCRATCH_PTE           ; r5 = the entry we keep rewriting
        li    r9, FRAME_A | PTE_V | PTE_W       ; r9 = the entry: A ...
        li    r11, FRAME_A ^ FRAME_B            ; ... or B, by flipping these bits
        stw   r9, 0(r5)
        tlbflush
        li    r7, 0                     ; r7 = iterations
        li    r8, N                     ; r8 = how many
loop:
        xor   r9, r9, r11               ; the other frame
        stw   r9, 0(r5)                 ; the page-table store
        tlbflush                        ; SPEC §5.3: before relying on it
        addi  r7, r7, 1
        cmp   r7, r8
        bne   loop
        ; N is even: the page maps frame A again.  Show it.
        la    r2, msg_name
        mov   r1, r7
        call  puts
        mov   r1, r7
        call  print_hex
        li    r1, SCRATCH_VA
        ldw   r1, 0(r1)
        la    r2, msg_mid
        la    r5, msg_tail
        b     bench_report

msg_name: .asciz "ptemod: 0x"
msg_mid:  .asciz " page-table updates; the page reads 0x"
msg_tail: .asciz "\n"
        .align 4
        .include "bench_paging.s"
        .include "bench_end.s"
        .include "markers.s"
