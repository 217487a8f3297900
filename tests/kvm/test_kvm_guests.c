/* test_kvm_guests.c — the x86 demo guests on /dev/kvm, each checked three
 * ways (its line on COM1, a register, a memory word),
 * the exits they cause counted by reason, the flat loader's protected and
 * long modes, an emulation failure reported without a crash, and
 * `traplab kvm` itself with its host line and exit statuses.
 * uartirq.bin takes its input by interrupt.
 * Every test says "SKIPPED: <reason>" and passes when /dev/kvm is unusable.
 */
#include <CUnit/CUnit.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../guests/x86/guest.h"
#include "../cli/cli_support.h"
#include "kvm_support.h"
#include "support.h"

static void
test_realmode_prints_stores_and_powers_off(void)
{
	if (!kvm_test_available())
		return;
	struct kvm_test_vm vm;
	if (kvm_test_start(&vm, "realmode") < 0)
		return;
	struct kvm_stop stop;
	kvm_test_run(&vm, &stop);
	CU_ASSERT_EQUAL(stop.kind, KVM_STOP_POWER_OFF);
	CU_ASSERT_STRING_EQUAL(vm.out, REALMODE_LINE);
	struct kvm_regs regs;
	CU_ASSERT_EQUAL_FATAL(kvm_guest_get_regs(vm.g, &regs, NULL), 0);
	CU_ASSERT_EQUAL(regs.rax, REALMODE_EAX);
	uint16_t word;
	memcpy(&word, kvm_guest_ram(vm.g, PROOF_ADDR, 2), 2);
	CU_ASSERT_EQUAL(word, REALMODE_WORD);
	/* it stopped after its hlt, with interrupts off */
	CU_ASSERT_EQUAL(regs.rip, kvm_test_symbol("realmode", "halt") + 1);
	CU_ASSERT_EQUAL(regs.rflags & (1u << 9), 0);
	kvm_test_end(&vm);
}

static void
test_modes_reaches_long_mode_printing_in_each(void)
{
	if (!kvm_test_available())
		return;
	struct kvm_test_vm vm;
	if (kvm_test_start(&vm, "modes") < 0)
		return;
	struct kvm_stop stop;
	kvm_test_run(&vm, &stop);
	CU_ASSERT_EQUAL(stop.kind, KVM_STOP_POWER_OFF);
	CU_ASSERT_STRING_EQUAL(vm.out, MODES_LINE_REAL MODES_LINE_PROT MODES_LINE_LONG);
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	CU_ASSERT_EQUAL_FATAL(kvm_guest_get_regs(vm.g, &regs, &sregs), 0);
	CU_ASSERT_EQUAL(regs.rax, MODES_RAX);
	CU_ASSERT(sregs.efer & (1u << 10));   /* LMA */
	CU_ASSERT_EQUAL(sregs.cs.l, 1);
	CU_ASSERT_EQUAL(sregs.cr3, MODES_PML4);
	uint64_t qword;
	memcpy(&qword, kvm_guest_ram(vm.g, PROOF_ADDR, 8), 8);
	CU_ASSERT_EQUAL(qword, MODES_QWORD);
	/* the guest's own page tables translate its code's address to itself */
	uint64_t gpa = 0;
	CU_ASSERT_EQUAL(kvm_guest_translate(vm.g, LOAD + 0x10, &gpa), 0);
	CU_ASSERT_EQUAL(gpa, LOAD + 0x10);
	CU_ASSERT_NOT_EQUAL(kvm_guest_translate(vm.g, 0x40000000, &gpa), 0);   /* unmapped */
	kvm_test_end(&vm);
}

