/* isa.h — the PG32 instruction set as data: formats, fields, registers, causes,
 * variants and Popek–Goldberg classes (isa/SPEC.md is the manual; every table
 * here cites its section).  Nothing here knows about a machine: the encoder,
 * decoder, assembler and disassembler use it, and so do machine/ and monitor/.
 * Lab 1 reads the register and trap tables; Lab 2 reads the class flags.
 */
#ifndef TRAPLAB_ISA_H
#define TRAPLAB_ISA_H

#include <stdbool.h>
#include <stdint.h>

#include "common.h"

/* ===== Instruction formats (SPEC.md §7) ==================================
 *
 *   31        24 23    20 19    16 15    12 11                    0
 *  +------------+--------+--------+--------+-----------------------+
 *  |   opcode   |   rd   |   rs   |   rt   |    must be zero       |  R
 *  +------------+--------+--------+--------+-----------------------+
 *  |   opcode   |   rd   |   rs   |             imm16              |  I
 *  +------------+--------+--------+--------------------------------+
 *  |   opcode   |                    off24                         |  J
 *  +------------+--------------------------------------------------+
 *
 * Every field a format does not use must be zero; a word with a non-zero
 * unused field is an illegal instruction.  That makes decoding one-to-one,
 * so disassembling and re-assembling gives back the same bytes.
 */
enum {
	ISA_OPCODE_WIDTH = 8,
	ISA_REG_WIDTH    = 4,
	ISA_IMM16_WIDTH  = 16,
	ISA_OFF24_WIDTH  = 24,

	ISA_OPCODE_POS = 32 - ISA_OPCODE_WIDTH,          /* 24 */
	ISA_RD_POS     = ISA_OPCODE_POS - ISA_REG_WIDTH,  /* 20 */
	ISA_RS_POS     = ISA_RD_POS - ISA_REG_WIDTH,      /* 16 */
	ISA_RT_POS     = ISA_RS_POS - ISA_REG_WIDTH,      /* 12 */
	ISA_IMM16_POS  = 0,
	ISA_OFF24_POS  = 0,
};

#define ISA_FIELD_MASK(width)     ((1u << (width)) - 1u)
#define ISA_GET(word, pos, width) (((word) >> (pos)) & ISA_FIELD_MASK(width))
#define ISA_PUT(val, pos, width)  (((uint32_t)(val) & ISA_FIELD_MASK(width)) << (pos))

/* Which fields a format uses, and how its immediate is read. */
enum isa_field {
	FIELD_RD = 1 << 0,
	FIELD_RS = 1 << 1,
	FIELD_RT = 1 << 2,
	FIELD_IMM16 = 1 << 3,
	FIELD_OFF24 = 1 << 4,
};

enum isa_imm_kind {
	IMM_NONE,
	IMM_SIGNED16,    /* sign-extended 16-bit value */
	IMM_UNSIGNED16,  /* zero-extended 16-bit value */
	IMM_BRANCH24,    /* signed word offset from pc + 4 */
};

