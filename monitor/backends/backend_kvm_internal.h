/* backend_kvm_internal.h — what the files of the KVM backend share (Lab 10):
 * struct kvm_backend and the operations each file offers the others and the
 * table in backend_kvm.c.  Nothing outside backend_kvm*.c includes it:
 * backend.h's backend_kvm_create is the way in.
 *
 *   backend_kvm.c         life cycle, settings, the table of operations
 *   backend_kvm_regs.c    the vCPU's state, `info registers`, `set`
 *   backend_kvm_memory.c  guest memory, disassembly through Capstone
 *   backend_kvm_run.c     running, stepping, breakpoints, watchpoints
 *   backend_kvm_events.c  one event per VM exit, the figures of `stats`
 */
#ifndef TRAPLAB_BACKEND_KVM_INTERNAL_H
#define TRAPLAB_BACKEND_KVM_INTERNAL_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "backend_common.h"
#include "kvm.h"
#include "x86_disasm.h"

enum {
	KVM_HW_BREAKPOINTS = 4,        /* DR0-DR3 */
	KVM_ADDR_DIGITS = 1,           /* addresses in stop messages: 0x%llx, unpadded */
	X86_MAX_INSN = 15,             /* longest x86 instruction, in bytes */
	X86_PAGE = 4096,
	MIB = 1024 * 1024,
};

struct kvm_backend {
	struct backend base;
	/* settings */
	enum kvm_cpu_mode cpu_mode;
	uint64_t load_address;
	size_t memory_mib;
	char host_note[256];           /* kvm_host_probe()'s line */
	enum kvm_host_kind host;       /* and its kind */
	/* the guest */
	char *path;
	uint8_t *image;
	size_t size;
	bool multiboot;                /* a Multiboot kernel: loaded by its headers, its
					  symbols absolute (kvm_guest_load_multiboot) */
	struct symtab image_syms;      /* the .sym beside it: offsets in the image */
	struct symtab syms;            /* the same at the load address (linear) */
	struct kvm_guest *g;
	bool ended;
	char end_message[320];
	uint64_t steps;                /* single steps the monitor took */
	bool last_io_valid;            /* the last IO event's PC (kvmb_find_io) */
	bool last_io_behind;
	uint64_t last_io_pc;
	/* debugging */
	bool bp_used[KVM_HW_BREAKPOINTS];
	uint64_t bp_addr[KVM_HW_BREAKPOINTS];
	struct backend_watch_table watches;
	volatile sig_atomic_t interrupted;
	backend_event_fn event_fn;
	void *event_ctx;
};

static inline struct kvm_backend *
kvmb(const struct backend *b)
{
	return (struct kvm_backend *)b;
}

/* ---- backend_kvm_regs.c ------------------------------------------------------------ */
struct kvmb_state {
	struct kvm_regs regs;
	struct kvm_sregs sregs;
};
/* The vCPU's registers; -1 without a guest. */
int kvmb_get(const struct kvm_backend *k, struct kvmb_state *s);
/* 64-bit code: long mode active and a code segment with L set. */
bool kvmb_code64(const struct kvmb_state *s);
/* The linear address of the next instruction (CS.base + RIP). */
uint64_t kvmb_linear_pc(const struct kvmb_state *s);
uint64_t kvmb_guest_pc(const struct kvm_backend *k);
uint64_t kvmb_pc(const struct backend *b);
size_t kvmb_registers(struct backend *b, enum backend_reg_group group, struct backend_reg *out,
		      size_t max);
int kvmb_set_register(struct backend *b, const char *name, uint64_t value, char *err,
		      size_t errlen);

/* ---- backend_kvm_memory.c ---------------------------------------------------------- */
int kvmb_read_memory(struct backend *b, uint64_t addr, bool physical, void *buf, size_t len,
		     char *err, size_t errlen);
int kvmb_write_memory(struct backend *b, uint64_t addr, bool physical, const void *buf,
		      size_t len, char *err, size_t errlen);
/* The watched word at a linear address (backend_common.h's watch_read_fn). */
int kvmb_read_word(void *ctx, uint64_t addr, uint32_t *value, char *err, size_t errlen);
/* Up to `max` bytes of code at a linear address; how many could be read. */
size_t kvmb_fetch(struct kvm_backend *k, uint64_t addr, uint8_t *buf, size_t max);
size_t kvmb_disassemble(struct backend *b, uint64_t addr, char *buf, size_t len);
bool kvmb_call_return_address(struct backend *b, uint64_t *addr);

/* ---- backend_kvm_run.c ------------------------------------------------------------- */
void kvmb_run(struct backend *b, uint64_t max_instructions, struct backend_stop *stop);
void kvmb_step(struct backend *b, uint64_t n, struct backend_stop *stop);
void kvmb_interrupt(struct backend *b);
int kvmb_add_breakpoint(struct backend *b, uint64_t addr, char *err, size_t errlen);
int kvmb_remove_breakpoint(struct backend *b, uint64_t addr);
int kvmb_add_watchpoint(struct backend *b, uint64_t addr, char *err, size_t errlen);
int kvmb_remove_watchpoint(struct backend *b, uint64_t addr);

/* ---- backend_kvm_events.c ---------------------------------------------------------- */
/* After a run or a step: one event per exit that reached user space since
 * `before`.  `stepped`: the instruction began at `pc_before`. */
void kvmb_report_exits(struct kvm_backend *k, const struct kvm_exit_counts *before, bool stepped,
		       uint64_t pc_before, bool stopped);
size_t kvmb_stats(struct backend *b, struct backend_stat *out, size_t max);
void kvmb_set_event_hook(struct backend *b, backend_event_fn fn, void *ctx);

#endif /* TRAPLAB_BACKEND_KVM_INTERNAL_H */