static void
test_exits_are_counted_by_reason_and_port_and_reset_stops(void)
{
	if (!kvm_test_available())
		return;
	struct kvm_test_vm vm;
	if (kvm_test_start(&vm, "exits") < 0)
		return;
	struct kvm_stop stop;
	kvm_test_run(&vm, &stop);
	CU_ASSERT_EQUAL(stop.kind, KVM_STOP_RESET);
	CU_ASSERT_PTR_NOT_NULL(strstr(stop.message, "i8042"));
	CU_ASSERT_STRING_EQUAL(vm.out, EXITS_LINE);
	struct kvm_regs regs;
	CU_ASSERT_EQUAL_FATAL(kvm_guest_get_regs(vm.g, &regs, NULL), 0);
	CU_ASSERT_EQUAL(regs.rcx, EXITS_ECX);
	CU_ASSERT_EQUAL(regs.rip, kvm_test_symbol("exits", "reset") + LOAD + 2);   /* after out %al, $0x64 */
	uint16_t port_word;
	uint32_t mmio_word;
	memcpy(&port_word, kvm_guest_ram(vm.g, PROOF_ADDR, 2), 2);
	memcpy(&mmio_word, kvm_guest_ram(vm.g, PROOF_ADDR + 4, 4), 4);
	CU_ASSERT_EQUAL(port_word, 0xffff);          /* nobody owns EXITS_PORT */
	CU_ASSERT_EQUAL(mmio_word, 0xffffffffu);     /* nothing at EXITS_MMIO */

	struct kvm_exit_counts c;
	kvm_guest_exit_counts(vm.g, &c);
	size_t line = strlen(EXITS_LINE);
	/* per byte: one LSR poll and one THR write */
	CU_ASSERT_EQUAL(c.io_by_port_class[KVM_PORTS_UART], 2 * line);
	CU_ASSERT_EQUAL(c.io_by_port_class[KVM_PORTS_I8042], 2);   /* i8042 status read, 0xFE */
	CU_ASSERT_EQUAL(c.io_by_port_class[KVM_PORTS_UNOWNED], 2); /* out and in on EXITS_PORT */
	CU_ASSERT_EQUAL(c.by_reason[KVM_EXIT_IO], 2 * line + 4);
	CU_ASSERT_EQUAL(c.by_reason[KVM_EXIT_MMIO], 2); /* the read and the write */

	/* KVM's own counters agree on the MMIO exits and see more exits than we do */
	char names[64][48];
	uint64_t values[64];
	size_t n = kvm_guest_kernel_stats(vm.g, names, values, 64);
	CU_ASSERT(n > 10);
	bool saw_mmio = false;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(names[i], "mmio_exits") == 0) {
			saw_mmio = true;
			CU_ASSERT_EQUAL(values[i], 2);
		}
		if (strcmp(names[i], "exits") == 0)
			CU_ASSERT(values[i] >= c.by_reason[KVM_EXIT_IO] + 2);
	}
	CU_ASSERT(saw_mmio);
	kvm_test_end(&vm);
}

/* The flat loader's other modes, with a few bytes each:
 * protected: mov $0x32323232, %eax; mov %eax, 0x600; cli; hlt
 * long:      movabs $0x6464646464646464, %rax; mov %rax, 0x600; cli; hlt */
