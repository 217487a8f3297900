; bench_end.s — the code every nanobenchmark ends with (bench.s says why).

; ---------------------------------------------------------------------------
; bench_report — print "<r2><r1 in hex><r5>" and power off with status 0.
; In: r1 = the count to show, r2 = the text before it, r5 = the text after.
; Never returns.
; ---------------------------------------------------------------------------
bench_report:
        mov   r6, r1
        call  puts                      ; r2: the name
        mov   r1, r6
        call  print_hex
        mov   r2, r5
        call  puts
        out   POWER_OFF, zero           ; status 0: the run is complete

        .include "../lib/print.s"       ; puts, print_hex
