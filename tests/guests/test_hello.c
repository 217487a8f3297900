/* test_hello.c — guests/pg32/hello.s, the first program of Lab 1, checks
 * itself three ways: its output
 * line, the value it leaves in r1 and the word it stores at `hello_result`.
 * Real assembler, real machine: the memory word is read back through the
 * machine API after the run, at the address the symbol table gives.
 */
#include <stdio.h>
#include <string.h>

#include "asm.h"
#include "machine.h"
#include "support.h"

#define HELLO_PATH "guests/pg32/hello.s"

enum {
	HELLO_BUDGET = 10000,                 /* it needs about a hundred */
	HELLO_ANSWER = 42,                    /* r1 at power-off */
	HELLO_MAGIC = 0x600DF00D,             /* the word at hello_result */
};
static const char hello_output[] = "Hello from PG32!\n";

static void
test_hello_prints_its_line_and_powers_off_with_status_0(void)
{
	struct test_run run;
	CU_ASSERT_EQUAL_FATAL(test_run_source_file(HELLO_PATH, ISA_STRICT, HELLO_BUDGET, &run), 0);
	CU_ASSERT_STRING_EQUAL(run.output, hello_output);
	CU_ASSERT_EQUAL(run.output_len, strlen(hello_output));
	CU_ASSERT_EQUAL(run.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(run.stop.exit_status, 0);
	test_run_free(&run);
}

static void
test_hello_leaves_42_in_r1(void)
{
	struct test_run run;
	CU_ASSERT_EQUAL_FATAL(test_run_source_file(HELLO_PATH, ISA_STRICT, HELLO_BUDGET, &run), 0);
	CU_ASSERT_EQUAL(run.stop.reason, STOP_POWER_OFF);
	CU_ASSERT_EQUAL(run.final.r[1], HELLO_ANSWER);
	test_run_free(&run);
}

/* The support helper keeps no memory, so assemble and run here: the symbol
 * table says where hello_result is, the machine says what is there. */
static void
test_hello_stores_the_magic_word_at_hello_result(void)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/%s", test_top(), HELLO_PATH);
	struct asm_result r;
	CU_ASSERT_EQUAL_FATAL(asm_assemble_file(path, &r), 0);
	const struct symbol *sym = symtab_find(&r.symbols, "hello_result");
	CU_ASSERT_PTR_NOT_NULL(sym);

	char err[256];
	struct machine_config cfg = { .variant = ISA_STRICT, .memory_size = MACHINE_DEFAULT_MEMORY };
	struct machine *m = machine_create(&cfg, err, sizeof err);
	CU_ASSERT_PTR_NOT_NULL(m);
	if (sym && m && machine_load_image(m, r.image, r.size, err, sizeof err) == 0) {
		uint32_t before = 0, after = 0;
		CU_ASSERT_EQUAL(machine_read_phys(m, sym->value, &before, sizeof before), 0);
		CU_ASSERT_EQUAL(before, 0);   /* the image holds 0: the program writes it */
		CU_ASSERT_EQUAL(machine_run(m, HELLO_BUDGET), STOP_POWER_OFF);
		CU_ASSERT_EQUAL(machine_read_phys(m, sym->value, &after, sizeof after), 0);
		CU_ASSERT_EQUAL(after, HELLO_MAGIC);
	} else {
		CU_FAIL("could not load hello.s");
	}
	machine_destroy(m);
	asm_result_free(&r);
}

/* Nothing in hello.s is privileged in a way that differs by variant. */
static void
test_hello_runs_the_same_on_every_variant(void)
{
	for (int v = 0; v < ISA_VARIANT_COUNT; v++) {
		struct test_run run;
		CU_ASSERT_EQUAL_FATAL(test_run_source_file(HELLO_PATH, (enum isa_variant)v,
							   HELLO_BUDGET, &run), 0);
		CU_ASSERT_STRING_EQUAL(run.output, hello_output);
		CU_ASSERT_EQUAL(run.stop.reason, STOP_POWER_OFF);
		CU_ASSERT_EQUAL(run.final.r[1], HELLO_ANSWER);
		test_run_free(&run);
	}
}

static CU_TestInfo tests[] = {
	{ "test_hello_prints_its_line_and_powers_off_with_status_0",
	  test_hello_prints_its_line_and_powers_off_with_status_0 },
	{ "test_hello_leaves_42_in_r1", test_hello_leaves_42_in_r1 },
	{ "test_hello_stores_the_magic_word_at_hello_result",
	  test_hello_stores_the_magic_word_at_hello_result },
	{ "test_hello_runs_the_same_on_every_variant", test_hello_runs_the_same_on_every_variant },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_hello = { "guests: hello", NULL, NULL, NULL, NULL, tests };
