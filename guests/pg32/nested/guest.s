; guest.s — a small guest kernel for the nested-virtualization demonstration
; (REFERENCES §2 D11, Theorem 2).  It is the program whose output must not
; change when it runs under a monitor, at any depth:
;
;   guest-alone.s   this file alone at address 0, on the bare machine: the reference
;   vmm.s           this file at GUEST_BASE, run by the PG32 VMM (depth 1 on bare,
;                   depth 2 under `traplab run --mode=trap`)
;
; What it exercises, one output line each (so a difference shows where):
;   rdpsw (must see supervisor mode, with the flags of a compare), ei/wrpsw,
;   mtcr/mfcr (tvec, scratch), in (console status and data), a system call
;   from the kernel through its own trap vector, then a user program run with
;   its own relocation (rbase/rbound, rti to user mode) that makes system
;   calls, executes a privileged instruction and loads past its bound — both
;   reported by the kernel's trap handler — and exits back to the kernel,
;   which powers off with G_EXIT.
;
; The code is position-independent: every address comes from `adr` or a
; relative branch, never from an absolute label, so the same bytes work at
; physical 0 (bare) and at physical GUEST_BASE, where the VMM runs them as
; guest-physical 0 under relocation.  The includer chooses the origin; the
; user program's place is relative to `guest_origin`.
;
; Register use: r5-r8 hold results in the kernel's main line; the trap handler
; saves what it uses (r13 goes to the scratch control register first).

        .include "hw.s"

        .equ G_STACK,      0x3000       ; top of the kernel stack (guest physical)
        .equ G_USER_BASE,  0x4000       ; the user program's relocation base l ...
        .equ G_USER_SIZE,  0x1000       ; ... and bound b
        .equ G_EXIT,       42           ; power-off status when all went well
        .equ G_PANIC,      99           ; ... when the kernel itself faulted
        .equ G_MAGIC,      0x5ca1ab1e   ; written to `scratch` and read back
        .equ SYS_PUTS,     1            ; r1 = number; r2 = string (caller's address)
        .equ SYS_EXIT,     2            ; the user program is done

guest_origin:
guest_start:
        li    sp, G_STACK
        adr   r1, g_trap                ; a virtual address: pc-relative
        mtcr  tvec, r1

        adr   r2, g_msg_hello
        call  puts

; ---- 1. rdpsw: a kernel must see supervisor mode, and its flags --------------
        li    r1, 1
        cmpi  r1, 2                     ; 1 - 2: sets N and C
        rdpsw r5
        adr   r2, g_msg_psw
        call  puts
        mov   r1, r5
        call  print_hex
        andi  r5, r5, PSW_S
        adr   r2, g_msg_user
        cmpi  r5, 0
        beq   g_psw_said
        adr   r2, g_msg_super
g_psw_said:
        call  puts

; ---- 2. ei, wrpsw, di ---------------------------------------------------------
        ei
        rdpsw r6                        ; S | IE
        li    r1, PSW_S | 0x10          ; supervisor, interrupts off, Z
        wrpsw r1
        rdpsw r7
        di
        adr   r2, g_msg_ei
        call  puts
        mov   r1, r6
        call  print_hex
        adr   r2, g_msg_wrpsw
        call  puts
        mov   r1, r7
        call  print_hex
        call  g_newline

; ---- 3. control registers ------------------------------------------------------
        li    r1, G_MAGIC
        mtcr  scratch, r1
        mfcr  r6, scratch
        mfcr  r7, tvec
        adr   r2, g_msg_tvec
        call  puts
        mov   r1, r7
        call  print_hex
        adr   r2, g_msg_scratch
        call  puts
        mov   r1, r6
        call  print_hex
        call  g_newline

; ---- 4. in: the console (no input is given, SPEC §10.1) -------------------------
        in    r6, CONSOLE_STATUS
        in    r7, CONSOLE_DATA
        adr   r2, g_msg_status
        call  puts
        mov   r1, r6
        call  print_hex
        adr   r2, g_msg_data
        call  puts
        mov   r1, r7
        call  print_hex
        call  g_newline

; ---- 5. a system call from the kernel, through its own vector ----------------
        li    r1, SYS_PUTS
        adr   r2, g_msg_sys
        sys

; ---- 6. the user program: its own relocation, entered with rti ---------------
        li    r1, G_USER_BASE
        mtcr  rbase, r1
        li    r1, G_USER_SIZE
        mtcr  rbound, r1
        adr   r1, g_user_returned       ; where SYS_EXIT comes back to
        adr   r2, g_resume
        stw   r1, 0(r2)
        mtcr  epc, zero                 ; user address 0
        mtcr  epsw, zero                ; user mode, interrupts off
        rti
g_user_returned:
        adr   r2, g_msg_back
        call  puts

        .ifdef NESTED_GUEST_STRAY
; (tests/monitor/test_nested.c only) touch guest-physical 0x20000: fine on a
; 1 MiB bare machine, outside the 64 KiB machine the VMM gives its guest.
        lui   r1, 0x0002
        stw   r1, 0(r1)
        .endif

        li    r1, G_EXIT
        out   POWER_OFF, r1

; g_newline: print "\n".  Clobbers r3.
g_newline:
        li    r3, '\n'
        out   CONSOLE_DATA, r3
        ret

        .include "../lib/print.s"       ; puts, print_hex (position-independent)

; ---- the kernel's trap handler ---------------------------------------------------
; sys SYS_PUTS: print the caller's string (a user address is relocated by the
; kernel's own rbase).  sys SYS_EXIT: back to the kernel at g_resume.
; Anything else from user mode: report it and skip the instruction.  From the
; kernel itself: report it and power off with G_PANIC.
g_trap:
        mtcr  scratch, r13              ; the one register we need to find g_save
        adr   r13, g_save
        stw   r1, 0(r13)
        stw   r2, 4(r13)
        stw   r3, 8(r13)
        stw   r4, 12(r13)
        stw   r11, 16(r13)
        stw   r12, 20(r13)
        stw   lr, 24(r13)
        mfcr  r11, cause
        andi  r12, r11, CAUSE_MASK
        cmpi  r12, CAUSE_SYSCALL
        bne   g_fault
        cmpi  r1, SYS_EXIT
        beq   g_sys_exit
        cmpi  r1, SYS_PUTS
        bne   g_skip                    ; unknown call: ignored
        mfcr  r12, epsw
        andi  r12, r12, PSW_S
        cmpi  r12, 0
        bne   g_sys_puts
        mfcr  r12, rbase                ; from user mode: user address + l
        add   r2, r2, r12
g_sys_puts:
        call  puts
        b     g_skip
g_sys_exit:
        adr   r12, g_resume
        ldw   r12, 0(r12)
        mtcr  epc, r12
        li    r12, PSW_S                ; the kernel, interrupts off
        mtcr  epsw, r12
        b     g_return
g_fault:
        adr   r2, g_msg_trap
        call  puts
        mov   r1, r11
        call  print_hex
        adr   r2, g_msg_at
        call  puts
        mfcr  r1, epc
        call  print_hex
        adr   r2, g_msg_badaddr
        call  puts
        mfcr  r1, badaddr
        call  print_hex
        mfcr  r12, epsw
        andi  r12, r12, PSW_S
        cmpi  r12, 0
        bne   g_panic
        adr   r2, g_msg_skipped
        call  puts
g_skip:
        mfcr  r12, epc                  ; continue after the sys / the fault
        addi  r12, r12, 4
        mtcr  epc, r12
g_return:
        adr   r13, g_save
        ldw   r1, 0(r13)
        ldw   r2, 4(r13)
        ldw   r3, 8(r13)
        ldw   r4, 12(r13)
        ldw   r11, 16(r13)
        ldw   r12, 20(r13)
        ldw   lr, 24(r13)
        mfcr  r13, scratch
        rti
g_panic:
        adr   r2, g_msg_panic
        call  puts
        li    r1, G_PANIC
        out   POWER_OFF, r1

; ---- kernel data -------------------------------------------------------------------
        .align 4
g_save:   .space 7 * 4
g_resume: .word 0

g_msg_hello:   .asciz "guest: hello from the guest kernel\n"
g_msg_psw:     .asciz "guest: rdpsw after cmp 1,2 = "
g_msg_super:   .asciz " (supervisor)\n"
g_msg_user:    .asciz " (user?!)\n"
g_msg_ei:      .asciz "guest: psw after ei = "
g_msg_wrpsw:   .asciz ", after wrpsw S|Z = "
g_msg_tvec:    .asciz "guest: tvec = "
g_msg_scratch: .asciz ", scratch = "
g_msg_status:  .asciz "guest: console status = "
g_msg_data:    .asciz ", data = "
g_msg_sys:     .asciz "guest: this line went through the kernel's own sys vector\n"
g_msg_back:    .asciz "guest: the user program exited; powering off\n"
g_msg_trap:    .asciz "guest: trap cause "
g_msg_at:      .asciz " at "
g_msg_badaddr: .asciz " badaddr "
g_msg_skipped: .asciz " from user mode: skipped\n"
g_msg_panic:   .asciz " in the kernel: panic\n"

; ---- the user program, at guest-physical G_USER_BASE = user address 0 ----------
; It runs under the kernel's relocation (G_USER_BASE, G_USER_SIZE).
        .org guest_origin + G_USER_BASE
g_user:
        li    r1, SYS_PUTS
        adr   r2, g_umsg_hello          ; a user address
        sys
        rdpsw r1                        ; privileged: the kernel reports it
        li    r4, G_USER_SIZE
        ldw   r1, 0(r4)                 ; one word past the bound: MEMORY
        li    r1, SYS_PUTS
        adr   r2, g_umsg_bye
        sys
        li    r1, SYS_EXIT
        sys
g_umsg_hello:  .asciz "user: hello through the guest kernel's system call\n"
g_umsg_bye:    .asciz "user: still running after two traps; exiting\n"
        .align 4
g_user_end:
