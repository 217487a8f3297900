; minios-pv.s — minios as a PARAVIRTUAL guest (Xen, SOSP 2003; Lab 9): the
; same kernel and the same user programs, built from the same source files
; with PARAVIRT = 1, so every privileged sequence of the kernel becomes a
; hypercall or a plain load/store on the shared info page (monitor/PV.md).
; It prints exactly what minios prints, with far fewer exits to the monitor:
;
;     build/traplab run --mode=pv --isa=legacy --stats guests/pg32/minios-pv/minios-pv.s
;     build/traplab run --mode=trap --isa=strict --stats guests/pg32/minios/minios.s
;
; It needs the monitor: on bare hardware its first `hcall` traps to a
; vector that is not set yet, and the machine stops.  The README of minios,
; "The paravirtual build", says what changed and what it costs and buys.

        .equ PARAVIRT, 1        ; the paravirtual build
        .include "../minios/defs.s"     ; constants (and ../lib/hypercalls.s)

; ---- the kernel: code from physical address 0, then its data --------------
        .include "../minios/kernel.s"

; ---- user text: exactly minios's (minios.s explains the rules) -------------
        .align PAGE_SIZE
user_text_start:
        .include "../minios/ulib.s"
        .include "../minios/user.s"
        .align PAGE_SIZE
user_text_end:

image_end:
