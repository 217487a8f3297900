/* backend_kvm_memory.c — guest memory and disassembly for the KVM backend
 * (backend_kvm.c): `x` and `xp` a page at a time, linear addresses through
 * KVM_TRANSLATE, and x86 code decoded (x86_disasm.c) in the vCPU's current
 * code size (16, 32 or 64 bits).  Lab 10.
 *
 * Addresses: "virtual" here is what x86 calls linear, the address KVM's
 * debug registers and KVM_TRANSLATE take.
 */
#include <string.h>

#include "backend_kvm_internal.h"

/* ===== memory ====================================================================== */

/* Visit [addr, addr + len) a page at a time: physical is guest RAM, virtual
 * (linear) goes through KVM_TRANSLATE first. */
static int
kvmb_memory(struct kvm_backend *k, uint64_t addr, bool physical, void *buf, size_t len,
	    bool write, char *err, size_t errlen)
{
	if (!k->g)
		return backend_no_guest(err, errlen);
	uint8_t *bytes = buf;
	for (size_t done = 0; done < len;) {
		uint64_t va = addr + done, pa = va;
		size_t piece = len - done;
		if (!physical) {
			if (kvm_guest_translate(k->g, va, &pa) < 0) {
				snprintf(err, errlen, "0x%llx: not mapped for the guest "
					 "(KVM_TRANSLATE; xp reads physical memory)",
					 (unsigned long long)va);
				return -1;
			}
			size_t to_page_end = X86_PAGE - (va & (X86_PAGE - 1));
			if (piece > to_page_end)
				piece = to_page_end;
		}
		uint8_t *ram = kvm_guest_ram(k->g, pa, piece);
		if (!ram) {
			snprintf(err, errlen, "0x%llx: outside the guest's %zu MiB of RAM",
				 (unsigned long long)pa, kvm_guest_ram_size(k->g) / MIB);
			return -1;
		}
		if (write)
			memcpy(ram, bytes + done, piece);
		else
			memcpy(bytes + done, ram, piece);
		done += piece;
	}
	return 0;
}

int
kvmb_read_memory(struct backend *b, uint64_t addr, bool physical, void *buf, size_t len,
		 char *err, size_t errlen)
{
	return kvmb_memory(kvmb(b), addr, physical, buf, len, false, err, errlen);
}

int
kvmb_write_memory(struct backend *b, uint64_t addr, bool physical, const void *buf,
		  size_t len, char *err, size_t errlen)
{
	return kvmb_memory(kvmb(b), addr, physical, (void *)buf, len, true, err, errlen);
}

/* The watched word at a linear address, for setting and checking watchpoints. */
int
kvmb_read_word(void *ctx, uint64_t addr, uint32_t *value, char *err, size_t errlen)
{
	return kvmb_memory(ctx, addr, false, value, BACKEND_WATCH_BYTES, false, err, errlen);
}

/* Up to `max` bytes of code at a linear address; how many could be read. */
size_t
kvmb_fetch(struct kvm_backend *k, uint64_t addr, uint8_t *buf, size_t max)
{
	char err[160];
	size_t n = 0;
	while (n < max && kvmb_memory(k, addr + n, false, buf + n, 1, false, err, sizeof err) == 0)
		n++;
	return n;
}

/* ===== disassembly ================================================================= */

static enum x86_code_size
kvmb_code_size(const struct kvmb_state *s)
{
	if (kvmb_code64(s))
		return X86_CODE64;
	if ((s->sregs.cr0 & X86_CR0_PE) && s->sregs.cs.db)
		return X86_CODE32;
	return X86_CODE16;
}

/* Decode one instruction at a linear address with the current code size.
 * Returns the bytes readable there (0: none), and whether they decode in
 * *decoded; err says why when the disassembler itself is missing. */
static size_t
kvmb_decode(struct kvm_backend *k, uint64_t addr, struct x86_decoded *insn, bool *decoded,
	    char *err, size_t errlen)
{
	struct kvmb_state s;
	uint8_t code[X86_MAX_INSN];
	*decoded = false;
	err[0] = '\0';
	if (kvmb_get(k, &s) < 0)
		return 0;
	size_t n = kvmb_fetch(k, addr, code, sizeof code);
	if (n == 0)
		return 0;
	*decoded = x86_disasm_one(kvmb_code_size(&s), code, n, addr, insn, err, errlen) == 1;
	return n;
}

size_t
kvmb_disassemble(struct backend *b, uint64_t addr, char *buf, size_t len)
{
	struct kvm_backend *k = kvmb(b);
	struct x86_decoded insn;
	bool decoded;
	char err[256];
	if (kvmb_decode(k, addr, &insn, &decoded, err, sizeof err) == 0) {
		snprintf(buf, len, "(cannot read 0x%08llx)", (unsigned long long)addr);
		return 0;
	}
	if (!decoded) {
		uint8_t byte = 0;
		kvmb_fetch(k, addr, &byte, 1);
		if (err[0])             /* no disassembler: say so, once per line */
			snprintf(buf, len, "(%s) .byte 0x%02x", err, byte);
		else
			snprintf(buf, len, "(bad) .byte 0x%02x", byte);
		return 1;
	}
	snprintf(buf, len, "%s", insn.text);
	return insn.size;
}

bool
kvmb_call_return_address(struct backend *b, uint64_t *addr)
{
	struct kvm_backend *k = kvmb(b);
	if (!k->g)
		return false;
	uint64_t pc = kvmb_guest_pc(k);
	struct x86_decoded insn;
	bool decoded;
	char err[256];
	kvmb_decode(k, pc, &insn, &decoded, err, sizeof err);
	if (!decoded || !insn.is_call)
		return false;
	*addr = pc + insn.size;
	return true;
}
