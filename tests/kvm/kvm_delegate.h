/* kvm_delegate.h — the tests that need /dev/kvm, run where there is one.
 *
 * On a machine with hardware-assisted KVM (VT-x or AMD-V) they run here like
 * every other test.  Where /dev/kvm is missing, or is kvm_pvm (no VT-x/AMD-V),
 * the runner (tests/main.c) moves them into the SVM host (guests/x86/svm-host/):
 * Debian's kernel on QEMU's software AMD-V, whose /dev/kvm comes from kvm_amd,
 * KVM's hardware-assisted AMD backend.  The same test program runs there
 * (`run-tests --in-svm-host=N,...`), its output comes back indented, and its
 * last line's counts join this run's.  Some of them also run in the VMX host
 * (guests/x86/vmx-host/: Bochs's software VT-x, kvm_intel), after the SVM host
 * is done, so that KVM's Intel backend is tested too; the tests of the debug
 * registers, which QEMU 7.2's AMD-V never fires, run there only.  Under
 * kvm_pvm they also run here, for what is kvm_pvm's own; only those that need
 * hardware assist run in the hosts alone.  Without QEMU or the image they run
 * here and say SKIPPED, with the fix.
 */
#ifndef TRAPLAB_TESTS_KVM_DELEGATE_H
#define TRAPLAB_TESTS_KVM_DELEGATE_H

#include <stdbool.h>
#include <stddef.h>

/* Which of a suite's tests a run takes. */
enum kvm_pick {
	KVM_PICK_ALL,
	KVM_PICK_KVM,            /* those that need /dev/kvm (in the SVM host) */
	KVM_PICK_NOT_KVM,        /* the others (here, when they moved) */
	KVM_PICK_NOT_HARDWARE,   /* all but those that need hardware assist (here, on kvm_pvm) */
	KVM_PICK_SVM_BESIDE_VMX, /* those that need /dev/kvm but for the VMX host's own */
	KVM_PICK_VMX,            /* those the VMX host takes */
};
bool kvm_delegate_picks(const char *suite, const char *test, enum kvm_pick pick);

/* The tables' entries, for the test that each names a real suite and test:
 * entry i of table t (0: need /dev/kvm, 1: need hardware, 2: the VMX host's);
 * false past the end.  `test` is a prefix of the test's name, or NULL for the
 * whole suite. */
bool kvm_delegate_table_entry(int table, size_t i, const char **suite, const char **test);

enum kvm_delegate_plan {
	KVM_DELEGATE_HERE,    /* hardware KVM: every test runs here */
	KVM_DELEGATE_UNABLE,  /* no usable SVM host: they run here and say SKIPPED */
	KVM_DELEGATE_MOVE,    /* no /dev/kvm: the KVM tests run in the SVM host only */
	KVM_DELEGATE_BOTH,    /* kvm_pvm: here too, but for the hardware-only ones */
};
/* Where the KVM tests run, with one line saying why in `why`. */
enum kvm_delegate_plan kvm_delegate_plan(char *why, size_t len);
/* Can the VMX host run (Bochs installed, its disk built and fresh)?  If not,
 * one line in `why`. */
bool kvm_delegate_vmx_ready(char *why, size_t len);

/* The software-virtualized hosts. */
enum kvm_test_host { KVM_TEST_SVM_HOST, KVM_TEST_VMX_HOST };

/* The inner run's counts, as its last line gave them. */
struct kvm_delegate_counts {
	unsigned passed, failed, skipped, ran;
};
/* Start `host` on the tests of the runner's suites numbered in `suites`
 * ("3,5,7"), `tests` of them in all, in the background (its console goes to
 * an unlinked temporary file).  The SVM host with `vmx_too` leaves the VMX
 * host's own tests to it; the VMX host starts once `after` (the SVM host's
 * run, or NULL) has ended, so that the two never share this machine's CPUs.
 * NULL if it could not start (said on stderr); kvm_delegate_finish then
 * counts them failed. */
struct kvm_delegate;
struct kvm_delegate *kvm_delegate_start(enum kvm_test_host host, const char *suites,
					unsigned tests, bool vmx_too, const struct kvm_delegate *after);
/* For the runner's tests: `script BUILD tests 0` in place of the host's run
 * script, with these limits in seconds: the whole run's, and from its
 * runner's exit-status line to its end (a host that does not power off then
 * is stopped, and its results stand). */
struct kvm_delegate *kvm_delegate_start_script(enum kvm_test_host host, const char *script,
					       double timeout_s, double poweroff_s);
/* Wait for it (within its watchdog), print its console indented, and add its
 * counts to *c and its failed tests' names to *failures (run_report.h).  Returns 0, or -1 if it did not end with the runner's last
 * line for exactly those tests: then all of them count as failed, and the
 * report says why and which test had started there last. */
struct run_failures;
int kvm_delegate_finish(struct kvm_delegate *d, enum kvm_test_host host, unsigned tests,
			struct kvm_delegate_counts *c, struct run_failures *failures);

/* Stop it now (SIGTERM, passed on to its emulator): the runner is exiting
 * (run_watchdog.h).  NULL is nothing to stop. */
void kvm_delegate_abandon(struct kvm_delegate *d);

/* Its console's prefix and name in messages: "svm-host", "vmx-host". */
const char *kvm_delegate_host_name(enum kvm_test_host host);

/* host_console.c: what the host's init prints after its runner, "svm-host:
 * run-tests exit status " and the status (guests/x86/svm-host/init). */
enum { KVM_DELEGATE_MARK_MAX = 64 };
void kvm_delegate_status_mark(enum kvm_test_host host, char *out, size_t len);

/* host_console.c: the name of the last test a host's console shows
 * starting ("  Test: NAME ...") in `out`, or "" if none did. */
void kvm_delegate_last_test(const char *console, char *out, size_t len);

/* host_console.c: read a host's console, as kvm_delegate_finish does: its
 * counts in *in, or false with why in `why` (no last line, no exit status
 * line, other than `tests` tests, a failing runner that failed no test). */
bool kvm_delegate_read_console(enum kvm_test_host host, const char *console, unsigned tests,
			       struct kvm_delegate_counts *in, char *why, size_t len);

/* Inside a host: true if /dev/kvm is hardware-assisted (else says why). */
bool kvm_delegate_inside_ok(void);

#endif
