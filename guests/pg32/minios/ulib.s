; ulib.s — the user library: system-call stubs and a line buffer that turns
; text and numbers into one write() per line.  It runs in USER mode, mapped
; at USER_TEXT_VA in every task.  Part of minios (all labs).
;
; Rules for code in the user text (see minios.s):
;   - position-independent: `b`, `call` and `adr` only; `la` only for the
;     fixed virtual addresses of the memory map (USER_DATA_VA), never for a
;     label (a label's value is its place in the image, not where it runs);
;   - no privileged instruction: in user mode it would trap, and the kernel
;     would kill the task.
;
; Each task builds its current line in its own data page.  All tasks use the
; SAME virtual address (USER_DATA_VA) for it, yet never see each other's
; lines: the same virtual page is a different physical frame in each
; address space.  That is what paging buys.

; ---- the data page (at USER_DATA_VA, private to each task) ------------------
        .equ DATA_PID,        0     ; the task's pid, from getpid at start
        .equ DATA_LINE_LEN,   4     ; bytes in the line so far
        .equ DATA_NUMBER,     8     ; a number's digits, built backwards ...
        .equ DATA_NUMBER_END, 20    ; ... ending here (11 characters + NUL)
        .equ DATA_LINE,       32    ; the line itself
        .equ LINE_MAX,        128   ; longer lines are cut short

; ===========================================================================
; System-call stubs: number in r1, arguments already in r2..r4, result in r1.
; The kernel preserves every other register.
; ===========================================================================

; u_write(buf, len) -> len, or -1.  In: r2 = buf, r3 = len.
u_write:
        li    r1, SYS_WRITE
        sys
        ret

; u_yield() -> 0: let the other tasks run first.
u_yield:
        li    r1, SYS_YIELD
        sys
        ret

; u_exit(status): never returns.  In: r2 = status.
u_exit:
        li    r1, SYS_EXIT
        sys
        b     u_exit                    ; not reached: the kernel never resumes us

; u_getpid() -> pid.
u_getpid:
        li    r1, SYS_GETPID
        sys
        ret

; ===========================================================================
; user_init — every program's first call: remember our pid for line_start.
; Clobbers r1, r13.
; ===========================================================================
user_init:
        push  lr
        call  u_getpid
        la    r13, USER_DATA_VA
        stw   r1, DATA_PID(r13)
        pop   lr
        ret

; ===========================================================================
; The line buffer.  A line is built with line_start, then any number of
; line_str / line_dec / line_hex, and sent with line_end — ONE write() for the whole
; line, so a timer tick between two pieces cannot mix another task's output
; into it.  Each routine clobbers r1-r4 and r13, and preserves r5-r12.
; ===========================================================================

; line_start — begin a line with "task <pid>: ".
line_start:
        push  lr
        la    r13, USER_DATA_VA
        stw   zero, DATA_LINE_LEN(r13)  ; empty the buffer
        adr   r2, str_task
        call  line_str
        la    r13, USER_DATA_VA
        ldw   r2, DATA_PID(r13)
        call  line_dec
        adr   r2, str_colon
        call  line_str
        pop   lr
        ret

; line_str — append a NUL-terminated string.  In: r2 = the string.
line_str:
        la    r13, USER_DATA_VA
        ldw   r3, DATA_LINE_LEN(r13)    ; r3 = where the next byte goes
line_str_next:
        ldbu  r4, 0(r2)
        cmpi  r4, 0
        beq   line_str_done
        cmpi  r3, LINE_MAX
        bgeu  line_str_done             ; full: drop the rest
        add   r1, r13, r3
        stb   r4, DATA_LINE(r1)
        addi  r3, r3, 1
        addi  r2, r2, 1
        b     line_str_next
line_str_done:
        stw   r3, DATA_LINE_LEN(r13)
        ret

; line_dec — append a signed number in decimal.  In: r2 = the number.
; The digits come least significant first, so they are written backwards
; into the DATA_NUMBER area and then appended as a string.
line_dec:
        push  lr
        push  r5
        mov   r5, r2                    ; r5 = the original, for its sign
        la    r3, USER_DATA_VA + DATA_NUMBER_END
        addi  r3, r3, -1
        stb   zero, 0(r3)               ; the terminating NUL
        cmpi  r2, 0
        bge   line_dec_digit
        sub   r2, zero, r2              ; the magnitude
line_dec_digit:
        li    r13, 10
        remu  r1, r2, r13
        divu  r2, r2, r13
        addi  r1, r1, '0'
        addi  r3, r3, -1
        stb   r1, 0(r3)
        cmpi  r2, 0
        bne   line_dec_digit
        cmpi  r5, 0
        bge   line_dec_append
        li    r1, '-'
        addi  r3, r3, -1
        stb   r1, 0(r3)
line_dec_append:
        mov   r2, r3
        call  line_str
        pop   r5
        pop   lr
        ret

; line_hex — append a word as "0x" and 8 hex digits (addresses read best
; at a fixed width).  In: r2 = the word.
line_hex:
        push  lr
        push  r5
        push  r6
        mov   r5, r2                    ; r5 = what is left to print, top nibble first
        li    r6, 8                     ; r6 = digits left
        la    r3, USER_DATA_VA + DATA_NUMBER
        li    r1, '0'
        stb   r1, 0(r3)
        li    r1, 'x'
        stb   r1, 1(r3)
        addi  r3, r3, 2
line_hex_digit:
        shri  r1, r5, 28                ; the top nibble ...
        adr   r13, user_hex_digits
        add   r13, r13, r1
        ldbu  r1, 0(r13)                ; ... as a character
        stb   r1, 0(r3)
        addi  r3, r3, 1
        shli  r5, r5, 4
        addi  r6, r6, -1
        cmpi  r6, 0
        bne   line_hex_digit
        stb   zero, 0(r3)               ; "0x" + 8 digits + NUL = 11 bytes: fits
        la    r2, USER_DATA_VA + DATA_NUMBER
        call  line_str
        pop   r6
        pop   r5
        pop   lr
        ret

; line_end — finish the line with "\n" and write it.  Out: r1 = write's result.
line_end:
        push  lr
        adr   r2, str_newline
        call  line_str
        la    r2, USER_DATA_VA + DATA_LINE
        la    r13, USER_DATA_VA
        ldw   r3, DATA_LINE_LEN(r13)
        call  u_write
        pop   lr
        ret

str_task:       .asciz "task "
str_colon:      .asciz ": "
str_newline:    .asciz "\n"
user_hex_digits: .ascii "0123456789abcdef"
        .align 4                        ; code follows: instructions are 4-aligned
