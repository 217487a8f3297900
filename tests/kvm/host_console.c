/* host_console.c — reading a KVM host's console once its run is over
 * (kvm_delegate.h; Lab 10's test hosts): the counts of its runner's last
 * line, strictly, and the last test it shows starting, for a run that was
 * stopped. */
#include <stdio.h>
#include <string.h>

#include "kvm_delegate.h"

void
kvm_delegate_status_mark(enum kvm_test_host host, char *out, size_t len)
{
	snprintf(out, len, "%s: run-tests exit status ", kvm_delegate_host_name(host));
}

bool
kvm_delegate_read_console(enum kvm_test_host host, const char *all, unsigned tests,
			  struct kvm_delegate_counts *in, char *why, size_t len)
{
	/* The runner's last line there, then init's line with its exit status. */
	const char *last = NULL, *status_line = NULL;
	*in = (struct kvm_delegate_counts){ 0, 0, 0, 0 };
	struct kvm_delegate_counts line;
	for (const char *p = all; (p = strstr(p, "run-tests: ")) != NULL; p++)
		if (sscanf(p, "run-tests: %u passed, %u failed, %u skipped (of %u tests", &line.passed,
			   &line.failed, &line.skipped, &line.ran) == 4) {
			last = p;
			*in = line;
		}
	char status_text[KVM_DELEGATE_MARK_MAX];
	kvm_delegate_status_mark(host, status_text, sizeof status_text);
	int inner_rc = -1;
	for (const char *p = all; (p = strstr(p, status_text)) != NULL; p++)
		if (sscanf(p + strlen(status_text), "%d", &inner_rc) == 1)
			status_line = p;
	if (!last)
		snprintf(why, len, "no \"run-tests: N passed, ...\" line from the runner there");
	else if (!status_line || status_line < last)
		snprintf(why, len, "no \"%s%s\" line after it", status_text, "N");
	else if (in->ran != tests)
		snprintf(why, len, "%u tests ran there, not %u (a stale image? make %s)", in->ran, tests,
			 host == KVM_TEST_SVM_HOST ? "svm-host-tests" : "vmx-host");
	else if (inner_rc != 0 && in->failed == 0)
		snprintf(why, len, "the runner there exited with %d", inner_rc);
	else
		return true;
	return false;
}

void
kvm_delegate_last_test(const char *console, char *out, size_t len)
{
	static const char mark[] = "  Test: ";
	const char *last = NULL;
	for (const char *p = console; (p = strstr(p, mark)) != NULL; p++)
		last = p + strlen(mark);
	if (!last) {
		snprintf(out, len, "%s", "");
		return;
	}
	size_t n = strcspn(last, "\n");
	const char *dots = strstr(last, " ...");
	if (dots && (size_t)(dots - last) < n)
		n = (size_t)(dots - last);
	snprintf(out, len, "%.*s", (int)n, last);
}
