/* backend_kvm_regs.c — the vCPU's registers for the KVM backend
 * (backend_kvm.c): the state every other part reads (KVM_GET_REGS and
 * KVM_GET_SREGS, the linear PC), `info registers` with the bits of RFLAGS,
 * CR0, CR4 and EFER named, and `set`.  Lab 10.
 *
 * The PC the shell sees ("pc") is CS.base + RIP, so `break`, `x` and
 * `disassemble` agree in real mode too (KVM-NOTES §3.8: real mode = CS<<4 +
 * IP); in flat protected and long mode pc = rip.
 */
#include <string.h>

#include "backend_kvm_internal.h"
#include "common.h"

/* ===== the vCPU's state ============================================================ */

int
kvmb_get(const struct kvm_backend *k, struct kvmb_state *s)
{
	memset(s, 0, sizeof *s);
	if (!k->g)
		return -1;
	return kvm_guest_get_regs(k->g, &s->regs, &s->sregs) < 0 ? -1 : 0;
}

/* 64-bit code: long mode active and a code segment with L set. */
bool
kvmb_code64(const struct kvmb_state *s)
{
	return (s->sregs.efer & X86_EFER_LMA) && s->sregs.cs.l;
}

/* The linear address of the next instruction (CS.base + RIP). */
uint64_t
kvmb_linear_pc(const struct kvmb_state *s)
{
	if (kvmb_code64(s))
		return s->regs.rip;
	return (s->sregs.cs.base + s->regs.rip) & 0xffffffffull;
}

static unsigned
kvmb_addr_bits(const struct kvmb_state *s)
{
	return kvmb_code64(s) ? 64 : 32;
}

uint64_t
kvmb_guest_pc(const struct kvm_backend *k)
{
	struct kvmb_state s;
	return kvmb_get(k, &s) < 0 ? 0 : kvmb_linear_pc(&s);
}

/* ===== registers =================================================================== */

uint64_t
kvmb_pc(const struct backend *b)
{
	return kvmb_guest_pc(kvmb(b));
}

/* "ZF IF" from a bit mask and a name per bit (NULL: not shown). */
static const char *
kvmb_flag_note(uint64_t value, const char *const *names, unsigned count, const char *lead,
	       char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "%s", lead ? lead : "");
	for (unsigned i = 0; i < count && n < len; i++)
		if (names[i] && (value >> i & 1))
			n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? " " : "", names[i]);
	return buf;
}

static const char *const rflags_names[] = {
	"CF", NULL, "PF", NULL, "AF", NULL, "ZF", "SF", "TF", "IF", "DF", "OF", NULL, NULL,
	"NT", NULL, "RF", "VM", "AC", "VIF", "VIP", "ID",
};
static const char *const cr0_names[] = {
	"PE", "MP", "EM", "TS", "ET", "NE", [16] = "WP", [18] = "AM", [29] = "NW", [30] = "CD",
	[31] = "PG",
};
static const char *const cr4_names[] = {
	"VME", "PVI", "TSD", "DE", "PSE", "PAE", "MCE", "PGE", "PCE", "OSFXSR", "OSXMMEXCPT",
	"UMIP", "LA57", "VMXE", "SMXE", [16] = "FSGSBASE", [17] = "PCIDE", [18] = "OSXSAVE",
	[20] = "SMEP", [21] = "SMAP", [22] = "PKE",
};
static const char *const efer_names[] = {
	"SCE", [8] = "LME", [10] = "LMA", [11] = "NXE", [12] = "SVME", [13] = "LMSLE",
	[14] = "FFXSR",
};
#define NAMES(a) a, (unsigned)(ARRAY_SIZE(a))

/* The mode the vCPU is in, as the first word of CR0's note (`info vcpu`). */
static const char *
kvmb_cpu_mode_word(const struct kvmb_state *s)
{
	if (s->sregs.efer & X86_EFER_LMA)
		return kvmb_code64(s) ? "long" : "compatibility";
	return (s->sregs.cr0 & X86_CR0_PE) ? "protected" : "real";
}