/* The operand shapes.  X(name, fields, immediate kind, assembly syntax) */
#define PG32_FORMATS(X)                                                   \
	X(FMT_RRR,  FIELD_RD | FIELD_RS | FIELD_RT,    IMM_NONE,       "rd, rs, rt")      \
	X(FMT_RRI,  FIELD_RD | FIELD_RS | FIELD_IMM16, IMM_SIGNED16,   "rd, rs, simm16")  \
	X(FMT_RRU,  FIELD_RD | FIELD_RS | FIELD_IMM16, IMM_UNSIGNED16, "rd, rs, uimm16")  \
	X(FMT_RU,   FIELD_RD | FIELD_IMM16,            IMM_UNSIGNED16, "rd, uimm16")      \
	X(FMT_MEM,  FIELD_RD | FIELD_RS | FIELD_IMM16, IMM_SIGNED16,   "rd, simm16(rs)")  \
	X(FMT_ADR,  FIELD_RD | FIELD_IMM16,            IMM_SIGNED16,   "rd, label")       \
	X(FMT_CMP,  FIELD_RS | FIELD_RT,               IMM_NONE,       "rs, rt")          \
	X(FMT_CMPI, FIELD_RS | FIELD_IMM16,            IMM_SIGNED16,   "rs, simm16")      \
	X(FMT_BR,   FIELD_OFF24,                       IMM_BRANCH24,   "label")           \
	X(FMT_R,    FIELD_RS,                          IMM_NONE,       "rs")              \
	X(FMT_D,    FIELD_RD,                          IMM_NONE,       "rd")              \
	X(FMT_NONE, 0,                                 IMM_NONE,       "")                \
	X(FMT_CRR,  FIELD_RD | FIELD_RS,               IMM_NONE,       "rd, cr")          \
	X(FMT_CRW,  FIELD_RD | FIELD_RS,               IMM_NONE,       "cr, rs")          \
	X(FMT_IN,   FIELD_RD | FIELD_IMM16,            IMM_UNSIGNED16, "rd, port")        \
	X(FMT_OUT,  FIELD_RS | FIELD_IMM16,            IMM_UNSIGNED16, "port, rs")

enum isa_format {
#define X(name, fields, imm, syntax) name,
	PG32_FORMATS(X)
#undef X
	FMT_COUNT
};

struct isa_format_info {
	const char *name;
	unsigned fields;          /* enum isa_field bits */
	enum isa_imm_kind imm;
	const char *syntax;
};

/* ===== Popek–Goldberg classes (SPEC.md §9) =============================== */
enum isa_class_flag {
	CLS_PRIV  = 1 << 0,  /* privileged: traps in user mode, never in supervisor */
	CLS_TRAP  = 1 << 1,  /* always traps (system call, breakpoint, hypercall) */
	CLS_CTRL  = 1 << 2,  /* control-sensitive: can change M, IE or R */
	CLS_CTRLU = 1 << 3,  /* control-sensitive from a user-mode state */
	CLS_MODE  = 1 << 4,  /* mode-sensitive (behaviour-sensitive in M) */
	CLS_LOC   = 1 << 5,  /* location-sensitive (behaviour-sensitive in R) */
	CLS_LOCU  = 1 << 6,  /* location-sensitive between two user-mode states */
};
#define CLS_SENSITIVE      (CLS_CTRL | CLS_CTRLU | CLS_MODE | CLS_LOC | CLS_LOCU)
#define CLS_USER_SENSITIVE (CLS_CTRLU | CLS_LOCU)

/* ===== ISA variants (SPEC.md §9.2) ======================================= */
enum isa_variant {
	ISA_STRICT,   /* every sensitive instruction privileged: Theorem 1 holds */
	ISA_LEGACY,   /* x86-like holes: rdpsw, wrpsw, srr unprivileged */
	ISA_HYBRID,   /* juser (PDP-10 JRST 1) unprivileged: only Theorem 3 holds */
	ISA_VARIANT_COUNT
};

/* ===== Opcodes, expanded from opcodes.def ================================ */
enum isa_opcode {
#define PG32_OP(name, code, fmt, strict, legacy, hybrid, meaning) OP_##name,
#include "opcodes.def"
#undef PG32_OP
	OP_COUNT
};

struct isa_op_info {
	const char *name;
	uint8_t code;
	enum isa_format format;
	unsigned cls[ISA_VARIANT_COUNT];  /* enum isa_class_flag bits */
	const char *meaning;
};

/* ===== Registers (SPEC.md §3) ============================================ */
enum {
	ISA_NUM_GPRS = 16,
	ISA_REG_ZERO = 0,   /* r0 always reads 0; writes are discarded */
	ISA_REG_SP   = 14,  /* stack pointer by convention */
	ISA_REG_LR   = 15,  /* link register: call and callr write it */
	ISA_WORD     = 4,   /* bytes per word and per instruction */
};

