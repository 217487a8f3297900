# detect.s probes the holes of legacy PG32: trap-and-emulate cannot hide them
isa legacy
equiv trap
isa strict
equiv trap hybrid
