; vmm.s — a trap-and-emulate virtual machine monitor written in PG32 itself
; (REFERENCES §2 D11: Popek and Goldberg's Theorem 2, recursive
; virtualization).  It does the job of monitor/vmm/trap.c and monitor/vmm/vm.c, for
; one guest and a small instruction subset, in about 240 instructions.
;
;   build/traplab run guests/pg32/nested/vmm.s               depth 1: this VMM on bare PG32
;   build/traplab run --mode=trap guests/pg32/nested/vmm.s   depth 2: this VMM under TrapLab's
;                                                            trap-and-emulate monitor
; Both print exactly what guests/pg32/nested/guest-alone.s prints bare, and
; exit with the guest's status (42).
;
; ---- the layout of real memory ------------------------------------------------
;   0x00000 ...   this VMM: code, then its data (below 0x8000, so every variable
;                 is reachable as `ldw rX, name(zero)`)
;   GUEST_BASE    the guest (guest.s, assembled right here by .include), and its
;                 GUEST_SIZE bytes of memory: guest-physical 0 .. GUEST_SIZE-1
;
; ---- how the guest runs (P&G's standard VM map f, REFERENCES §1) ----------------
; All guest code — its kernel and its user programs — runs in REAL USER MODE
; under relocation.  The VMM keeps the guest's *virtual* CPU in memory:
;   gregs[16]   the guest's registers while the VMM runs (r0 stays 0)
;   vpc         the guest's PC
;   vpsw        the guest's PSW as it believes it: S (its virtual mode), IE, flags
;   vcr[10]     its control registers: tvec epc epsw cause badaddr rbase rbound
;               ptbr mmu scratch
; Virtual supervisor runs under R = (GUEST_BASE, GUEST_SIZE); virtual user
; under the composition R = (GUEST_BASE + rbase, min(rbound, GUEST_SIZE - rbase))
; (SPEC §5.1, as monitor/vmm/vm.c composes it).  Every trap comes to vmm_trap.
;
; ---- the subset (what this VMM emulates, and what it does not) ----------------
; Emulated, from the guest's virtual supervisor mode (a PRIVILEGED trap):
;   rti mfcr mtcr di ei halt tlbflush in out rdpsw wrpsw srr juser — all 13
;   system instructions of SPEC §8.5, each in a few lines.  (Lab 11's
;   handout lacks two: em_wrpsw and em_srr are stubs that only retire the
;   instruction, and the student writes them: lessons/11-nested/README.md.)
; Devices: the console (ports 0x00, 0x01) and power-off (0x20) are passed to the
;   real ones.  The virtual machine has NO interval timer: `out` to the timer
;   ports (or any other port) is dropped and `in` reads 0xffffffff, as for a port
;   no device owns (SPEC §8.5).  No timer means no virtual interrupts, so `ei`
;   only sets the bit and `halt` can never wake: it stops the real machine
;   "halted forever", which is exactly what the bare machine does.
; Reflected into the guest's own vector (virtual epc/epsw/cause/badaddr set,
;   virtual S := 1, IE := 0, pc := virtual tvec), as the bare CPU would:
;   every trap from virtual user mode (sys, privileged, faults, ...), and from
;   virtual supervisor mode every trap except PRIVILEGED and MEMORY.
; Not supported (the VMM reports it and powers off with its own status):
;   paging (mtcr mmu with PG = 1)                         VMM_EXIT_UNSUPPORTED
;   a guest trap while the guest's tvec is 0 (bare: stop)  VMM_EXIT_NO_VECTOR
; Resource control: a MEMORY fault in virtual supervisor mode means the guest
;   touched memory outside the GUEST_SIZE bytes it was given (P&G's "smaller
;   machine"): the VMM reports the address and powers off  VMM_EXIT_STRAY
;
; ---- timing ----------------------------------------------------------------------
; This VMM never looks at the real timer or at any instruction count: it has no
; timing dependency, which is what Theorem 2 asks of it.  vmm-watchdog.s builds
; the same source with WATCHDOG = 1, which adds one (see there).
;
; Register use: the VMM owns every register while it runs (the guest's are
; in gregs).  At dispatch: r1 = guest pc, r3 = vpsw, r4 = real cause,
; r5 = cause code; while emulating: r7 = the instruction, r9 = 4 * rd,
; r10 = 4 * rs (offsets into gregs or vcr), r11 = imm16.

        .include "hw.s"

        .ifndef WATCHDOG
        .equ WATCHDOG, 0                ; vmm-watchdog.s sets 1
        .endif

        .equ GUEST_BASE, 0x10000        ; where the guest's memory starts, really
        .equ GUEST_SIZE, 0x10000        ; how much it has (64 KiB)

        .equ VMM_EXIT_STRAY,       0xe1 ; the guest touched memory outside its own
        .equ VMM_EXIT_NO_VECTOR,   0xe2 ; the guest trapped with tvec = 0
        .equ VMM_EXIT_UNSUPPORTED, 0xe3 ; outside the subset above
        .equ VMM_EXIT_WATCHDOG,    0xe4 ; (vmm-watchdog.s) the watchdog fired

; ---- start: the real machine's reset state (SPEC §11.1) --------------------------
; Mirrors vm_create() + vm_load_image(): the guest's image is already in place
; (the assembler put it at GUEST_BASE); its virtual CPU starts in the reset
; state: pc 0, every register and control register 0 (the data below is
; zero), PSW = supervisor.
vmm_start:
        la    r1, vmm_trap
        mtcr  tvec, r1                  ; every real trap comes to the VMM
        li    r1, PSW_S
        stw   r1, vpsw(zero)
        stw   zero, vpc(zero)
        .if WATCHDOG
        ; THE TIMING DEPENDENCY (vmm-watchdog.s): "stop the guest if it runs
        ; for more than WATCHDOG_SLICE instructions."  The real timer counts
        ; every instruction the real machine retires — the VMM's own emulation
        ; work included — not the guest's.
        li    r1, WATCHDOG_SLICE
        out   TIMER_INTERVAL, r1
        .endif
        b     vmm_enter

; ---- vmm_enter: the world switch into the guest (monitor/vmm/vm.c) -------------------
; Compose the real R from the guest's virtual mode and registers, load the
; guest's registers, and rti into real user mode at vpc.
vmm_enter:
        ldw   r1, vpsw(zero)
        li    r3, GUEST_BASE
        li    r4, GUEST_SIZE
        andi  r2, r1, PSW_S
        cmpi  r2, 0
        bne   enter_go                  ; virtual supervisor: R = (GUEST_BASE, GUEST_SIZE)
        ldw   r5, vcr+4*CR_RBASE(zero)  ; virtual user: compose with the guest's R
        ldw   r6, vcr+4*CR_RBOUND(zero)
        cmp   r5, r4
        bltu  enter_inside
        li    r4, 0                     ; l beyond the guest's memory: nothing is reachable
        b     enter_go
enter_inside:
        add   r3, r3, r5                ; real base = GUEST_BASE + l
        sub   r4, r4, r5                ; what is left of the guest's memory above l
        cmp   r6, r4
        bgeu  enter_go                  ; real bound = min(b, GUEST_SIZE - l)
        mov   r4, r6
enter_go:
        mtcr  rbase, r3
        mtcr  rbound, r4
        andi  r1, r1, PSW_FLAGS         ; real PSW: the guest's flags, real USER mode
        .if WATCHDOG
        ori   r1, r1, PSW_IE            ; let the watchdog's interrupt in
        .endif
        mtcr  epsw, r1
        ldw   r1, vpc(zero)
        mtcr  epc, r1
        ldw   r1, gregs+4*1(zero)
        ldw   r2, gregs+4*2(zero)
        ldw   r3, gregs+4*3(zero)
        ldw   r4, gregs+4*4(zero)
        ldw   r5, gregs+4*5(zero)
        ldw   r6, gregs+4*6(zero)
        ldw   r7, gregs+4*7(zero)
        ldw   r8, gregs+4*8(zero)
        ldw   r9, gregs+4*9(zero)
        ldw   r10, gregs+4*10(zero)
        ldw   r11, gregs+4*11(zero)
        ldw   r12, gregs+4*12(zero)
        ldw   r13, gregs+4*13(zero)
        ldw   r14, gregs+4*14(zero)
        ldw   r15, gregs+4*15(zero)
        rti                             ; into the guest

; ---- vmm_trap: the dispatcher (trap_handle in monitor/vmm/trap.c) ---------------------
; Save the guest's registers and PC, bring the flags it had into vpsw, and
; decide: emulate, reflect, or stop.
vmm_trap:
        stw   r1, gregs+4*1(zero)
        stw   r2, gregs+4*2(zero)
        stw   r3, gregs+4*3(zero)
        stw   r4, gregs+4*4(zero)
        stw   r5, gregs+4*5(zero)
        stw   r6, gregs+4*6(zero)
        stw   r7, gregs+4*7(zero)
        stw   r8, gregs+4*8(zero)
        stw   r9, gregs+4*9(zero)
        stw   r10, gregs+4*10(zero)
        stw   r11, gregs+4*11(zero)
        stw   r12, gregs+4*12(zero)
        stw   r13, gregs+4*13(zero)
        stw   r14, gregs+4*14(zero)
        stw   r15, gregs+4*15(zero)
        mfcr  r1, epc                   ; the guest's pc (a guest-virtual address)
        stw   r1, vpc(zero)
        mfcr  r2, epsw                  ; the real PSW holds the guest's live flags
        andi  r2, r2, PSW_FLAGS
        ldw   r3, vpsw(zero)
        andi  r3, r3, PSW_S | PSW_IE    ; ... the VMM holds its mode and IE
        or    r3, r3, r2
        stw   r3, vpsw(zero)
        mfcr  r4, cause
        andi  r5, r4, CAUSE_MASK
        .if WATCHDOG
        cmpi  r5, CAUSE_TIMER
        beq   watchdog_expired
        .endif
        andi  r2, r3, PSW_S
        cmpi  r2, 0
        beq   reflect                   ; virtual user mode: every trap is the guest's own
        cmpi  r5, CAUSE_PRIVILEGED
        beq   emulate                   ; its kernel's privileged instruction
        cmpi  r5, CAUSE_MEMORY
        beq   stray                     ; its kernel left its memory
        b     reflect                   ; its kernel's own sys, brk, fault...

; ---- reflect: deliver the trap to the guest's own vector (trap_reflect) ----------
; What the bare CPU does on a trap (SPEC §6.2), done to the virtual CPU.
reflect:
        ldw   r6, vcr+4*CR_TVEC(zero)
        cmpi  r6, 0
        beq   no_vector
        stw   r1, vcr+4*CR_EPC(zero)    ; 1. epc  <- the trapping pc
        stw   r3, vcr+4*CR_EPSW(zero)   ; 2. epsw <- the virtual PSW
        stw   r4, vcr+4*CR_CAUSE(zero)  ; 3. cause <- code | access << 8, and
        addi  r7, r5, -CAUSE_MEMORY     ;    badaddr for MEMORY, PAGE, MISALIGNED
        cmpi  r7, CAUSE_MISALIGNED - CAUSE_MEMORY + 1
        bgeu  reflect_mode
        mfcr  r7, badaddr               ; a guest-virtual address: R only moved it
        stw   r7, vcr+4*CR_BADADDR(zero)
reflect_mode:
        andi  r3, r3, PSW_FLAGS         ; 4. S <- 1, IE <- 0, flags kept
        ori   r3, r3, PSW_S
        stw   r3, vpsw(zero)
        stw   r6, vpc(zero)             ; 5. pc <- tvec
        b     vmm_enter

; ---- emulate: one privileged instruction of the guest's kernel (vcpu_emulate) ---
; Fetch the word from guest memory (real address GUEST_BASE + pc: the kernel
; runs under R = (GUEST_BASE, ...)), split it into fields (SPEC §7.1) and jump
; through the table, indexed by opcode, like vcpu_emulators[] in trap.c.
emulate:
        li    r7, GUEST_BASE
        add   r7, r7, r1
        ldw   r7, 0(r7)                 ; the instruction word
        shri  r8, r7, 24                ; opcode   bits 31..24
        shri  r9, r7, 20                ; rd       bits 23..20
        andi  r9, r9, 0xf
        shli  r9, r9, 2                 ;          as a word offset
        shri  r10, r7, 16               ; rs       bits 19..16
        andi  r10, r10, 0xf
        shli  r10, r10, 2
        andi  r11, r7, 0xffff           ; imm16    bits 15..0 (the port of in/out)
        addi  r12, r8, -OP_RTI
        cmpi  r12, OP_JUSER - OP_RTI + 1
        bgeu  unsupported               ; cannot happen: only these are privileged
        shli  r12, r12, 2
        ldw   r12, emulators(r12)
        jr    r12

; Each routine mirrors the vcpu_emulate_* routine of the same name in
; monitor/vmm/trap.c.  Most end at `advance`: the instruction retired, the
; guest's pc moves on by one word.
em_rti:                                 ; pc := epc; psw := epsw (a virtual mode switch)
        ldw   r1, vcr+4*CR_EPSW(zero)
        andi  r1, r1, PSW_WRITABLE
        stw   r1, vpsw(zero)
        ldw   r1, vcr+4*CR_EPC(zero)
        stw   r1, vpc(zero)
        b     vmm_enter                 ; which composes R for the new mode
em_mfcr:                                ; rd := the VIRTUAL control register rs
        ldw   r1, vcr(r10)
        stw   r1, gregs(r9)
        b     advance
em_mtcr:                                ; the virtual control register rd := rs
        ldw   r1, gregs(r10)            ; (P&G's allocator: a new rbase/rbound only
        cmpi  r9, 4*CR_PTBR             ;  changes vcr; vmm_enter composes and clamps)
        bne   mtcr_mmu
        lui   r2, 0xffff                ; ptbr: the low 12 bits read as 0
        ori   r2, r2, 0xf000
        and   r1, r1, r2
mtcr_mmu:
        cmpi  r9, 4*CR_MMU
        bne   mtcr_store
        andi  r1, r1, 1
        cmpi  r1, 0
        bne   unsupported               ; paging is outside the subset
mtcr_store:
        stw   r1, vcr(r9)
        b     advance
em_di:                                  ; psw.IE := 0
        ldw   r1, vpsw(zero)
        andi  r1, r1, PSW_WRITABLE - PSW_IE
        stw   r1, vpsw(zero)
        b     advance
em_ei:                                  ; psw.IE := 1 (no virtual interrupt can be pending)
        ldw   r1, vpsw(zero)
        ori   r1, r1, PSW_IE
        stw   r1, vpsw(zero)
        b     advance
em_halt:                                ; nothing can wake the virtual machine, so the
        halt                            ; real one stops "halted forever", as bare would
        b     advance
em_tlbflush:                            ; no paging, nothing cached: it just retires
        b     advance
em_in:                                  ; rd := port[imm16]
        li    r1, -1                    ; a port no device owns reads 0xffffffff
        cmpi  r11, CONSOLE_DATA
        bne   in_status
        in    r1, CONSOLE_DATA
in_status:
        cmpi  r11, CONSOLE_STATUS
        bne   in_power
        in    r1, CONSOLE_STATUS
in_power:
        cmpi  r11, POWER_OFF
        bne   in_done
        in    r1, POWER_OFF
in_done:
        stw   r1, gregs(r9)
        b     advance
em_out:                                 ; port[imm16] := rs
        ldw   r1, gregs(r10)
        cmpi  r11, CONSOLE_DATA
        bne   out_power
        out   CONSOLE_DATA, r1          ; the guest's byte, on the real console
        b     advance
out_power:
        cmpi  r11, POWER_OFF
        bne   advance                   ; timer and unowned ports: dropped
        out   POWER_OFF, r1             ; the real machine stops with the guest's status
        b     advance
em_rdpsw:                               ; rd := the VIRTUAL psw: S = 1, the real flags
        ldw   r1, vpsw(zero)
        stw   r1, gregs(r9)
        b     advance
em_wrpsw:                               ; psw := rs (S = 0 enters virtual user mode)
        ; LAB 11: em_wrpsw: the VIRTUAL psw := the guest's rs, only the bits wrpsw can set; a real wrpsw here would change the VMM's own mode (SPEC §3.2, §8.5)
        ; STUB: b     advance
        ldw   r1, gregs(r10)            ; the guest's rs (r10 = 4 * rs)
        andi  r1, r1, PSW_WRITABLE      ; S, IE and the flags; the rest reads as 0
        stw   r1, vpsw(zero)            ; S = 0: vmm_enter composes the user R
        b     advance
        ; END LAB 11
em_srr:                                 ; rd := the guest's own rbase, not the real one
        ; LAB 11: em_srr: the guest's rd := its OWN rbase (vcr), not the real one the VMM set for it (SPEC §8.5, §9.2 hole 3)
        ; STUB: b     advance
        ldw   r1, vcr+4*CR_RBASE(zero)  ; what the guest last wrote with mtcr rbase
        stw   r1, gregs(r9)             ; r9 = 4 * rd
        b     advance
        ; END LAB 11
em_juser:                               ; pc := rs; psw.S := 0
        ldw   r1, gregs(r10)
        stw   r1, vpc(zero)
        ldw   r1, vpsw(zero)
        andi  r1, r1, PSW_WRITABLE - PSW_S
        stw   r1, vpsw(zero)
        b     vmm_enter

advance:                                ; vcpu_retire(): the guest's pc moves on
        stw   zero, gregs(zero)         ; r0 stays 0 whatever rd was
        ldw   r1, vpc(zero)
        addi  r1, r1, 4
        stw   r1, vpc(zero)
        b     vmm_enter

; ---- stops: the guest did something this VMM will not do --------------------------
; Each prints one line (with an address) and powers the machine off with its
; own status, so a test can tell them from the guest's.
stray:                                  ; resource control: outside the guest's memory
        la    r2, msg_stray
        mfcr  r1, badaddr
        li    r6, VMM_EXIT_STRAY
        b     vmm_stop
no_vector:
        la    r2, msg_no_vector
        mov   r1, r4
        li    r6, VMM_EXIT_NO_VECTOR
        b     vmm_stop
unsupported:
        la    r2, msg_unsupported
        mov   r1, r7
        li    r6, VMM_EXIT_UNSUPPORTED
        b     vmm_stop
        .if WATCHDOG
watchdog_expired:
        li    r3, '\n'                  ; the guest was probably mid-line
        out   CONSOLE_DATA, r3
        la    r2, msg_watchdog
        li    r1, WATCHDOG_SLICE
        li    r6, VMM_EXIT_WATCHDOG
        b     vmm_stop
        .endif

; vmm_stop: print "vmm: " + the message at r2 + r1 in hex + " at pc " + vpc,
; then power off with r6.
vmm_stop:
        mov   r8, r1
        mov   r9, r2
        la    r2, msg_vmm
        call  vmm_puts
        mov   r2, r9
        call  vmm_puts
        mov   r1, r8
        call  vmm_hex
        la    r2, msg_at_pc
        call  vmm_puts
        ldw   r1, vpc(zero)
        call  vmm_hex
        li    r3, '\n'
        out   CONSOLE_DATA, r3
        out   POWER_OFF, r6

; vmm_puts: the string at r2.  Clobbers r2, r3.
vmm_puts:
        ldbu  r3, 0(r2)
        cmpi  r3, 0
        beq   vmm_puts_done
        out   CONSOLE_DATA, r3
        addi  r2, r2, 1
        b     vmm_puts
vmm_puts_done:
        ret

; vmm_hex: r1 as 8 hex digits.  Clobbers r2, r3.
vmm_hex:
        li    r3, 28
vmm_hex_digit:
        shr   r2, r1, r3
        andi  r2, r2, 0xf
        addi  r2, r2, '0'
        cmpi  r2, '9' + 1
        blt   vmm_hex_out
        addi  r2, r2, 'a' - '9' - 1
vmm_hex_out:
        out   CONSOLE_DATA, r2
        addi  r3, r3, -4
        cmpi  r3, 0
        bge   vmm_hex_digit
        ret

; ---- the VMM's data (all below 0x8000) ---------------------------------------------
        .align 4
emulators:                              ; indexed by opcode - OP_RTI (SPEC §8.5)
        .word em_rti, em_mfcr, em_mtcr, em_di, em_ei, em_halt, em_tlbflush
        .word em_in, em_out, em_rdpsw, em_wrpsw, em_srr, em_juser
gregs:  .space 16 * 4                   ; the guest's r0..r15
vpc:    .word 0                         ; the guest's pc
vpsw:   .word 0                         ; the guest's PSW, as it believes it
vcr:    .space CR_COUNT * 4             ; its control registers, by number

msg_vmm:         .asciz "vmm: "
msg_stray:       .asciz "guest touched memory outside its 64 KiB: address "
msg_no_vector:   .asciz "guest trapped with no trap vector: cause "
msg_unsupported: .asciz "instruction outside this VMM's subset: "
msg_at_pc:       .asciz " at pc "
        .if WATCHDOG
msg_watchdog:    .asciz "watchdog: the guest ran past its time slice, interval "
        .endif
vmm_end:

; ---- the guest, at real address GUEST_BASE ------------------------------------------
; (tests/monitor/test_nested.c sets NESTED_OTHER_GUEST and puts a guest of its
; own here, to run more of the subset than guest.s needs.)
        .ifndef NESTED_OTHER_GUEST
        .org GUEST_BASE
        .include "guest.s"
        .endif