/* Processor status word (SPEC.md §3.2). */
enum {
	PSW_S  = 1u << 0,   /* 1 = supervisor mode, 0 = user mode */
	PSW_IE = 1u << 1,   /* interrupts enabled */
	PSW_Z  = 1u << 4,   /* last compare: equal */
	PSW_N  = 1u << 5,   /* last compare: difference negative */
	PSW_C  = 1u << 6,   /* last compare: unsigned borrow (rs < rt) */
	PSW_V  = 1u << 7,   /* last compare: signed overflow */
	PSW_FLAGS = PSW_Z | PSW_N | PSW_C | PSW_V,
	PSW_WRITABLE = PSW_S | PSW_IE | PSW_FLAGS,
};

/* Control registers (SPEC.md §3.3).  X(name, number, description) */
#define PG32_CONTROL_REGS(X)                                                         \
	X(tvec,    0, "trap vector: the virtual address traps jump to (0 = no handler)")   \
	X(epc,     1, "PC saved by the last trap")                                         \
	X(epsw,    2, "PSW saved by the last trap")                                        \
	X(cause,   3, "why the last trap happened: code | access << 8")                    \
	X(badaddr, 4, "the virtual address of the last memory or page fault")              \
	X(rbase,   5, "relocation base l: user address a means physical a + l")            \
	X(rbound,  6, "relocation bound b: user addresses must be below b")                \
	X(ptbr,    7, "page-table base: physical address of the level-1 table")            \
	X(mmu,     8, "translation control: bit 0 (PG) selects paging")                    \
	X(scratch, 9, "free for the trap handler (holds the kernel stack in minios)")

enum isa_control_reg {
#define X(name, num, desc) CR_##name = num,
	PG32_CONTROL_REGS(X)
#undef X
	ISA_NUM_CRS
};

enum { MMU_PG = 1u << 0 };  /* mmu register: 1 = two-level paging */

/* Page-table entries (SPEC.md §5.2). */
enum {
	PAGE_SHIFT = 12,
	PAGE_SIZE  = 1u << PAGE_SHIFT,
	PT_INDEX_BITS = 10,
	PT_ENTRIES = 1u << PT_INDEX_BITS,
	L1_SHIFT   = PAGE_SHIFT + PT_INDEX_BITS,     /* 22 */
	PTE_V = 1u << 0,    /* valid */
	PTE_W = 1u << 1,    /* writable */
	PTE_X = 1u << 2,    /* executable */
	PTE_U = 1u << 3,    /* user-accessible */
	PTE_FRAME_MASK = ~(PAGE_SIZE - 1u),
};

/* Trap causes (SPEC.md §6).  X(name, code, description) */
#define PG32_CAUSES(X)                                                          \
	X(SYSCALL,    1,  "system call (sys)")                                      \
	X(PRIVILEGED, 2,  "privileged instruction in user mode")                    \
	X(ILLEGAL,    3,  "illegal instruction")                                    \
	X(MEMORY,     4,  "memory fault: outside the bound or outside memory")      \
	X(PAGE,       5,  "page fault")                                             \
	X(MISALIGNED, 6,  "misaligned access")                                      \
	X(BREAKPOINT, 7,  "breakpoint (brk)")                                       \
	X(DIVIDE,     8,  "divide by zero")                                         \
	X(HYPERCALL,  9,  "hypercall (hcall)")                                      \
	X(TIMER,      16, "timer interrupt")

enum isa_cause {
#define X(name, code, desc) CAUSE_##name = code,
	PG32_CAUSES(X)
#undef X
};

/* The access that faulted, in bits 8..9 of the cause register. */
enum isa_access { ACCESS_FETCH = 0, ACCESS_LOAD = 1, ACCESS_STORE = 2 };
enum { CAUSE_CODE_MASK = 0xff, CAUSE_ACCESS_SHIFT = 8 };
#define CAUSE_FIRST_INTERRUPT CAUSE_TIMER

