; pgfault.s — nanobenchmark "pgfault" (Adams & Agesen: a true page fault,
; 1093 cycles native, 3927 under BT, 11242 under first-generation VT-x):
; with paging on, user code loads from a page that is not mapped; the
; kernel's handler skips the load and returns.  Under a monitor each fault
; is a real fault the monitor must recognize as the guest's own (its shadow
; cannot fix it) and reflect, then the handler's privileged instructions
; trap too.
;
;     build/traplab run --mode=trap --stats guests/pg32/nanobench/pgfault.s
        .include "bench.s"
        .equ N, 10000                   ; 12 instructions each: 120,000

start:
        li    sp, STACK_TOP
        la    r1, handler
        mtcr  tvec, r1
        call  paging_on
        la    r1, user_loop
        mtcr  epc, r1
        mtcr  epsw, zero                ; user mode, interrupts off
        li    r5, UNMAPPED_VA
        li    r7, 0                     ; r7 = faults taken, counted in user mode
        li    r8, N                     ; r8 = how many
        rti

; The kernel: a page fault skips the load; a system call ends the run.
handler:
        mfcr  r13, cause
        andi  r13, r13, CAUSE_CODE_MASK
        cmpi  r13, CAUSE_PAGE
        bne   done
        mfcr  r13, epc                  ; the load that faulted ...
        addi  r13, r13, 4               ; ... is skipped
        mtcr  epc, r13
        rti
done:
        mov   r1, r7
        la    r2, msg_name
        la    r5, msg_tail
        b     bench_report

; User mode.
user_loop:
        ldw   r1, 0(r5)                 ; page fault: nothing is mapped there
        addi  r7, r7, 1
        cmp   r7, r8
        bne   user_loop
        sys                             ; "done"

msg_name: .asciz "pgfault: 0x"
msg_tail: .asciz " page faults\n"
        .align 4
        .include "bench_paging.s"
        .include "bench_end.s"