size_t
kvmb_registers(struct backend *b, enum backend_reg_group group, struct backend_reg *out,
	       size_t max)
{
	struct kvm_backend *k = kvmb(b);
	struct kvmb_state s;
	if (kvmb_get(k, &s) < 0)
		return 0;
	/* notes point into static buffers valid until the next call */
	static char flags_note[96], cr0_note[96], cr4_note[128], efer_note[64], pc_note[64];
	static char seg_notes[8][80];
	size_t n = 0;
	const struct kvm_regs *r = &s.regs;
	switch (group) {
	case REGS_GENERAL: {
		const struct { const char *name; uint64_t value; } gprs[] = {
			{ "rax", r->rax }, { "rbx", r->rbx }, { "rcx", r->rcx }, { "rdx", r->rdx },
			{ "rsi", r->rsi }, { "rdi", r->rdi }, { "rbp", r->rbp }, { "rsp", r->rsp },
			{ "r8", r->r8 },   { "r9", r->r9 },   { "r10", r->r10 }, { "r11", r->r11 },
			{ "r12", r->r12 }, { "r13", r->r13 }, { "r14", r->r14 }, { "r15", r->r15 },
			{ "rip", r->rip },
		};
		for (size_t i = 0; i < ARRAY_SIZE(gprs); i++)
			backend_reg_put(out, max, &n, gprs[i].name, gprs[i].value, 64, NULL);
		uint64_t iopl = r->rflags >> 12 & 3;
		kvmb_flag_note(r->rflags, NAMES(rflags_names), NULL, flags_note, sizeof flags_note);
		if (iopl) {
			size_t used = strlen(flags_note);
			snprintf(flags_note + used, sizeof flags_note - used, "%sIOPL=%llu",
				 used ? " " : "", (unsigned long long)iopl);
		}
		backend_reg_put(out, max, &n, "rflags", r->rflags, 32, flags_note);
		snprintf(pc_note, sizeof pc_note, "linear: cs.base + rip");
		backend_reg_put(out, max, &n, "pc", kvmb_linear_pc(&s), kvmb_addr_bits(&s), pc_note);
		break;
	}
	case REGS_CONTROL:
		kvmb_flag_note(s.sregs.cr0, NAMES(cr0_names), kvmb_cpu_mode_word(&s), cr0_note,
			       sizeof cr0_note);
		backend_reg_put(out, max, &n, "cr0", s.sregs.cr0, 32, cr0_note);
		backend_reg_put(out, max, &n, "cr2", s.sregs.cr2, 64, NULL);
		backend_reg_put(out, max, &n, "cr3", s.sregs.cr3, 64, NULL);
		backend_reg_put(out, max, &n, "cr4", s.sregs.cr4, 32,
			kvmb_flag_note(s.sregs.cr4, NAMES(cr4_names), NULL, cr4_note, sizeof cr4_note));
		backend_reg_put(out, max, &n, "efer", s.sregs.efer, 32,
			kvmb_flag_note(s.sregs.efer, NAMES(efer_names), NULL, efer_note,
				       sizeof efer_note));
		break;
	case REGS_SEGMENT: {
		const struct { const char *name; const struct kvm_segment *seg; } segs[] = {
			{ "cs", &s.sregs.cs }, { "ds", &s.sregs.ds }, { "es", &s.sregs.es },
			{ "fs", &s.sregs.fs }, { "gs", &s.sregs.gs }, { "ss", &s.sregs.ss },
		};
		for (size_t i = 0; i < ARRAY_SIZE(segs); i++) {
			const struct kvm_segment *sg = segs[i].seg;
			snprintf(seg_notes[i], sizeof seg_notes[i], "base=0x%llx limit=0x%x%s%s%s",
				 (unsigned long long)sg->base, sg->limit, sg->l ? " L" : "",
				 sg->db ? " DB" : "", sg->unusable ? " unusable" : "");
			backend_reg_put(out, max, &n, segs[i].name, sg->selector, 16, seg_notes[i]);
		}
		snprintf(seg_notes[6], sizeof seg_notes[6], "limit=0x%x", s.sregs.gdt.limit);
		backend_reg_put(out, max, &n, "gdtr", s.sregs.gdt.base, 64, seg_notes[6]);
		snprintf(seg_notes[7], sizeof seg_notes[7], "limit=0x%x", s.sregs.idt.limit);
		backend_reg_put(out, max, &n, "idtr", s.sregs.idt.base, 64, seg_notes[7]);
		break;
	}
	case REGS_REAL:
		/* What the host CPU holds while the guest runs is KVM's secret (the
		 * VMCS host state, or PVM's shadow page tables): nothing to show. */
	case REG_GROUPS:
		break;
	}
	return n;
}

