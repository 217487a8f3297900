# break at the kernel's system-call dispatcher and look around
break minios_syscall
continue
info breakpoints
x/4w current_task
xp/8b 0
disassemble
info registers
step 11
# callr r13: `next` runs the whole handler (sys_getpid) and stops after it
next
print $r1
x/2i $pc
delete 1
info breakpoints
continue 1000
