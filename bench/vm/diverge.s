; diverge.s — bench/vm's divergent guest: 1,000 instructions of kernel
; arithmetic, then one `rdpsw`.  On the legacy variant rdpsw is
; mode-sensitive but not privileged (isa/SPEC.md §9), so under trap-and-
; emulate, where this kernel runs in real user mode, it reads S = 0 where
; bare reads S = 1: `traplab equiv --isa=legacy` must find that instruction,
; number 1,003, by its binary search.  bench_vm.c times that search.
        .equ POWER_OFF, 0x20            ; port: writing stops the machine (SPEC §10)
        .equ ROUNDS, 200                ; 5 instructions each: 1,000

        li    r7, 0                     ; r7 = rounds done
        li    r8, ROUNDS
mix:
        addi  r1, r1, 3                 ; arithmetic no monitor needs to see
        xor   r2, r2, r1
        addi  r7, r7, 1
        cmp   r7, r8
        bne   mix
        rdpsw r5                        ; bare: S = 1; trap on legacy: S = 0
        li    r1, 0
        out   POWER_OFF, r1             ; exit status 0
