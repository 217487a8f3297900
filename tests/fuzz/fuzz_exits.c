/* fuzz_exits.c — libFuzzer target (issue 15): the VM exits a hostile x86
 * guest controls -- port I/O of any port, size, count and direction, string
 * I/O up to a page, MMIO reads and writes anywhere, UART input arriving in
 * between, and any exit reason -- handed to the KVM backend's own exit
 * handler through a guest without KVM (kvm-backend/detached.c), exactly as
 * kvm_guest_run would hand them over.  KVM's side of the contract is kept
 * (sizes 1, 2 or 4; count * size within the exit page): what varies is what
 * a guest decides.  Checks: no crash, no sanitizer report, and a read from a
 * port no device owns gives all ones.  Lab 10. */
#include <stdlib.h>
#include <string.h>

#include "kvm.h"

enum {
	FUZZ_MEMORY = 64 << 10,      /* small: made and freed per input */
	IO_DATA_OFFSET = 4096,       /* after struct kvm_run, as KVM puts it */
	UNOWNED_PORT = 0x510,
	RECORD_IO, RECORD_MMIO, RECORD_REASON, RECORD_INPUT, RECORD_KINDS,
};

struct reader {
	const uint8_t *data;
	size_t size, at;
};

static uint32_t
take(struct reader *r, unsigned bytes)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < bytes && r->at < r->size; i++)
		v |= (uint32_t)r->data[r->at++] << (8 * i);
	return v;
}

static void
sink(void *ctx, uint8_t byte)
{
	(void)ctx;
	(void)byte;
}

static void
fuzz_io(struct kvm_guest *g, struct kvm_run *run, size_t page, struct reader *r)
{
	static const unsigned sizes[] = { 1, 2, 4 };
	unsigned size = sizes[take(r, 1) % 3];
	uint32_t max_count = (uint32_t)((page - IO_DATA_OFFSET) / size);
	run->exit_reason = KVM_EXIT_IO;
	run->io.size = (uint8_t)size;
	run->io.port = (uint16_t)take(r, 2);
	run->io.direction = take(r, 1) & 1 ? KVM_EXIT_IO_OUT : KVM_EXIT_IO_IN;
	run->io.count = 1 + take(r, 2) % max_count;
	run->io.data_offset = IO_DATA_OFFSET;
	uint8_t *data = (uint8_t *)run + IO_DATA_OFFSET;
	size_t bytes = (size_t)size * run->io.count;
	for (size_t i = 0; i < bytes; i++)
		data[i] = r->at < r->size ? r->data[r->at++] : 0;
	struct kvm_stop stop;
	kvm_guest_handle_exit(g, &stop);
	if (run->io.direction == KVM_EXIT_IO_IN && run->io.port == UNOWNED_PORT)
		for (size_t i = 0; i < bytes; i++)
			if (data[i] != 0xff)
				abort();     /* an unowned port must read all ones */
}

static void
fuzz_mmio(struct kvm_guest *g, struct kvm_run *run, struct reader *r)
{
	run->exit_reason = KVM_EXIT_MMIO;
	run->mmio.phys_addr = take(r, 4) | (uint64_t)take(r, 4) << 32;
	run->mmio.len = 1 + take(r, 1) % sizeof run->mmio.data;
	run->mmio.is_write = take(r, 1) & 1;
	for (size_t i = 0; i < sizeof run->mmio.data; i++)
		run->mmio.data[i] = (uint8_t)take(r, 1);
	struct kvm_stop stop;
	kvm_guest_handle_exit(g, &stop);
	if (!run->mmio.is_write)
		for (size_t i = 0; i < run->mmio.len; i++)
			if (run->mmio.data[i] != 0xff)
				abort();     /* nothing but RAM is mapped: all ones */
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct kvm_guest *g = kvm_guest_create_detached(FUZZ_MEMORY, err, sizeof err);
	if (!g)
		abort();
	kvm_guest_set_console(g, sink, NULL);
	size_t page;
	struct kvm_run *run = kvm_guest_exit_page(g, &page);
	struct reader r = { data, size, 0 };
	while (r.at < r.size) {
		switch (take(&r, 1) % RECORD_KINDS) {
		case RECORD_IO:
			fuzz_io(g, run, page, &r);
			break;
		case RECORD_MMIO:
			fuzz_mmio(g, run, &r);
			break;
		case RECORD_REASON: {
			struct kvm_stop stop;
			memset(run, 0, page);
			run->exit_reason = take(&r, 4);
			kvm_guest_handle_exit(g, &stop);
			break;
		}
		case RECORD_INPUT: {
			char bytes[16];
			size_t n = take(&r, 1) % sizeof bytes;
			for (size_t i = 0; i < n; i++)
				bytes[i] = (char)take(&r, 1);
			kvm_guest_console_input(g, bytes, n);
			break;
		}
		}
	}
	kvm_guest_destroy(g);
	return 0;
}
