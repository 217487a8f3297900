; ptemod-pv.s — the paravirtual twin of ptemod.s (Xen, SOSP 2003, §3.3):
; the same N updates of the same page-table entry, but the kernel lists them
; and hands every BATCH of them to the monitor in one HC_PTE_BATCH
; hypercall, which checks each entry and writes them all, then flushes.
; One exit per batch instead of several per update.  It needs --mode=pv.
;
;     build/traplab run --mode=pv --stats guests/pg32/nanobench/ptemod-pv.s
        .include "bench.s"
        .include "../lib/hypercalls.s"
        .equ N, 20000                   ; as ptemod.s
        .equ BATCH, 32                  ; updates per hypercall (N is a multiple)

start:
        li    sp, STACK_TOP
        call  paging_on
        li    r5, SCRATCH_PTE           ; r5 = the entry we keep rewriting
        li    r9, FRAME_A | PTE_V | PTE_W
        li    r11, FRAME_A ^ FRAME_B
        li    r1, HC_PTE_UPDATE         ; the first mapping: one update
        mov   r2, r5
        mov   r3, r9
        hcall
        li    r6, 0                     ; r6 = bytes listed in the batch
        li    r7, 0                     ; r7 = iterations
        li    r8, N                     ; r8 = how many
loop:
        xor   r9, r9, r11               ; the other frame
        stw   r5, batch(r6)             ; list {PTE address, entry}: plain stores
        stw   r9, batch + 4(r6)
        addi  r6, r6, 8
        cmpi  r6, BATCH * 8
        bne   next
        li    r1, HC_PTE_BATCH          ; BATCH updates, one exit, flush included
        la    r2, batch
        li    r3, BATCH
        hcall
        li    r6, 0
next:
        addi  r7, r7, 1
        cmp   r7, r8
        bne   loop
        la    r2, msg_name
        call  puts
        mov   r1, r7
        call  print_hex
        li    r1, SCRATCH_VA
        ldw   r1, 0(r1)
        la    r2, msg_mid
        la    r5, msg_tail
        b     bench_report

msg_name: .asciz "ptemod-pv: 0x"
msg_mid:  .asciz " page-table updates; the page reads 0x"
msg_tail: .asciz "\n"
        .align 4
batch:  .space BATCH * 8
        .include "bench_paging.s"
        .include "bench_end.s"
        .include "markers.s"
