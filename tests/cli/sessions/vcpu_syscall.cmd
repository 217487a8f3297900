# minios under trap-and-emulate, stepped into its first system call.
# The first `sys` is in u_getpid (user text, run at USER_TEXT_VA): its
# virtual address is computed from the symbols.
# Booting: the kernel believes it runs in supervisor mode; the machine runs
# it in user mode (the monitor emulates what it may not do).
step
info vcpu
break u_getpid - user_text_start + USER_TEXT_VA + 4
continue
# the guest is in user mode, and so is the machine
info vcpu
step
# after the sys: the guest believes it is in supervisor mode, at its trap
# vector, with epc and cause set; the real machine still runs it in user mode
info vcpu
info registers control
