/* kvm_delegate.h — the tests that need /dev/kvm, run where there is one.
 *
 * On a machine with hardware-assisted KVM (VT-x or AMD-V) they run here like
 * every other test.  Where /dev/kvm is missing, or is kvm_pvm (no VT-x/AMD-V),
 * the runner (tests/main.c) moves them into the SVM host (guests/x86/svm-host/):
 * Debian's kernel on QEMU's software AMD-V, whose /dev/kvm comes from kvm_amd,
 * KVM's hardware-assisted backend.  The same test program runs there
 * (`run-tests --in-svm-host=N,...`), its output comes back indented, and its
 * last line's counts join this run's.  Under kvm_pvm they also run here, for
 * what is kvm_pvm's own; only those that need hardware assist run there alone.
 * Without QEMU or the image they run here and say SKIPPED, with the fix.
 */
#ifndef TRAPLAB_TESTS_KVM_DELEGATE_H
#define TRAPLAB_TESTS_KVM_DELEGATE_H

#include <stdbool.h>
#include <stddef.h>

/* Does test `test` of suite `suite` need /dev/kvm?  And hardware assist? */
bool kvm_delegate_needs_kvm(const char *suite, const char *test);
bool kvm_delegate_needs_hardware(const char *suite, const char *test);

enum kvm_delegate_plan {
	KVM_DELEGATE_HERE,    /* hardware KVM: every test runs here */
	KVM_DELEGATE_UNABLE,  /* no usable SVM host: they run here and say SKIPPED */
	KVM_DELEGATE_MOVE,    /* no /dev/kvm: the KVM tests run in the SVM host only */
	KVM_DELEGATE_BOTH,    /* kvm_pvm: here too, but for the hardware-only ones */
};
/* Where the KVM tests run, with one line saying why in `why`. */
enum kvm_delegate_plan kvm_delegate_plan(char *why, size_t len);

/* The inner run's counts, as its last line gave them. */
struct kvm_delegate_counts {
	unsigned passed, failed, skipped, ran;
};
/* Start the SVM host on the KVM tests of the runner's suites numbered in
 * `suites` ("3,5,7"), `tests` of them in all, in the background (its console
 * goes to an unlinked temporary file).  NULL if it could not start (said on
 * stderr); kvm_delegate_finish then counts them failed. */
struct kvm_delegate *kvm_delegate_start(const char *suites, unsigned tests);
/* Wait for it (within its watchdog), print its console indented, and add its
 * counts to *c.  Returns 0, or -1 if it did not end with the runner's last
 * line for exactly those tests: then all of them count as failed. */
int kvm_delegate_finish(struct kvm_delegate *d, unsigned tests, struct kvm_delegate_counts *c);

/* Inside the SVM host: true if /dev/kvm is hardware-assisted (else says why). */
bool kvm_delegate_inside_ok(void);

#endif
