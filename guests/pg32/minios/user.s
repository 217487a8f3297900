; user.s — the four user programs minios runs, one per task.  They run in
; user mode, in address spaces of their own, and reach the kernel only
; through `sys` (via ulib.s).  Part of minios (all labs).
;
;   task_a (pid 1)  adds up 1..200, 1..400, ... — long stretches of pure
;                   computation, so the timer must preempt it
;   task_b (pid 2)  counts primes by trial division
;   task_c (pid 3)  follows Collatz sequences, and politely yields after
;                   every line
;   task_d (pid 4)  is hostile: it hands the kernel bad pointers, makes an
;                   unknown system call, then writes to kernel memory and is
;                   killed — while the other three carry on
;
; Each well-behaved program prints "task <pid>: step <k>: ..." lines and
; exits with its own status.  Registers r5-r12 survive every call (ulib.s
; preserves them), so the programs keep their loop state there.

; ===========================================================================
; task_a — sums.  Step k prints 1 + 2 + ... + 200k, computed the slow way.
; ===========================================================================
        .equ SUMS_STEPS,    5
        .equ SUMS_STRIDE,   200         ; step k sums up to k * SUMS_STRIDE
        .equ TASK_A_STATUS, 10
task_a:
        call  user_init
        li    r5, 1                     ; r5 = step
task_a_step:
        li    r13, SUMS_STRIDE
        mul   r6, r5, r13               ; r6 = n
        li    r7, 0                     ; r7 = sum so far
        li    r8, 1                     ; r8 = next number to add
task_a_add:
        add   r7, r7, r8
        addi  r8, r8, 1
        cmp   r8, r6
        ble   task_a_add
        ; "task 1: step 1: 1+2+...+200 = 20100"
        call  line_start
        adr   r2, str_step
        call  line_str
        mov   r2, r5
        call  line_dec
        adr   r2, str_sum
        call  line_str
        mov   r2, r6
        call  line_dec
        adr   r2, str_equals
        call  line_str
        mov   r2, r7
        call  line_dec
        call  line_end
        addi  r5, r5, 1
        cmpi  r5, SUMS_STEPS
        ble   task_a_step
        li    r2, TASK_A_STATUS
        call  u_exit

; ===========================================================================
; task_b — primes.  Step k counts the primes below 50k by trial division.
; ===========================================================================
        .equ PRIMES_STEPS,  5
        .equ PRIMES_STRIDE, 50          ; step k counts primes below k * PRIMES_STRIDE
        .equ TASK_B_STATUS, 20
task_b:
        call  user_init
        li    r5, 1                     ; r5 = step
task_b_step:
        li    r13, PRIMES_STRIDE
        mul   r6, r5, r13               ; r6 = limit
        li    r7, 0                     ; r7 = primes found
        li    r8, 2                     ; r8 = candidate
task_b_candidate:
        cmp   r8, r6
        bge   task_b_print
        li    r9, 2                     ; r9 = trial divisor
task_b_divide:
        mul   r13, r9, r9
        cmp   r13, r8
        bgt   task_b_prime              ; divisor² > candidate: no divisor exists
        rem   r13, r8, r9
        cmpi  r13, 0
        beq   task_b_next               ; divides evenly: not a prime
        addi  r9, r9, 1
        b     task_b_divide
task_b_prime:
        addi  r7, r7, 1
task_b_next:
        addi  r8, r8, 1
        b     task_b_candidate
task_b_print:
        ; "task 2: step 1: 15 primes below 50"
        call  line_start
        adr   r2, str_step
        call  line_str
        mov   r2, r5
        call  line_dec
        adr   r2, str_colon_space
        call  line_str
        mov   r2, r7
        call  line_dec
        adr   r2, str_primes_below
        call  line_str
        mov   r2, r6
        call  line_dec
        call  line_end
        addi  r5, r5, 1
        cmpi  r5, PRIMES_STEPS
        ble   task_b_step
        li    r2, TASK_B_STATUS
        call  u_exit

; ===========================================================================
; task_c — Collatz.  Step k follows n -> n/2 (even) or 3n+1 (odd) from the
; k-th number of collatz_starts down to 1, counts the steps, prints, and
; yields: a cooperative task inside a preemptive system.
; ===========================================================================
        .equ COLLATZ_STEPS, 5           ; entries in collatz_starts
        .equ TASK_C_STATUS, 30
task_c:
        call  user_init
        li    r5, 0                     ; r5 = index into collatz_starts
task_c_step:
        adr   r13, collatz_starts
        shli  r1, r5, 2
        add   r13, r13, r1
        ldw   r6, 0(r13)                ; r6 = the start value
        mov   r7, r6                    ; r7 = n
        li    r8, 0                     ; r8 = steps taken
task_c_iterate:
        cmpi  r7, 1
        beq   task_c_print
        andi  r13, r7, 1
        cmpi  r13, 0
        beq   task_c_even
        add   r13, r7, r7               ; odd: n = 3n + 1
        add   r7, r13, r7
        addi  r7, r7, 1
        b     task_c_counted
task_c_even:
        shri  r7, r7, 1                 ; even: n = n / 2
task_c_counted:
        addi  r8, r8, 1
        b     task_c_iterate
