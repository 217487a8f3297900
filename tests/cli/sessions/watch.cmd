# watch a kernel variable: current_task changes when the scheduler runs
watch current_task
continue
continue
info breakpoints
delete
continue 100
