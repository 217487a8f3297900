/* trap_hook_tests.h — the trap hook's tests (test_trap_hook.c), run in the
 * "machine: traps" suite of test_traps.c (Labs 3–5 install the hook). */
#ifndef TRAPLAB_TESTS_MACHINE_TRAP_HOOK_TESTS_H
#define TRAPLAB_TESTS_MACHINE_TRAP_HOOK_TESTS_H

void test_hook_sees_every_trap_first_then_deliver_runs_guest_handler(void);
void test_hook_stop_then_emulate_leaves_guest_trap_state_alone(void);
void test_hook_stop_returns_stop_hook_with_state_untouched(void);
void test_hook_stop_then_machine_deliver_trap_equals_deliver(void);
void test_hook_emulated_retires_the_instruction_and_runs_on(void);
void test_hook_emulated_counts_against_the_budget(void);
void test_hook_retry_runs_the_faulting_instruction_again(void);

#endif