static void
test_flat_loader_enters_protected_and_long_mode(void)
{
	if (!kvm_test_available())
		return;
	static const uint8_t prot[] = { 0xb8, 0x32, 0x32, 0x32, 0x32, 0xa3, 0x00, 0x06, 0x00, 0x00,
					0xfa, 0xf4 };
	static const uint8_t lng[] = { 0x48, 0xb8, 0x64, 0x64, 0x64, 0x64, 0x64, 0x64, 0x64, 0x64,
				       0x48, 0x89, 0x04, 0x25, 0x00, 0x06, 0x00, 0x00, 0xfa, 0xf4 };
	struct kvm_test_vm vm;
	struct kvm_stop stop;
	struct kvm_regs regs;
	struct kvm_sregs sregs;
	if (kvm_test_start_bytes(&vm, prot, sizeof prot, 0x100000, KVM_MODE_PROTECTED) == 0) {
		kvm_test_run(&vm, &stop);
		CU_ASSERT_EQUAL(stop.kind, KVM_STOP_POWER_OFF);
		CU_ASSERT_EQUAL(kvm_guest_get_regs(vm.g, &regs, &sregs), 0);
		CU_ASSERT_EQUAL(regs.rip, 0x100000 + sizeof prot);
		CU_ASSERT_EQUAL(sregs.cr0 & 1, 1);
		CU_ASSERT_EQUAL(sregs.cs.db, 1);
		CU_ASSERT_EQUAL(*(uint32_t *)kvm_guest_ram(vm.g, PROOF_ADDR, 4), 0x32323232u);
		kvm_test_end(&vm);
	}
	if (kvm_test_start_bytes(&vm, lng, sizeof lng, 0x200000, KVM_MODE_LONG) == 0) {
		kvm_test_run(&vm, &stop);
		CU_ASSERT_EQUAL(stop.kind, KVM_STOP_POWER_OFF);
		CU_ASSERT_EQUAL(kvm_guest_get_regs(vm.g, &regs, &sregs), 0);
		CU_ASSERT_EQUAL(regs.rax, 0x6464646464646464ull);
		CU_ASSERT(sregs.efer & (1u << 10));
		CU_ASSERT_EQUAL(sregs.cs.l, 1);
		uint64_t q;
		memcpy(&q, kvm_guest_ram(vm.g, PROOF_ADDR, 8), 8);
		CU_ASSERT_EQUAL(q, 0x6464646464646464ull);
		uint64_t gpa = 0;
		CU_ASSERT_EQUAL(kvm_guest_translate(vm.g, 0x3ff00000, &gpa), 0);   /* 1 GiB mapped */
		CU_ASSERT_EQUAL(gpa, 0x3ff00000);
		kvm_test_end(&vm);
	}
}

/* An instruction KVM's emulator cannot run must stop the run with
 * KVM_STOP_EMULATION, the instruction bytes and the registers.  On kvm_pvm
 * every instruction goes through the emulator, and int3 in protected mode is
 * beyond it.  With hardware assist the emulator runs only what the CPU hands
 * back, such as an access to MMIO: `lock cmpxchg16b` there is beyond it
 * (em_cmpxchg8b takes 8 bytes only), in long mode at an address that the
 * loader's page tables map and no RAM backs. */
static void
test_emulation_failure_reports_bytes_and_registers(void)
{
	if (!kvm_test_available())
		return;
	bool pvm = kvm_test_host() == KVM_HOST_PVM;
	static const uint8_t int3[] = { 0xbb, 0x78, 0x56, 0x34, 0x12, 0xcc, 0xfa, 0xf4 };  /* mov $0x12345678, %ebx; int3 */
	static const uint8_t cmpxchg16b[] = {
		0xbb, 0x78, 0x56, 0x34, 0x12,                         /* mov $0x12345678, %ebx */
		0xf0, 0x48, 0x0f, 0xc7, 0x0c, 0x25, 0x00, 0x00, 0xf0, 0x3f, /* lock cmpxchg16b 0x3ff00000 */
		0xfa, 0xf4 };                                         /* cli; hlt */
	struct kvm_test_vm vm;
	if (kvm_test_start_bytes(&vm, pvm ? int3 : cmpxchg16b, pvm ? sizeof int3 : sizeof cmpxchg16b,
				 0x100000, pvm ? KVM_MODE_PROTECTED : KVM_MODE_LONG) < 0)
		return;
	struct kvm_stop stop;
	kvm_test_run(&vm, &stop);
	CU_ASSERT_EQUAL(stop.kind, KVM_STOP_EMULATION);
	CU_ASSERT_EQUAL(stop.rip, 0x100005);
	CU_ASSERT(stop.insn_len >= 3);
	CU_ASSERT_EQUAL(stop.insn[0], pvm ? 0xcc : 0xf0);
	CU_ASSERT_PTR_NOT_NULL(strstr(stop.message, pvm ? "bytes at rip: cc fa f4" : "bytes at rip: f0 48 0f c7 0c 25 00 00 f0 3f fa f4"));
	CU_ASSERT_PTR_NOT_NULL(strstr(stop.message, "rbx=12345678"));
	if (stop.kind != KVM_STOP_EMULATION)
		fprintf(stderr, "\n  stop: %s\n", stop.message);
	kvm_test_end(&vm);
}

