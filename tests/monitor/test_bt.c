/* test_bt.c — binary translation (monitor/vmm/bt_*.c; Lab 8; REFERENCES D12):
 * nothing sensitive escapes translation, translated code that is written is
 * retranslated, a small cache flushes and stays correct, chaining replaces
 * look-ups, and on legacy every kernel-side hole is fixed while the
 * user-mode srr (the Red Pill) is not.  Every verdict comes from real runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "asm.h"
#include "bt.h"
#include "equiv.h"
#include "support.h"
#include "vm.h"

#define BT_BUDGET UINT64_C(2000000)

/* For every instruction of every variant (from opcodes.def): a sensitive or
 * privileged one must become a callout; nothing else may. */
static void
test_every_sensitive_instruction_becomes_a_callout(void)
{
	for (enum isa_variant v = 0; v < ISA_VARIANT_COUNT; v++)
		for (int op = 0; op < OP_COUNT; op++) {
			struct isa_insn insn = { .op = (enum isa_opcode)op, .rd = 1, .rs = 2, .rt = 3 };
			uint32_t word = isa_encode(&insn);
			unsigned cls = isa_class((enum isa_opcode)op, v);
			enum bt_treatment t = bt_treatment_of(v, word);
			if (cls & CLS_TRAP) {
				CU_ASSERT_EQUAL(t, BT_AS_TRAP);
			} else if (cls & (CLS_PRIV | CLS_SENSITIVE)) {
				/* di and ei only set vcpu.IE: done inline (VMware's
				 * "cli -> vcpu.IF = 0"), still never as themselves */
				enum bt_treatment want = op == OP_di || op == OP_ei ? BT_INLINE
										  : BT_AS_CALLOUT;
				if (t != want)
					fprintf(stderr, "\n      %s escapes translation on %s ",
						isa_op_info((enum isa_opcode)op)->name, isa_variant_name(v));
				CU_ASSERT_EQUAL(t, want);
			} else {
				CU_ASSERT_NOT_EQUAL(t, BT_AS_CALLOUT);
				CU_ASSERT_NOT_EQUAL(t, BT_INLINE);
			}
		}
	/* and a word that does not decode is the guest's ILLEGAL trap */
	CU_ASSERT_EQUAL(bt_treatment_of(ISA_STRICT, 0), BT_AS_TRAP);
}

/* The translator decides by isa.h's group of each instruction: for every
 * instruction that is neither sensitive nor trapping, the group says what
 * bt does with it — run as itself, or fixed up to the addresses it means.
 * (An instruction in no group does not compile: isa_op_group.) */
static void
test_every_innocuous_instruction_is_copied_or_fixed_up_by_its_group(void)
{
	for (enum isa_variant v = 0; v < ISA_VARIANT_COUNT; v++)
		for (int i = 0; i < OP_COUNT; i++) {
			enum isa_opcode op = (enum isa_opcode)i;
			if (isa_class(op, v) & (CLS_TRAP | CLS_PRIV | CLS_SENSITIVE))
				continue;
			struct isa_insn insn = { .op = op, .rd = 1, .rs = 2, .rt = 3 };
			enum isa_op_group g = isa_op_group(op);
			bool fixed = g == ISA_GROUP_PC_RELATIVE || g == ISA_GROUP_BRANCH ||
				     g == ISA_GROUP_JUMP_REG;
			enum bt_treatment t = bt_treatment_of(v, isa_encode(&insn));
			if (t != (fixed ? BT_FIXED_UP : BT_AS_ITSELF))
				fprintf(stderr, "\n      %s on %s: treatment %d ", isa_op_info(op)->name,
					isa_variant_name(v), (int)t);
			CU_ASSERT_EQUAL(t, fixed ? BT_FIXED_UP : BT_AS_ITSELF);
		}
}

/* What bt's loads and stores move comes from isa.h: it must say what
 * opcodes.def's meaning column says ("rd := sext(mem16[...])", "mem8[...] := rd"). */
static void
test_memory_access_sizes_agree_with_opcodes_def(void)
{
	for (int i = 0; i < OP_COUNT; i++) {
		enum isa_opcode op = (enum isa_opcode)i;
		const char *meaning = isa_op_info(op)->meaning;
		const char *mem = strstr(meaning, "mem");
		unsigned bits = 0;
		if (mem)
			sscanf(mem, "mem%u", &bits);
		bool group_mem = isa_op_group(op) == ISA_GROUP_LOAD || isa_op_group(op) == ISA_GROUP_STORE;
		CU_ASSERT_EQUAL(group_mem, mem != NULL);
		CU_ASSERT_EQUAL(isa_mem_access_size(op) * 8, bits);
		CU_ASSERT_EQUAL(isa_op_is_store(op), mem == meaning);    /* "mem... := rd" */
		if (mem && mem != meaning) {
			/* a load: sext(...) widens with the sign, the others with zeros */
			uint32_t top_bit_set = 1u << (bits - 1);
			bool sext = strstr(meaning, "sext(mem") != NULL;
			CU_ASSERT_EQUAL(isa_load_result(op, top_bit_set) != top_bit_set, sext);
		}
	}
}