static __u64 *
kvmb_gpr(struct kvm_regs *r, const char *name)
{
	struct { const char *name; __u64 *p; } gprs[] = {
		{ "rax", &r->rax }, { "rbx", &r->rbx }, { "rcx", &r->rcx }, { "rdx", &r->rdx },
		{ "rsi", &r->rsi }, { "rdi", &r->rdi }, { "rbp", &r->rbp }, { "rsp", &r->rsp },
		{ "r8", &r->r8 },   { "r9", &r->r9 },   { "r10", &r->r10 }, { "r11", &r->r11 },
		{ "r12", &r->r12 }, { "r13", &r->r13 }, { "r14", &r->r14 }, { "r15", &r->r15 },
		{ "rip", &r->rip }, { "rflags", &r->rflags },
	};
	for (size_t i = 0; i < ARRAY_SIZE(gprs); i++)
		if (strcmp(gprs[i].name, name) == 0)
			return gprs[i].p;
	return NULL;
}

int
kvmb_set_register(struct backend *b, const char *name, uint64_t value, char *err, size_t errlen)
{
	struct kvm_backend *k = kvmb(b);
	struct kvmb_state s;
	if (kvmb_get(k, &s) < 0)
		return backend_no_guest(err, errlen);
	struct kvm_sregs *sr = &s.sregs;
	struct kvm_segment *seg = NULL;
	__u64 *p = kvmb_gpr(&s.regs, name);
	if (p)
		*p = value;
	else if (strcmp(name, "pc") == 0)
		s.regs.rip = kvmb_code64(&s) ? value : value - sr->cs.base;
	else if (strcmp(name, "cr0") == 0)
		sr->cr0 = value;
	else if (strcmp(name, "cr2") == 0)
		sr->cr2 = value;
	else if (strcmp(name, "cr3") == 0)
		sr->cr3 = value;
	else if (strcmp(name, "cr4") == 0)
		sr->cr4 = value;
	else if (strcmp(name, "efer") == 0)
		sr->efer = value;
	else if (strcmp(name, "cs") == 0) seg = &sr->cs;
	else if (strcmp(name, "ds") == 0) seg = &sr->ds;
	else if (strcmp(name, "es") == 0) seg = &sr->es;
	else if (strcmp(name, "fs") == 0) seg = &sr->fs;
	else if (strcmp(name, "gs") == 0) seg = &sr->gs;
	else if (strcmp(name, "ss") == 0) seg = &sr->ss;
	else {
		snprintf(err, errlen, "no register '%s' (general: rax-rdx rsi rdi rbp rsp r8-r15 "
			 "rip rflags pc; control: cr0 cr2 cr3 cr4 efer; segment: cs ds es fs gs ss)",
			 name);
		return -1;
	}
	if (seg) {
		/* real mode only: there the selector is the base (selector << 4);
		 * elsewhere it names a descriptor the guest must load itself */
		if (sr->cr0 & X86_CR0_PE) {
			snprintf(err, errlen, "%s: segment registers can be set in real mode only "
				 "(in protected mode the guest loads the descriptor)", name);
			return -1;
		}
		seg->selector = (uint16_t)value;
		seg->base = (value & 0xffff) << 4;
	}
	if (kvm_guest_set_regs(k->g, &s.regs, &s.sregs) < 0) {
		snprintf(err, errlen, "%s: KVM_SET_REGS/KVM_SET_SREGS refused the value", name);
		return -1;
	}
	return 0;
}