/* kvm_guest_interrupt from another thread stops a guest spinning in `jmp .` */
static void *
interrupt_later(void *arg)
{
	struct timespec ts = { 0, 20 * 1000000 };
	nanosleep(&ts, NULL);
	kvm_guest_interrupt(arg);
	return NULL;
}

static void
test_interrupt_stops_a_spinning_guest(void)
{
	if (!kvm_test_available())
		return;
	static const uint8_t spin[] = { 0xeb, 0xfe };
	struct kvm_test_vm vm;
	if (kvm_test_start_bytes(&vm, spin, sizeof spin, LOAD, KVM_MODE_REAL) < 0)
		return;
	pthread_t t;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, interrupt_later, vm.g), 0);
	struct kvm_stop stop;
	kvm_guest_run(vm.g, 0, &stop);
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(stop.kind, KVM_STOP_INTERRUPTED);
	CU_ASSERT_EQUAL(stop.rip, 0);
	kvm_test_end(&vm);
}

/* The tests' own time limit (kvm_test_run_guest): a guest spinning with
 * interrupts off neither exits nor halts, so its exit budget never ends it;
 * the limit does, within a second or two of it. */
static void
test_the_tests_time_limit_ends_a_guest_that_never_exits(void)
{
	if (!kvm_test_available())
		return;
	static const uint8_t cli_spin[] = { 0xfa, 0xeb, 0xfe };   /* cli; jmp . */
	struct kvm_test_vm vm;
	if (kvm_test_start_bytes(&vm, cli_spin, sizeof cli_spin, LOAD, KVM_MODE_REAL) < 0)
		return;
	double t0 = test_seconds();
	struct kvm_stop stop;
	kvm_test_run_guest_within(vm.g, KVM_TEST_MAX_EXITS, 1, &stop);
	double took = test_seconds() - t0;
	CU_ASSERT_EQUAL(stop.kind, KVM_STOP_INTERRUPTED);
	CU_ASSERT_EQUAL(stop.rip, 1);   /* at the jmp */
	CU_ASSERT(took >= 1 && took < 30);
	kvm_test_end(&vm);
}

/* Console input: a guest polls LSR.DR, reads RBR and echoes the byte:
 * mov $0x3fd,%dx; 1: in %dx,%al; test $1,%al; jz 1b; mov $0x3f8,%dx; in; out; cli; hlt */
static void
test_console_input_reaches_the_guest(void)
{
	if (!kvm_test_available())
		return;
	static const uint8_t echo[] = { 0xba, 0xfd, 0x03, 0xec, 0xa8, 0x01, 0x74, 0xfb, 0xba, 0xf8,
					0x03, 0xec, 0xee, 0xfa, 0xf4 };
	struct kvm_test_vm vm;
	if (kvm_test_start_bytes(&vm, echo, sizeof echo, LOAD, KVM_MODE_REAL) < 0)
		return;
	kvm_guest_console_input(vm.g, "k", 1);
	struct kvm_stop stop;
	kvm_test_run(&vm, &stop);
	CU_ASSERT_EQUAL(stop.kind, KVM_STOP_POWER_OFF);
	CU_ASSERT_STRING_EQUAL(vm.out, "k");
	kvm_test_end(&vm);
}

/* uartirq.bin: input raises IRQ 4 through the in-kernel PIC and wakes the
 * guest from `sti; hlt`: bytes queued before the run, then more from another
 * thread while it waits. */
static void *
type_later(void *arg)
{
	struct timespec ts = { 0, 20 * 1000000 };
	nanosleep(&ts, NULL);
	kvm_guest_console_input(arg, "b.", 2);
	return NULL;
}

