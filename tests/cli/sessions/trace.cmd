# hybrid mode: the kernel is interpreted, so only real traps reach the trace
trace traps on
continue 43450
trace traps off
continue 500
trace