/* ===== A decoded instruction ============================================= */
struct isa_insn {
	enum isa_opcode op;
	uint8_t rd, rs, rt;   /* register numbers; for FMT_CRR/CRW the cr number */
	int32_t imm;          /* immediate, extended as the format says */
};

/* ===== Functions (isa.c) ================================================= */
const struct isa_op_info *isa_op_info(enum isa_opcode op);
const struct isa_format_info *isa_format_info(enum isa_format fmt);

/* Decode one word.  Returns false for an illegal instruction: unknown
 * opcode, non-zero unused field, or a control register that does not exist. */
bool isa_decode(uint32_t word, struct isa_insn *out);
/* Encode a decoded instruction; the inverse of isa_decode for legal words. */
uint32_t isa_encode(const struct isa_insn *insn);

/* Look-ups by name, for the assembler and the monitor (-1 if unknown). */
int isa_opcode_by_name(const char *name);
int isa_register_by_name(const char *name);       /* r0..r15, zero, sp, lr */
int isa_control_reg_by_name(const char *name);    /* tvec, epc, ... */
const char *isa_control_reg_name(unsigned num);
const char *isa_cause_name(unsigned code);        /* "SYSCALL", or NULL */
const char *isa_cause_description(unsigned code);
const char *isa_access_name(enum isa_access access);

/* Does this cause come from an address (MEMORY, PAGE, MISALIGNED)?  Then
 * badaddr holds it and the access kind matters (SPEC §6.1). */
static inline bool
isa_cause_has_address(unsigned cause)
{
	return cause == CAUSE_MEMORY || cause == CAUSE_PAGE || cause == CAUSE_MISALIGNED;
}

/* A fault: the instruction that raised it did not retire (SPEC §6.1, §6.2)
 * -- not sys, brk or hcall, which retire first (§8.4), nor an interrupt. */
static inline bool
isa_cause_is_fault(unsigned cause)
{
	return cause < CAUSE_FIRST_INTERRUPT && cause != CAUSE_SYSCALL &&
	       cause != CAUSE_BREAKPOINT && cause != CAUSE_HYPERCALL;
}



const char *isa_variant_name(enum isa_variant v);
int isa_variant_by_name(const char *name);        /* -1 if unknown */

/* Class queries for one variant. */
unsigned isa_class(enum isa_opcode op, enum isa_variant v);
static inline bool isa_is_privileged(enum isa_opcode op, enum isa_variant v)
{
	return (isa_class(op, v) & CLS_PRIV) != 0;
}

/* ===== Semantics shared by every engine that runs PG32 ==================
 * The interpreter (machine/cpu.c), the monitor's vCPU routines
 * (monitor/vmm/vcpu.c) and the binary translator (monitor/vmm/bt_*.c) all
 * use these, with isa/alu.def for the register-only operations, so none of
 * them can disagree with another on what an instruction does. */

/* What each instruction is, for whoever must treat every one of them: an
 * engine that runs PG32, or a translator that rewrites it.  The switch
 * below names every opcode and has no default, so an instruction added to
 * opcodes.def without a group does not compile (-Wswitch, -Werror); the
 * register-only ones are exactly the rows of alu.def. */
enum isa_op_group {
	ISA_GROUP_ALU,        /* rd := f(rs, rt, imm): alu.def (SPEC §8.1) */
	ISA_GROUP_DIVIDE,     /* like ALU, but a zero divisor traps DIVIDE (§8.1) */
	ISA_GROUP_COMPARE,    /* sets the PSW flags (§8.1) */
	ISA_GROUP_LOAD,       /* rd := memory (§8.2) */
	ISA_GROUP_STORE,      /* memory := rd (§8.2) */
	ISA_GROUP_PC_RELATIVE, /* adr: reads the PC (§8.2) */
	ISA_GROUP_BRANCH,     /* b, the conditional branches, call: pc-relative target (§8.3) */
	ISA_GROUP_JUMP_REG,   /* jr, callr: the target is a register (§8.3) */
	ISA_GROUP_TRAP,       /* sys, brk, hcall: retire, then trap (§8.4) */
	ISA_GROUP_SYSTEM,     /* the system instructions (§8.5) */
};

