/* kvm_support.h — what the KVM suites share: skipping (with the reason) when
 * /dev/kvm is unusable, finding the built x86 guests and their symbols, and
 * running a guest with its console captured, within an exit budget and a
 * time limit.  Guests are tiny: on kvm_pvm
 * every instruction costs ~1 us (KVM-NOTES §0).
 */
#ifndef TRAPLAB_TESTS_KVM_SUPPORT_H
#define TRAPLAB_TESTS_KVM_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kvm.h"

enum {
	KVM_TEST_MEMORY = 4 << 20,     /* 4 MiB: room for the stack and long-mode tables */
	KVM_TEST_MAX_EXITS = 1000,     /* the guests need < 150; kicks add a few */
	KVM_TEST_RUN_S = 60,           /* they need < 1 s, in the SVM host too */
};

/* True if /dev/kvm works; otherwise prints "SKIPPED: <reason>" and returns false. */
bool kvm_test_available(void);
/* The host kind (after kvm_test_available). */
enum kvm_host_kind kvm_test_host(void);

/* True, having said SKIPPED with the reason, where hardware breakpoints
 * cannot fire: on QEMU's software CPU before QEMU 9.1 (the SVM host on
 * Debian 12), whose VMRUN loads DR7 without arming its breakpoints.  Only
 * there, and only if a probe's breakpoint indeed never fires. */
bool kvm_test_breakpoints_unarmed(void);

/* build/guests/x86/NAME.bin beside the traplab under test (build/ or build-san/). */
const char *kvm_test_guest_path(const char *name, const char *ext);
/* The value of `symbol` in NAME.sym (nm -n output), or UINT64_MAX. */
uint64_t kvm_test_symbol(const char *name, const char *symbol);

/* A guest with its console captured. */
struct kvm_test_vm {
	struct kvm_guest *g;
	char out[4096];
	size_t out_len;
};
/* Create a VM and load the guest file NAME.bin at LOAD in real mode (0 or -1,
 * with a CUnit failure naming what went wrong). */
int kvm_test_start(struct kvm_test_vm *vm, const char *name);
/* The same with bytes given inline, at `gpa`, entered there in `mode`. */
int kvm_test_start_bytes(struct kvm_test_vm *vm, const uint8_t *code, size_t len, uint64_t gpa,
			 enum kvm_cpu_mode mode);
void kvm_test_run(struct kvm_test_vm *vm, struct kvm_stop *stop);
/* kvm_guest_run for at most KVM_TEST_RUN_S seconds: the exit budget cannot
 * end a guest that neither exits nor halts (a spin, an interrupt that never
 * comes, in-kernel), so a thread interrupts it; the test fails on its stop
 * ("interrupted", said on stderr) instead of hanging.  kvm_test_run uses it. */
void kvm_test_run_guest(struct kvm_guest *g, uint64_t max_exits, struct kvm_stop *stop);
/* The same with a limit of `seconds` (its own test). */
void kvm_test_run_guest_within(struct kvm_guest *g, uint64_t max_exits, unsigned seconds,
			       struct kvm_stop *stop);
void kvm_test_end(struct kvm_test_vm *vm);

#endif