static void
test_uart_input_interrupt_wakes_the_guest(void)
{
	if (!kvm_test_available())
		return;
	struct kvm_test_vm vm;
	if (kvm_test_start(&vm, "uartirq") < 0)
		return;
	kvm_guest_console_input(vm.g, "a", 1);
	pthread_t t;
	CU_ASSERT_EQUAL_FATAL(pthread_create(&t, NULL, type_later, vm.g), 0);
	struct kvm_stop stop;
	kvm_test_run(&vm, &stop);
	pthread_join(t, NULL);
	CU_ASSERT_EQUAL(stop.kind, KVM_STOP_POWER_OFF);
	CU_ASSERT_STRING_EQUAL(vm.out, "ab.");
	struct kvm_regs regs;
	CU_ASSERT_EQUAL_FATAL(kvm_guest_get_regs(vm.g, &regs, NULL), 0);
	CU_ASSERT_EQUAL(regs.rcx & 0xffff, 3);
	uint16_t word;
	memcpy(&word, kvm_guest_ram(vm.g, PROOF_ADDR, 2), 2);
	CU_ASSERT_EQUAL(word, 3);
	kvm_test_end(&vm);
}

/* The host line: kvm_host_probe and `traplab kvm` say what the host is. */
static void
test_pvm_probe_line_and_traplab_kvm_statuses(void)
{
	char line[320];
	enum kvm_host_kind kind = kvm_host_probe(line, sizeof line);
	bool pvm = access("/sys/module/kvm_pvm", F_OK) == 0;
	if (kind == KVM_HOST_NONE) {
		CU_ASSERT_PTR_NOT_NULL(strstr(line, "/dev/kvm"));
		TEST_SKIP("%s", line);
		return;
	}
	CU_ASSERT_EQUAL(kind == KVM_HOST_PVM, pvm);
	if (pvm) {
		CU_ASSERT_PTR_NOT_NULL(strstr(line, "kvm_pvm"));
		CU_ASSERT_PTR_NOT_NULL(strstr(line, "emulator"));
	}
	char *out = NULL;
	const char *realmode[] = { "kvm", kvm_test_guest_path("realmode", "bin"), NULL };
	CU_ASSERT_EQUAL(cli_run(realmode, "", &out), 0);
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, REALMODE_LINE));
	if (pvm)
		CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "kvm_pvm host"));
	free(out);
	out = NULL;
	char exits_path[1024];
	snprintf(exits_path, sizeof exits_path, "%s", kvm_test_guest_path("exits", "bin"));
	const char *exits[] = { "kvm", "--stats", exits_path, NULL };
	CU_ASSERT_EQUAL(cli_run(exits, "", &out), 88);  /* reset */
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "MMIO"));
	CU_ASSERT_PTR_NOT_NULL(out && strstr(out, "mmio_exits"));
	free(out);
	out = NULL;
	const char *bad[] = { "kvm", "--mode=unreal", exits_path, NULL };
	CU_ASSERT_EQUAL(cli_run(bad, "", &out), 64);    /* bad command line */
	free(out);
}

static CU_TestInfo tests[] = {
	{ "realmode.bin: its line, eax, its word; power-off", test_realmode_prints_stores_and_powers_off },
	{ "modes.bin: real -> protected -> long, a line in each", test_modes_reaches_long_mode_printing_in_each },
	{ "exits.bin: port, MMIO and reset exits counted", test_exits_are_counted_by_reason_and_port_and_reset_stops },
	{ "flat loader: protected and long mode", test_flat_loader_enters_protected_and_long_mode },
	{ "emulation failure: bytes and registers, no crash", test_emulation_failure_reports_bytes_and_registers },
	{ "kvm_guest_interrupt stops a spinning guest", test_interrupt_stops_a_spinning_guest },
	{ "the tests' time limit ends a guest that never exits", test_the_tests_time_limit_ends_a_guest_that_never_exits },
	{ "console input reaches the guest's UART", test_console_input_reaches_the_guest },
	{ "uartirq.bin: input interrupts wake a halted guest", test_uart_input_interrupt_wakes_the_guest },
	{ "host line; traplab kvm exit statuses", test_pvm_probe_line_and_traplab_kvm_statuses },
	CU_TEST_INFO_NULL,
};

CU_SuiteInfo suite_kvm_guests = { "kvm: x86 guests", NULL, NULL, NULL, NULL, tests };