static inline enum isa_op_group
isa_op_group(enum isa_opcode op)
{
	switch (op) {
#define PG32_ALU(name, expr) case OP_##name:
#include "alu.def"
#undef PG32_ALU
		return ISA_GROUP_ALU;
	case OP_div: case OP_divu: case OP_rem: case OP_remu:
		return ISA_GROUP_DIVIDE;
	case OP_cmp: case OP_cmpi:
		return ISA_GROUP_COMPARE;
	case OP_ldw: case OP_ldh: case OP_ldhu: case OP_ldb: case OP_ldbu:
		return ISA_GROUP_LOAD;
	case OP_stw: case OP_sth: case OP_stb:
		return ISA_GROUP_STORE;
	case OP_adr:
		return ISA_GROUP_PC_RELATIVE;
	case OP_b: case OP_beq: case OP_bne: case OP_blt: case OP_bge: case OP_bgt:
	case OP_ble: case OP_bltu: case OP_bgeu: case OP_call:
		return ISA_GROUP_BRANCH;
	case OP_jr: case OP_callr:
		return ISA_GROUP_JUMP_REG;
	case OP_sys: case OP_brk: case OP_hcall:
		return ISA_GROUP_TRAP;
	case OP_rti: case OP_mfcr: case OP_mtcr: case OP_di: case OP_ei: case OP_halt:
	case OP_tlbflush: case OP_in: case OP_out: case OP_rdpsw: case OP_wrpsw: case OP_srr:
	case OP_juser:
		return ISA_GROUP_SYSTEM;
	case OP_COUNT:
		break;
	}
	return ISA_GROUP_SYSTEM;    /* not an opcode: the most careful answer */
}

/* sys, brk, hcall: the cause each raises once it retired (SPEC §8.4); 0
 * for any other instruction. */
static inline unsigned
isa_trap_instruction_cause(enum isa_opcode op)
{
	switch (op) {
	case OP_sys:   return CAUSE_SYSCALL;
	case OP_brk:   return CAUSE_BREAKPOINT;
	case OP_hcall: return CAUSE_HYPERCALL;
	default:       return 0;
	}
}

/* Loads and stores (SPEC §8.2): how many bytes they move (0: not a memory
 * access), whether they write, and how a load widens what it read. */
enum { ISA_HALF = 2, ISA_BYTE = 1 };

static inline unsigned
isa_mem_access_size(enum isa_opcode op)
{
	switch (op) {
	case OP_ldw: case OP_stw:             return ISA_WORD;
	case OP_ldh: case OP_ldhu: case OP_sth: return ISA_HALF;
	case OP_ldb: case OP_ldbu: case OP_stb: return ISA_BYTE;
	default:                              return 0;
	}
}

static inline bool
isa_op_is_store(enum isa_opcode op)
{
	return isa_op_group(op) == ISA_GROUP_STORE;
}

/* The access kind a load or store makes, for its faults (SPEC §6.1). */
static inline enum isa_access
isa_mem_access_kind(enum isa_opcode op)
{
	return isa_op_is_store(op) ? ACCESS_STORE : ACCESS_LOAD;
}

/* A load's result from the bytes it read (zero-extended as read): ldh and
 * ldb sign-extend, the others do not. */
static inline uint32_t
isa_load_result(enum isa_opcode op, uint32_t raw)
{
	switch (op) {
	case OP_ldh: return (uint32_t)(int16_t)raw;
	case OP_ldb: return (uint32_t)(int8_t)raw;
	default:     return raw;
	}
}

/* mtcr: what the control register holds after `mtcr cr, value` — ptbr's
 * low 12 bits and mmu's bits but PG read as 0 (SPEC §3.3). */
static inline uint32_t
isa_cr_written_value(unsigned cr, uint32_t value)
{
	switch (cr) {
	case CR_ptbr: return value & PTE_FRAME_MASK;
	case CR_mmu:  return value & MMU_PG;
	default:      return value;
	}
}