struct run {
	struct vm_stats stats;
	struct machine_stop_info stop;
	struct cpu_state state;     /* the guest's registers when it stopped */
	char output[2048];
	size_t len;
};

static void
capture(void *ctx, uint8_t byte)
{
	struct run *r = ctx;
	if (r->len + 1 < sizeof r->output)
		r->output[r->len++] = (char)byte;
	r->output[r->len] = '\0';
}

static void
run_text(const char *src, const struct vm_config *cfg, struct run *out)
{
	struct asm_result a;
	int rc = asm_assemble_string("<bt test>", src, &a);
	for (size_t i = 0; i < a.nerrors; i++)
		fprintf(stderr, "%s", a.errors[i]);
	CU_ASSERT_EQUAL_FATAL(rc, 0);
	char err[256];
	struct vm *vm = vm_create(cfg, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	CU_ASSERT_EQUAL(vm_load_image(vm, a.image, a.size, err, sizeof err), 0);
	memset(out, 0, sizeof *out);
	vm_set_console(vm, capture, out);
	vm_run(vm, BT_BUDGET);
	vm_get_stats(vm, &out->stats);
	out->stop = *vm_last_stop(vm);
	vm_guest_state(vm, &out->state);
	vm_destroy(vm);
	asm_result_free(&a);
}

static void
run_file(const char *relpath, const struct vm_config *cfg, struct run *out)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", test_top(), relpath);
	char *src = test_read_file(path, NULL);
	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	/* assemble from the file so .include works */
	struct asm_result a;
	CU_ASSERT_EQUAL_FATAL(asm_assemble_file(path, &a), 0);
	free(src);
	char err[256];
	struct vm *vm = vm_create(cfg, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	CU_ASSERT_EQUAL(vm_load_image(vm, a.image, a.size, err, sizeof err), 0);
	memset(out, 0, sizeof *out);
	vm_set_console(vm, capture, out);
	vm_run(vm, BT_BUDGET);
	vm_get_stats(vm, &out->stats);
	out->stop = *vm_last_stop(vm);
	vm_guest_state(vm, &out->state);
	vm_destroy(vm);
	asm_result_free(&a);
}

static bool
equivalent(const char *relpath, enum isa_variant v, enum vm_mode mode, struct equiv_result *r)
{
	char path[1024], err[256];
	snprintf(path, sizeof path, "%s/%s", test_top(), relpath);
	struct asm_result a;
	CU_ASSERT_EQUAL_FATAL(asm_assemble_file(path, &a), 0);
	struct equiv_config cfg = { .image = a.image, .image_size = a.size, .variant = v,
				    .guest_memory = MACHINE_DEFAULT_MEMORY, .budget = BT_BUDGET };
	CU_ASSERT_EQUAL(equiv_check(&cfg, mode, r, err, sizeof err), 0);
	asm_result_free(&a);
	return r->equivalent;
}

/* D12: on legacy, bt fixes the kernel-side holes (minios's critical
 * section, detect's kernel probes) but not the user-mode srr. */
static void
test_legacy_kernel_holes_are_fixed_and_the_red_pill_is_not(void)
{
	struct equiv_result r;
	CU_ASSERT_TRUE(equivalent("guests/pg32/minios/minios.s", ISA_LEGACY, MODE_BT, &r));
	equiv_run_free(&r.run);

	CU_ASSERT_FALSE(equivalent("guests/pg32/detect.s", ISA_LEGACY, MODE_BT, &r));
	struct isa_insn insn;
	CU_ASSERT_TRUE(isa_decode(r.divergence.word, &insn) && insn.op == OP_srr);
	CU_ASSERT_TRUE(r.divergence.cls & CLS_LOCU);
	/* detect's own verdicts: only probe 4 (user srr) notices */
	const char *line = strstr(r.run.output, "user srr");
	CU_ASSERT_PTR_NOT_NULL(line);
	CU_ASSERT_PTR_NOT_NULL(line ? strstr(line, "virtualized") : NULL);
	CU_ASSERT_PTR_NOT_NULL(strstr(r.run.output, "detect: 1 probe(s)"));
	CU_ASSERT_TRUE(r.run.stats.bt.callouts_by_op[OP_rdpsw] > 0);
	CU_ASSERT_TRUE(r.run.stats.bt.callouts_by_op[OP_wrpsw] > 0);
	CU_ASSERT_TRUE(r.run.stats.bt.callouts_by_op[OP_srr] > 0);
	equiv_run_free(&r.run);

	/* and the hybrid variant's juser too */
	CU_ASSERT_TRUE(equivalent("guests/pg32/detect.s", ISA_HYBRID, MODE_BT, &r));
	CU_ASSERT_TRUE(r.run.stats.bt.callouts_by_op[OP_juser] > 0);
	equiv_run_free(&r.run);
}

/* A kernel that rewrites an instruction it has already run, then runs it
 * again: the new instruction must run (the old translation is gone). */
static const char self_modifying[] =
	"        li   r5, 3\n"
	"again:  call patchme\n"
	"        add  r6, r6, r1\n"
	"        la   r2, patchme\n"
	"        la   r3, new_insn\n"
	"        ldw  r4, 0(r3)\n"
	"        stw  r4, 0(r2)\n"           /* rewrite patchme's first instruction */
	"        addi r5, r5, -1\n"
	"        cmpi r5, 0\n"
	"        bne  again\n"
	"        out  0x20, r6\n"            /* 1 + 100 + 100 = 201 */
	"patchme:\n"
	"        li   r1, 1\n"
	"        ret\n"
	"new_insn:\n"
	"        li   r1, 100\n";

static void
test_writes_to_translated_code_invalidate_it(void)
{
	struct run bare, bt;
	run_text(self_modifying, &(struct vm_config){ .mode = MODE_BARE, .variant = ISA_STRICT,
						      .guest_memory = MACHINE_DEFAULT_MEMORY }, &bare);
	run_text(self_modifying, &(struct vm_config){ .mode = MODE_BT, .variant = ISA_STRICT,
						      .guest_memory = MACHINE_DEFAULT_MEMORY }, &bt);
	CU_ASSERT_EQUAL(bare.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(bare.stop.exit_status, 201);
	CU_ASSERT_EQUAL(bt.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(bt.stop.exit_status, 201);
	CU_ASSERT_TRUE(bt.stats.bt.invalidations >= 1);
	CU_ASSERT_EQUAL(bt.stats.guest_instructions, bare.stats.guest_instructions);
}

/* Lab 10 / Adams & Agesen: di and ei are translated inline (vcpu.IE :=
 * 0/1), with no callout and no transition: ieflag's loop of di/ei pairs
 * costs bt next to nothing in transitions, where trap mode exits twice per
 * iteration, and stays equivalent to bare on every variant. */
static void
test_di_and_ei_are_inline_without_callouts(void)
{
	for (enum isa_variant v = 0; v < ISA_VARIANT_COUNT; v++) {
		struct run trap, bt;
		run_file("guests/pg32/nanobench/ieflag.s", &(struct vm_config){ .mode = MODE_TRAP,
			 .variant = v, .guest_memory = MACHINE_DEFAULT_MEMORY }, &trap);
		run_file("guests/pg32/nanobench/ieflag.s", &(struct vm_config){ .mode = MODE_BT,
			 .variant = v, .guest_memory = MACHINE_DEFAULT_MEMORY }, &bt);
		CU_ASSERT_EQUAL(bt.stats.bt.callouts_by_op[OP_di], 0);
		CU_ASSERT_EQUAL(bt.stats.bt.callouts_by_op[OP_ei], 0);
		CU_ASSERT_TRUE(trap.stats.transitions >= 80000);      /* 40,000 di/ei pairs */
		CU_ASSERT_TRUE(bt.stats.transitions < 1000);
		CU_ASSERT_TRUE(bt.stats.transitions * 100 < trap.stats.transitions);
		CU_ASSERT_TRUE(bt.stats.emulated < 1000);             /* di/ei count as translated */
		CU_ASSERT_TRUE(bt.stats.translated >= 200000);
		CU_ASSERT_EQUAL(bt.stats.translated + bt.stats.emulated, bt.stats.guest_instructions);
		CU_ASSERT_STRING_EQUAL(bt.output, trap.output);
		struct equiv_result r;
		CU_ASSERT_TRUE(equivalent("guests/pg32/nanobench/ieflag.s", v, MODE_BT, &r));
		equiv_run_free(&r.run);
		CU_ASSERT_TRUE(equivalent("guests/pg32/minios/minios.s", v, MODE_BT, &r));
		equiv_run_free(&r.run);
	}
}

/* SPEC §6.3: an interrupt pending when ei retires is taken right after it
 * — also when the ei is inline in the middle of a translated block.  The
 * handler exits with 100 + (epc - after_ei) + 10 * (instructions that ran
 * after ei): 100 only if the interrupt came exactly after the ei. */
static const char ei_with_pending[] =
	"        la   r1, handler\n"
	"        mtcr tvec, r1\n"
	"        li   r1, 5\n"
	"        out  0x10, r1\n"           /* timer: every 5 instructions */
	"        li   r2, 0\n"
	"wait:   in   r3, 0x12\n"           /* pending yet? (IE is 0) */
	"        cmpi r3, 0\n"
	"        beq  wait\n"
	"        di\n"
	"        addi r7, r7, 1\n"
	"        ei\n"                      /* mid-block: taken right here */
	"after_ei:\n"
	"        addi r2, r2, 1\n"
	"        addi r2, r2, 1\n"
	"        out  0x20, r2\n"
	"handler:\n"
	"        mfcr r4, epc\n"
	"        la   r5, after_ei\n"
	"        sub  r6, r4, r5\n"
	"        li   r8, 10\n"
	"        mul  r8, r8, r2\n"
	"        add  r6, r6, r8\n"
	"        addi r6, r6, 100\n"
	"        out  0x20, r6\n";

static void
test_an_inline_ei_lets_a_pending_interrupt_in_right_after_it(void)
{
	struct run bare, bt;
	run_text(ei_with_pending, &(struct vm_config){ .mode = MODE_BARE, .variant = ISA_STRICT,
						       .guest_memory = MACHINE_DEFAULT_MEMORY }, &bare);
	run_text(ei_with_pending, &(struct vm_config){ .mode = MODE_BT, .variant = ISA_STRICT,
						       .guest_memory = MACHINE_DEFAULT_MEMORY }, &bt);
	CU_ASSERT_EQUAL(bare.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(bare.stop.exit_status, 100);
	CU_ASSERT_EQUAL(bt.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(bt.stop.exit_status, 100);
	CU_ASSERT_EQUAL(bt.stats.bt.callouts_by_op[OP_ei], 0);
	CU_ASSERT_EQUAL(bt.stats.guest_instructions, bare.stats.guest_instructions);
}

/* A cache of four blocks flushes again and again, and minios is unmoved. */
static void
test_a_small_cache_flushes_and_stays_correct(void)
{
	struct run bare, small;
	run_file("guests/pg32/minios/minios.s", &(struct vm_config){ .mode = MODE_BARE,
		 .variant = ISA_STRICT, .guest_memory = MACHINE_DEFAULT_MEMORY }, &bare);
	run_file("guests/pg32/minios/minios.s", &(struct vm_config){ .mode = MODE_BT,
		 .variant = ISA_STRICT, .guest_memory = MACHINE_DEFAULT_MEMORY,
		 .bt_cache_blocks = 4 }, &small);
	CU_ASSERT_STRING_EQUAL(small.output, bare.output);
	CU_ASSERT_EQUAL(small.stats.guest_instructions, bare.stats.guest_instructions);
	CU_ASSERT_TRUE(small.stats.bt.flushes > 10);
}

/* Chaining: a kernel loop follows chains instead of looking blocks up; with
 * chaining off, the look-ups come back (Lab 8's ">= 5x fewer"). */
static const char kernel_loop[] =
	"        li   r1, 2000\n"
	"loop:   addi r2, r2, 3\n"
	"        call helper\n"
	"        addi r1, r1, -1\n"
	"        cmpi r1, 0\n"
	"        bne  loop\n"
	"        out  0x20, zero\n"
	"helper: xor  r3, r3, r2\n"
	"        b    helper_end\n"
	"helper_end:\n"
	"        ret\n";

static void
test_chaining_replaces_lookups(void)
{
	struct run chained, unchained;
	run_text(kernel_loop, &(struct vm_config){ .mode = MODE_BT, .variant = ISA_STRICT,
						   .guest_memory = MACHINE_DEFAULT_MEMORY }, &chained);
	run_text(kernel_loop, &(struct vm_config){ .mode = MODE_BT, .variant = ISA_STRICT,
						   .guest_memory = MACHINE_DEFAULT_MEMORY,
						   .bt_no_chaining = true }, &unchained);
	CU_ASSERT_EQUAL(chained.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(unchained.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_TRUE(chained.stats.bt.chain_jumps > 0);
	CU_ASSERT_EQUAL(unchained.stats.bt.chain_jumps, 0);
	CU_ASSERT_TRUE(unchained.stats.bt.lookups >= 5 * chained.stats.bt.lookups);
	CU_ASSERT_EQUAL(chained.stats.guest_instructions, unchained.stats.guest_instructions);
}

/* Kernel code that runs straight off the end of what it may execute —
 * into the next page, past the last word of memory, up to a page that is
 * not executable — retires its last instruction and then takes the fetch
 * fault precisely (SPEC §5, §6.2).  A block ended by the page boundary
 * once fell through to its own last instruction, which then ran forever.
 * Each guest powers off from its handler with the count it reached. */
static const char runs_into_next_page[] =
	"        li   r5, 0\n"
	"        b    near_end\n"
	"        .org 0xff0\n"
	"near_end:\n"
	"        addi r5, r5, 1\n"
	"        addi r5, r5, 1\n"
	"        addi r5, r5, 1\n"
	"        addi r5, r5, 1\n"       /* the page's last word */
	"        addi r5, r5, 1\n"       /* the next page's first */
	"        out  0x20, r5\n";
static const char runs_off_the_end_of_memory[] =
	"        la   r1, handler\n"
	"        mtcr tvec, r1\n"
	"        li   r5, 0\n"
	"        b    near_end\n"
	"handler:\n"
	"        mfcr r6, badaddr\n"
	"        mfcr r7, cause\n"
	"        out  0x20, r5\n"
	"        .org 0x3fff0\n"         /* 256 KiB of memory: the last four words */
	"near_end:\n"
	"        addi r5, r5, 1\n"
	"        addi r5, r5, 1\n"
	"        addi r5, r5, 1\n"
	"        addi r5, r5, 1\n";
static const char runs_up_to_a_page_it_may_not_execute[] =
	"        la   r1, handler\n"
	"        mtcr tvec, r1\n"
	"        li   r2, 0x2000\n"      /* level 1 at 0x2000, level 2 at 0x3000 */
	"        li   r3, 0x3001\n"      /* V */
	"        stw  r3, 0(r2)\n"
	"        li   r2, 0x3000\n"
	"        li   r3, 0x0007\n"      /* page 0: V W X */
	"        stw  r3, 0(r2)\n"
	"        li   r3, 0x1003\n"      /* page 1: V W, not executable */
	"        stw  r3, 4(r2)\n"
	"        li   r3, 0x2003\n"      /* the tables, for the handler's loads */
	"        stw  r3, 8(r2)\n"
	"        li   r3, 0x3003\n"
	"        stw  r3, 12(r2)\n"
	"        li   r2, 0x2000\n"
	"        mtcr ptbr, r2\n"
	"        li   r2, 1\n"
	"        mtcr mmu, r2\n"
	"        li   r5, 0\n"
	"        b    near_end\n"
	"handler:\n"
	"        mfcr r6, badaddr\n"
	"        mfcr r7, cause\n"
	"        out  0x20, r5\n"
	"        .org 0xff8\n"
	"near_end:\n"
	"        addi r5, r5, 1\n"
	"        addi r5, r5, 1\n";

struct end_of_code_case {
	const char *what, *src;
	uint32_t memory;
	int exit_status;
};

static void
test_kernel_code_runs_to_the_end_of_its_region_then_faults(void)
{
	static const struct end_of_code_case cases[] = {
		{ "into the next page", runs_into_next_page, MACHINE_DEFAULT_MEMORY, 5 },
		{ "off the end of memory", runs_off_the_end_of_memory, 256 * 1024, 4 },
		{ "up to a non-executable page", runs_up_to_a_page_it_may_not_execute,
		  MACHINE_DEFAULT_MEMORY, 2 },
	};
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct end_of_code_case *c = &cases[i];
		for (enum isa_variant v = 0; v < ISA_VARIANT_COUNT; v++) {
			struct run bare, bt, tiny;
			run_text(c->src, &(struct vm_config){ .mode = MODE_BARE, .variant = v,
							     .guest_memory = c->memory }, &bare);
			run_text(c->src, &(struct vm_config){ .mode = MODE_BT, .variant = v,
							     .guest_memory = c->memory }, &bt);
			run_text(c->src, &(struct vm_config){ .mode = MODE_BT, .variant = v,
							     .guest_memory = c->memory,
							     .bt_cache_blocks = 1,
							     .bt_no_chaining = true }, &tiny);
			if (bt.stop.reason != STOP_POWER_OFF || bt.stop.exit_status != c->exit_status)
				fprintf(stderr, "\n  %s on %s: bt stopped with reason %d, status %d\n",
					c->what, isa_variant_name(v), bt.stop.reason,
					bt.stop.exit_status);
			CU_ASSERT_EQUAL(bare.stop.reason, STOP_POWER_OFF);
			CU_ASSERT_EQUAL(bare.stop.exit_status, c->exit_status);
			CU_ASSERT_EQUAL(bt.stop.reason, STOP_POWER_OFF);
			CU_ASSERT_EQUAL(bt.stop.exit_status, c->exit_status);
			CU_ASSERT_EQUAL(bt.stats.guest_instructions, bare.stats.guest_instructions);
			CU_ASSERT_EQUAL(tiny.stop.reason, STOP_POWER_OFF);
			CU_ASSERT_EQUAL(tiny.stop.exit_status, c->exit_status);
			CU_ASSERT_EQUAL(tiny.stats.guest_instructions, bare.stats.guest_instructions);
		}
	}
}

/* Translated code is really what runs: no supervisor instruction executes
 * on the real machine, and the figures add up. */
static void
test_supervisor_code_never_runs_from_guest_memory(void)
{
	struct run r;
	run_file("guests/pg32/hello.s", &(struct vm_config){ .mode = MODE_BT,
		 .variant = ISA_STRICT, .guest_memory = MACHINE_DEFAULT_MEMORY }, &r);
	CU_ASSERT_STRING_EQUAL(r.output, "Hello from PG32!\n");
	CU_ASSERT_EQUAL(r.stats.direct, 0);        /* hello never leaves supervisor mode */
	CU_ASSERT_TRUE(r.stats.translated > 0);
	CU_ASSERT_EQUAL(r.stats.translated + r.stats.emulated, r.stats.guest_instructions);
	CU_ASSERT_TRUE(r.stats.bt.blocks_translated > 0);
}

/* ===== the executor's shortcuts (bt_specialise_block, bt_goes_on_at_target,
 * and running a block that fits the budget unchecked) keep bare's meaning */

/* A kernel loop that translates into one block chaining to itself, with
 * every shortcut in it: a call to a leaf and its return gone on through, a
 * write to r0, a fused compare and branch.  8 instructions an iteration. */
static const char self_looping_block[] =
	"        li   r8, 50\n"
	"loop:   shli r2, r1, 5\n"
	"        call leaf\n"
	"        xor  r1, r1, r2\n"
	"        nop\n"                     /* add r0, r0, r0 */
	"        addi r7, r7, 1\n"
	"        cmp  r7, r8\n"
	"        bne  loop\n"
	"        out  0x20, r1\n"
	"leaf:   addi r1, r1, 3\n"
	"        ret\n";

static struct vm *
vm_with(const char *src, enum vm_mode mode)
{
	struct asm_result a;
	CU_ASSERT_EQUAL_FATAL(asm_assemble_string("<bt test>", src, &a), 0);
	char err[256];
	struct vm *vm = vm_create(&(struct vm_config){ .mode = mode, .variant = ISA_STRICT,
						       .guest_memory = MACHINE_DEFAULT_MEMORY },
				  err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL_FATAL(vm);
	CU_ASSERT_EQUAL(vm_load_image(vm, a.image, a.size, err, sizeof err), 0);
	asm_result_free(&a);
	return vm;
}

/* The state two runs must agree on: where, after how many instructions,
 * and every register and the PSW. */
static bool
same_guest_state(struct vm *x, struct vm *y)
{
	struct cpu_state a, b;
	vm_guest_state(x, &a);
	vm_guest_state(y, &b);
	return vm_guest_instructions(x) == vm_guest_instructions(y) && a.pc == b.pc &&
	       a.psw == b.psw && memcmp(a.r, b.r, sizeof a.r) == 0;
}

/* Run in slices of every size from 1 to past an iteration: each budget
 * ends somewhere else inside the block — in the leaf, between the fused
 * compare and its branch — and bt must stop at exactly the instruction
 * bare stops at, with the same registers, every time. */
static void
test_a_budget_ending_inside_a_self_looping_block_stops_at_the_exact_instruction(void)
{
	const unsigned iteration = 8;
	for (unsigned slice = 1; slice <= 2 * iteration + 1; slice++) {
		struct vm *bare = vm_with(self_looping_block, MODE_BARE);
		struct vm *bt = vm_with(self_looping_block, MODE_BT);
		unsigned steps = 0, differ = 0;
		while (!vm_last_stop(bare)->reason && steps < 10000) {
			vm_run(bare, slice);
			vm_run(bt, slice);
			steps++;
			if (!same_guest_state(bare, bt))
				differ++;
		}
		if (differ)
			fprintf(stderr, "\n      slices of %u: %u of %u stops differ ", slice, differ,
				steps);
		CU_ASSERT_EQUAL(differ, 0);
		CU_ASSERT_EQUAL(vm_last_stop(bare)->reason, STOP_POWER_OFF);
		CU_ASSERT_EQUAL(vm_last_stop(bt)->reason, STOP_POWER_OFF);
		CU_ASSERT_EQUAL(vm_last_stop(bt)->exit_status, vm_last_stop(bare)->exit_status);
		struct vm_stats st;
		vm_get_stats(bt, &st);
		CU_ASSERT_TRUE(st.bt.chain_jumps > 0 || slice < iteration);
		vm_destroy(bare);
		vm_destroy(bt);
	}
}

/* The loop above is one block, chaining to itself: the call and the
 * return inside it are no exits. */
static void
test_a_loop_calling_a_leaf_is_one_block_that_chains_to_itself(void)
{
	struct run bare, bt;
	run_text(self_looping_block, &(struct vm_config){ .mode = MODE_BARE, .variant = ISA_STRICT,
			 .guest_memory = MACHINE_DEFAULT_MEMORY }, &bare);
	run_text(self_looping_block, &(struct vm_config){ .mode = MODE_BT, .variant = ISA_STRICT,
			 .guest_memory = MACHINE_DEFAULT_MEMORY }, &bt);
	CU_ASSERT_EQUAL(bt.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(bt.stop.exit_status, bare.stop.exit_status);
	CU_ASSERT_EQUAL(bt.stats.guest_instructions, bare.stats.guest_instructions);
	/* from li to bne; from loop to bne; out */
	CU_ASSERT_TRUE(bt.stats.bt.blocks_translated <= 3);
	/* one chain an iteration, but for the first three (they look up and
	 * chain); with the call and return as exits, three an iteration */
	CU_ASSERT_TRUE(bt.stats.bt.chain_jumps >= 45);
	CU_ASSERT_TRUE(bt.stats.bt.chain_jumps <= 50);
}

/* A return goes where lr says, also when the leaf changed lr after the
 * call the block went on through: then the block must not go on at the
 * call's return address.  Each leaf skips the instruction after its call. */
static const char leaves_that_move_lr[] =
	"        call skip_by_add\n"
	"        addi r1, r1, 1000\n"        /* skipped */
	"        addi r1, r1, 1\n"
	"        call skip_by_load\n"
	"        addi r1, r1, 1000\n"        /* skipped */
	"        addi r1, r1, 2\n"
	"        out  0x20, r1\n"            /* 3 */
	"skip_by_add:\n"
	"        addi lr, lr, 4\n"
	"        ret\n"
	"skip_by_load:\n"
	"        la   r3, target\n"
	"        ldw  lr, 0(r3)\n"
	"        ret\n"
	"target: .word 20\n";               /* the address of `addi r1, r1, 2` */

static void
test_a_return_goes_where_lr_says_after_the_leaf_changed_it(void)
{
	struct run bare, bt;
	run_text(leaves_that_move_lr, &(struct vm_config){ .mode = MODE_BARE,
			 .variant = ISA_STRICT, .guest_memory = MACHINE_DEFAULT_MEMORY }, &bare);
	run_text(leaves_that_move_lr, &(struct vm_config){ .mode = MODE_BT,
			 .variant = ISA_STRICT, .guest_memory = MACHINE_DEFAULT_MEMORY }, &bt);
	CU_ASSERT_EQUAL(bare.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(bare.stop.exit_status, 3);
	CU_ASSERT_EQUAL(bt.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(bt.stop.exit_status, 3);
	CU_ASSERT_EQUAL(bt.stats.guest_instructions, bare.stats.guest_instructions);
}

/* SPEC §3.1: writes to r0 are discarded — by an ALU op, lui, la (lui and
 * ori), a load, a division, a callout (mfcr).  r1 collects r0 after each;
 * the guest powers off with 42 if r0 always read 0. */
static const char writes_to_r0[] =
	"        la   r3, data\n"
	"        mtcr tvec, r3\n"
	"        addi r0, r0, 5\n"
	"        or   r1, r1, r0\n"
	"        lui  r0, 0x1234\n"
	"        or   r1, r1, r0\n"
	"        la   r0, data\n"
	"        or   r1, r1, r0\n"
	"        ldw  r0, 0(r3)\n"
	"        or   r1, r1, r0\n"
	"        li   r4, 7\n"
	"        div  r0, r4, r4\n"
	"        or   r1, r1, r0\n"
	"        mfcr r0, tvec\n"
	"        or   r1, r1, r0\n"
	"        addi r1, r1, 42\n"
	"        out  0x20, r1\n"
	"data:   .word 0x5555\n";

static void
test_a_write_to_r0_under_bt_leaves_it_zero(void)
{
	struct run bare, bt;
	run_text(writes_to_r0, &(struct vm_config){ .mode = MODE_BARE, .variant = ISA_STRICT,
			 .guest_memory = MACHINE_DEFAULT_MEMORY }, &bare);
	run_text(writes_to_r0, &(struct vm_config){ .mode = MODE_BT, .variant = ISA_STRICT,
			 .guest_memory = MACHINE_DEFAULT_MEMORY }, &bt);
	CU_ASSERT_EQUAL(bare.stop.exit_status, 42);
	CU_ASSERT_EQUAL(bt.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(bt.stop.exit_status, 42);
	CU_ASSERT_EQUAL(bt.state.r[ISA_REG_ZERO], 0);
	CU_ASSERT_EQUAL(bt.stats.guest_instructions, bare.stats.guest_instructions);
}

/* SPEC §8.1, §8.3: every conditional branch after cmp and after cmpi, on
 * operands that set each flag (equal, negative, borrow, overflow), taken
 * and not: the PSW read right after (rdpsw) and which way it went are
 * folded into r10, which must come out as on bare — the fused compare and
 * branch sets the flags exactly as cmp does.  The guest is generated. */
static char *
compare_and_branch_guest(void)
{
	static const char *const branches[] = { "beq", "bne", "blt", "bge", "bgt", "ble",
						"bltu", "bgeu" };
	static const struct { int32_t x, y; } pairs[] = {
		{ 0, 0 }, { 5, 7 }, { 7, 5 }, { -1, 1 }, { 1, -1 },
		{ INT32_MIN, 1 }, { INT32_MAX, -1 }, { -32768, 32767 },
	};
	size_t cap = 64 * 1024, len = 0;
	char *src = malloc(cap);
	CU_ASSERT_PTR_NOT_NULL_FATAL(src);
	len += (size_t)snprintf(src + len, cap - len, "        li   r10, 0\n");
	unsigned n = 0;
	for (size_t p = 0; p < ARRAY_SIZE(pairs); p++)
		for (size_t k = 0; k < ARRAY_SIZE(branches); k++)
			for (int immediate = 0; immediate <= 1; immediate++, n++) {
				char compare[64];
				if (immediate)  /* y fits in cmpi's 16 signed bits? */
					if (pairs[p].y < INT16_MIN || pairs[p].y > INT16_MAX)
						continue;
				if (immediate)
					snprintf(compare, sizeof compare, "cmpi r1, %d",
						 (int)pairs[p].y);
				else
					snprintf(compare, sizeof compare, "cmp  r1, r2");
				len += (size_t)snprintf(src + len, cap - len,
					"        li   r1, %d\n"
					"        li   r2, %d\n"
					"        %s\n"
					"        %-4s taken%u\n"
					"        rdpsw r9\n"
					"        b    fold%u\n"
					"taken%u: rdpsw r9\n"
					"        addi r10, r10, 1\n"
					"fold%u:  shli r11, r10, 5\n"
					"        add  r10, r10, r11\n"
					"        xor  r10, r10, r9\n",
					(int)pairs[p].x, (int)pairs[p].y, compare, branches[k], n,
					n, n, n);
				CU_ASSERT_FATAL(len < cap);
			}
	len += (size_t)snprintf(src + len, cap - len, "        out  0x20, r10\n");
	CU_ASSERT_FATAL(len < cap);
	return src;
}

static void
test_a_fused_compare_and_branch_sets_the_flags_exactly_as_bare(void)
{
	char *src = compare_and_branch_guest();
	struct run bare, bt;
	run_text(src, &(struct vm_config){ .mode = MODE_BARE, .variant = ISA_STRICT,
			 .guest_memory = MACHINE_DEFAULT_MEMORY }, &bare);
	run_text(src, &(struct vm_config){ .mode = MODE_BT, .variant = ISA_STRICT,
			 .guest_memory = MACHINE_DEFAULT_MEMORY }, &bt);
	CU_ASSERT_EQUAL(bare.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(bt.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(bt.state.r[10], bare.state.r[10]);
	CU_ASSERT_EQUAL(bt.state.psw, bare.state.psw);
	CU_ASSERT_EQUAL(bt.stats.guest_instructions, bare.stats.guest_instructions);
	CU_ASSERT_TRUE(bt.stats.bt.callouts_by_op[OP_rdpsw] > 100);   /* it did read them */
	free(src);
}

/* run --trace under bt shows every instruction, as bare does: the fused
 * compare and its branch, the call and return gone on through, each one
 * with its count. */
struct trace {
	uint32_t pc[512];
	uint64_t retired[512];
	size_t n;
};

static void
record(void *ctx, const struct vm_insn *insn)
{
	struct trace *t = ctx;
	if (t->n < ARRAY_SIZE(t->pc)) {
		t->pc[t->n] = insn->pc;
		t->retired[t->n] = insn->retired;
	}
	t->n++;
}

static void
test_tracing_under_bt_shows_every_instruction_as_bare_does(void)
{
	struct trace bare_trace = { .n = 0 }, bt_trace = { .n = 0 };
	struct vm *bare = vm_with(self_looping_block, MODE_BARE);
	struct vm *bt = vm_with(self_looping_block, MODE_BT);
	vm_set_insn_hook(bare, record, &bare_trace);
	vm_set_insn_hook(bt, record, &bt_trace);
	vm_run(bare, BT_BUDGET);
	vm_run(bt, BT_BUDGET);
	CU_ASSERT_EQUAL(vm_last_stop(bt)->reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(bt_trace.n, vm_guest_instructions(bt));
	CU_ASSERT_EQUAL(bt_trace.n, bare_trace.n);
	size_t shown = bt_trace.n < ARRAY_SIZE(bt_trace.pc) ? bt_trace.n : ARRAY_SIZE(bt_trace.pc);
	CU_ASSERT_EQUAL(memcmp(bt_trace.pc, bare_trace.pc, shown * sizeof bt_trace.pc[0]), 0);
	CU_ASSERT_EQUAL(memcmp(bt_trace.retired, bare_trace.retired,
			       shown * sizeof bt_trace.retired[0]), 0);
	vm_destroy(bare);
	vm_destroy(bt);
}

static CU_TestInfo tests[] = {
	{ "every sensitive instruction becomes a callout", test_every_sensitive_instruction_becomes_a_callout },
	{ "every innocuous instruction is copied or fixed up, by its group",
	  test_every_innocuous_instruction_is_copied_or_fixed_up_by_its_group },
	{ "memory access sizes agree with opcodes.def", test_memory_access_sizes_agree_with_opcodes_def },
	{ "legacy: kernel holes fixed, Red Pill not (D12)", test_legacy_kernel_holes_are_fixed_and_the_red_pill_is_not },
	{ "writes to translated code invalidate it", test_writes_to_translated_code_invalidate_it },
	{ "a small cache flushes and stays correct", test_a_small_cache_flushes_and_stays_correct },
	{ "kernel code runs to the end of its region, then faults as on bare", test_kernel_code_runs_to_the_end_of_its_region_then_faults },
	{ "chaining replaces look-ups", test_chaining_replaces_lookups },
	{ "di and ei are inline, without callouts (ieflag)", test_di_and_ei_are_inline_without_callouts },
	{ "an inline ei lets a pending interrupt in right after it (SPEC 6.3)",
	  test_an_inline_ei_lets_a_pending_interrupt_in_right_after_it },
	{ "supervisor code never runs from guest memory", test_supervisor_code_never_runs_from_guest_memory },
	{ "a budget ending inside a self-looping block stops at the exact instruction",
	  test_a_budget_ending_inside_a_self_looping_block_stops_at_the_exact_instruction },
	{ "a loop calling a leaf is one block that chains to itself",
	  test_a_loop_calling_a_leaf_is_one_block_that_chains_to_itself },
	{ "a return goes where lr says after the leaf changed it",
	  test_a_return_goes_where_lr_says_after_the_leaf_changed_it },
	{ "a write to r0 under bt leaves it zero (SPEC 3.1)", test_a_write_to_r0_under_bt_leaves_it_zero },
	{ "a fused compare and branch sets the flags exactly as bare",
	  test_a_fused_compare_and_branch_sets_the_flags_exactly_as_bare },
	{ "tracing under bt shows every instruction as bare does",
	  test_tracing_under_bt_shows_every_instruction_as_bare_does },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_monitor_bt = { "monitor: binary translation", NULL, NULL, NULL, NULL, tests };
