/* detached.c — a KVM guest without KVM: RAM, the devices and an exit page,
 * but no /dev/kvm, VM or vCPU (kvm.h, "Without KVM").  The exit loop's own
 * handler (exit_loop.c) is then driven with exits a test or a fuzzer writes
 * into the page as KVM would: port I/O of any size, count and direction,
 * string I/O, MMIO, and the exits that end a run.  That is how the code a
 * hostile guest reaches first -- the UART, the i8042, the I/O and MMIO
 * dispatch -- is tested and fuzzed on machines with no /dev/kvm (issue 15;
 * tests/kvm/test_kvm_detached.c, tests/fuzz/fuzz_exits.c).  Lab 10.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "kvm_internal.h"

/* KVM's exit page is KVM_GET_VCPU_MMAP_SIZE bytes; I/O data lives after the
 * struct (data_offset).  Two pages hold a struct kvm_run and a full page of
 * string I/O, the most KVM hands over in one exit. */
enum { DETACHED_PAGE = 4096, DETACHED_RUN_SIZE = 2 * DETACHED_PAGE };
_Static_assert(sizeof(struct kvm_run) <= DETACHED_PAGE, "struct kvm_run fits a page");

struct kvm_guest *
kvm_guest_create_detached(size_t memory, char *err, size_t errlen)
{
	if (memory == 0 || memory % DETACHED_PAGE || memory > KVM_MAX_MEMORY) {
		snprintf(err, errlen, "memory: %zu bytes: expected whole pages, at most %llu MiB",
			 memory, KVM_MAX_MEMORY >> 20);
		return NULL;
	}
	struct kvm_guest *g = calloc(1, sizeof *g);
	if (!g) {
		snprintf(err, errlen, "out of memory for the VM");
		return NULL;
	}
	g->kvm_fd = g->vm_fd = g->vcpu_fd = g->stats_fd = -1;
	g->host = KVM_HOST_NONE;
	pthread_mutex_init(&g->dev_lock, NULL);
	g->ram = mmap(NULL, memory, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	g->ram_size = memory;
	g->run = mmap(NULL, DETACHED_RUN_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		      -1, 0);
	g->run_size = DETACHED_RUN_SIZE;
	if (g->ram == MAP_FAILED || g->run == MAP_FAILED) {
		snprintf(err, errlen, "out of memory for %zu bytes of RAM", memory);
		kvm_guest_destroy(g);
		return NULL;
	}
	if (kvm_guest_add_devices(g, err, errlen) < 0) {
		kvm_guest_destroy(g);
		return NULL;
	}
	return g;
}

struct kvm_run *
kvm_guest_exit_page(struct kvm_guest *g, size_t *size)
{
	*size = g->run_size;
	return g->run;
}