task_c_print:
        ; "task 3: step 1: 7 reaches 1 after 16 steps"
        call  line_start
        adr   r2, str_step
        call  line_str
        addi  r2, r5, 1                 ; steps are numbered from 1
        call  line_dec
        adr   r2, str_colon_space
        call  line_str
        mov   r2, r6
        call  line_dec
        adr   r2, str_reaches
        call  line_str
        mov   r2, r8
        call  line_dec
        adr   r2, str_steps
        call  line_str
        call  line_end
        call  u_yield                   ; done with this step: let the others run
        addi  r5, r5, 1
        cmpi  r5, COLLATZ_STEPS
        blt   task_c_step
        li    r2, TASK_C_STATUS
        call  u_exit

collatz_starts:                         ; famous for their long trips
        .word 7
        .word 27
        .word 97
        .word 871
        .word 6171

; ===========================================================================
; task_d — the hostile task.  Everything it tries must fail without harming
; the kernel or the other tasks; the last attempt gets it killed.
; ===========================================================================
        ; The target: the first instruction of the kernel's trap handler.
        ; Whoever could overwrite it would run their own code on every
        ; trap, in supervisor mode.  It is mapped in our address space (at
        ; the same address as in the image: the kernel is identity-mapped),
        ; but without the U bit.
        .if PARAVIRT
        ; The paravirtual kernel's boot code is longer, so its trap entry
        ; sits higher; probe the address where the bare build has it (0xd0,
        ; still kernel code without U), so that both builds print the same.
        .equ KERNEL_PROBE_ADDR, 0x000000d0
        .else
        .equ KERNEL_PROBE_ADDR, minios_trap_entry
        .endif
        .equ PROBE_LEN,         16
        .equ HUGE_LEN,          0x10000     ; runs far past the one data page
        .equ BAD_SYSCALL,       99
        .equ PROBE_VALUE,       0xbad
        .equ TASK_D_STATUS,     40          ; never reached
task_d:
        call  user_init

        ; 1. Ask the kernel to print its own code.  sys_write walks our page
        ;    table, finds no U bit on that page and refuses: -1.
        li    r2, KERNEL_PROBE_ADDR
        li    r3, PROBE_LEN
        call  task_d_try_write          ; "task 4: write(0x000000d0, 16) = -1"

        ; 2. A buffer that starts in our own data page but runs far past its
        ;    end, into unmapped addresses: -1 again.
        la    r2, USER_DATA_VA
        li    r3, HUGE_LEN
        call  task_d_try_write          ; "task 4: write(0x00500000, 65536) = -1"

        ; 3. A system call that does not exist: -1.
        li    r1, BAD_SYSCALL
        sys
        mov   r5, r1
        call  line_start                ; "task 4: system call 99 = -1"
        adr   r2, str_d_syscall
        call  line_str
        li    r2, BAD_SYSCALL
        call  line_dec
        adr   r2, str_equals
        call  line_str
        mov   r2, r5
        call  line_dec
        call  line_end

        ; 4. Write to kernel memory directly.  The page has no U bit, so the
        ;    MMU raises a page fault (store) and minios_fault kills us.
        call  line_start                ; "task 4: storing to 0x000000d0 (kernel code)"
        adr   r2, str_d_attack
        call  line_str
        li    r2, KERNEL_PROBE_ADDR
        call  line_hex
        adr   r2, str_d_attack_what
        call  line_str
        call  line_end
        li    r2, KERNEL_PROBE_ADDR
        li    r3, PROBE_VALUE
        stw   r3, 0(r2)                 ; <- the task dies here

        ; Never reached: if this line ever appears, the kernel is broken.
        call  line_start
        adr   r2, str_d_survived
        call  line_str
        call  line_end
        li    r2, TASK_D_STATUS
        call  u_exit

; task_d_try_write — call write(buf, len) and print "write(buf, len) = result".
; In: r2 = buf, r3 = len.  Clobbers r1-r4, r13.
task_d_try_write:
        push  lr
        push  r5
        push  r6
        push  r7
        mov   r5, r2                    ; keep the arguments for the report
        mov   r6, r3
        call  u_write
        mov   r7, r1                    ; r7 = what the kernel answered
        call  line_start
        adr   r2, str_d_write
        call  line_str
        mov   r2, r5
        call  line_hex
        adr   r2, str_comma
        call  line_str
        mov   r2, r6
        call  line_dec
        adr   r2, str_d_write_close
        call  line_str
        mov   r2, r7
        call  line_dec
        call  line_end
        pop   r7
        pop   r6
        pop   r5
        pop   lr
        ret

; ---- the programs' strings -----------------------------------------------------
str_step:           .asciz "step "
str_colon_space:    .asciz ": "
str_sum:            .asciz ": 1+2+...+"
str_equals:         .asciz " = "
str_primes_below:   .asciz " primes below "
str_reaches:        .asciz " reaches 1 after "
str_steps:          .asciz " steps"
str_comma:          .asciz ", "
str_d_write:        .asciz "write("
str_d_write_close:  .asciz ") = "
str_d_syscall:      .asciz "system call "
str_d_attack:       .asciz "storing to "
str_d_attack_what:  .asciz " (kernel code)"
str_d_survived:     .asciz "the kernel let me write to it!"