/* rti: the PSW it restores from epsw, unwritable bits dropped (SPEC §6.2). */
static inline uint32_t
isa_rti_psw(uint32_t epsw)
{
	return epsw & PSW_WRITABLE;
}

/* wrpsw: the PSW after `wrpsw` writes `value` from a PSW of `psw`.  In
 * supervisor mode it writes S, IE and the flags; in user mode (reachable
 * only on legacy, where wrpsw is unprivileged: the POPF hole) it writes the
 * flags and silently keeps S and IE (SPEC §8.5). */
static inline uint32_t
isa_wrpsw_result(uint32_t psw, uint32_t value)
{
	if (psw & PSW_S)
		return value & PSW_WRITABLE;
	return (psw & ~(uint32_t)PSW_FLAGS) | (value & PSW_FLAGS);
}

/* srr: where the address space really is — ptbr with paging on, rbase
 * with it off (SPEC §8.5); `cr` is the control registers. */
static inline uint32_t
isa_srr_value(const uint32_t cr[ISA_NUM_CRS])
{
	return (cr[CR_mmu] & MMU_PG) ? cr[CR_ptbr] : cr[CR_rbase];
}

/* juser: user mode from the next instruction (SPEC §8.5). */
static inline uint32_t
isa_juser_psw(uint32_t psw)
{
	return psw & ~(uint32_t)PSW_S;
}

/* A trap's PSW: supervisor mode, interrupts off, flags kept (SPEC §6.2 step 4). */
static inline uint32_t
isa_trap_entry_psw(uint32_t psw)
{
	return (psw & PSW_FLAGS) | PSW_S;
}

/* cmp and cmpi: the flags of x - y (SPEC §8.1). */
static inline uint32_t
isa_compare_flags(uint32_t x, uint32_t y)
{
	uint32_t d = x - y, flags = 0;
	if (d == 0)
		flags |= PSW_Z;
	if (d >> 31)
		flags |= PSW_N;
	if (x < y)
		flags |= PSW_C;
	if (((x ^ y) & (x ^ d)) >> 31)
		flags |= PSW_V;
	return flags;
}

/* Is the branch `op` taken with these PSW flags? (SPEC §8.3; b and call: always) */
static inline bool
isa_branch_taken(enum isa_opcode op, uint32_t psw)
{
	bool z = psw & PSW_Z, n = psw & PSW_N, c = psw & PSW_C, v = psw & PSW_V;
	switch (op) {
	case OP_beq:  return z;
	case OP_bne:  return !z;
	case OP_blt:  return n != v;
	case OP_bge:  return n == v;
	case OP_bgt:  return !z && n == v;
	case OP_ble:  return z || n != v;
	case OP_bltu: return c;
	case OP_bgeu: return !c;
	default:      return true;
	}
}

/* div, divu, rem, remu with a divisor that is not zero (zero traps DIVIDE
 * before this is asked).  The one overflow, -2^31 / -1, gives -2^31 and a
 * remainder of 0 (SPEC §8.1). */
static inline uint32_t
isa_divide(enum isa_opcode op, uint32_t a, uint32_t b)
{
	const uint32_t int32_min = 0x80000000u, minus_one = 0xffffffffu;
	switch (op) {
	case OP_divu: return a / b;
	case OP_remu: return a % b;
	case OP_div:  return (a == int32_min && b == minus_one) ? a : (uint32_t)((int32_t)a / (int32_t)b);
	default:      return (a == int32_min && b == minus_one) ? 0 : (uint32_t)((int32_t)a % (int32_t)b);
	}
}

/* Branch helpers shared by every tool that turns offsets into addresses. */
static inline uint32_t isa_branch_target(uint32_t pc, int32_t off24)
{
	return pc + ISA_WORD + (uint32_t)off24 * ISA_WORD;
}

#endif /* TRAPLAB_ISA_H */
