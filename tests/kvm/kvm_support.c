/* kvm_support.c — see kvm_support.h. */
#include "kvm_support.h"

#include <CUnit/CUnit.h>
#include <errno.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../guests/x86/guest.h"
#include "../cli/cli_support.h"
#include "support.h"

static enum kvm_host_kind host = KVM_HOST_NONE;

bool
kvm_test_available(void)
{
	char line[320];
	host = kvm_host_probe(line, sizeof line);
	if (host == KVM_HOST_NONE) {
		TEST_SKIP("%s", line);
		return false;
	}
	return true;
}

enum kvm_host_kind
kvm_test_host(void)
{
	return host;
}

/* "model name" of /proc/cpuinfo, or "". */
static void
cpu_model(char *out, size_t len)
{
	out[0] = '\0';
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (!f)
		return;
	char line[256];
	while (fgets(line, sizeof line, f))
		if (strncmp(line, "model name", 10) == 0 && strchr(line, ':')) {
			snprintf(out, len, "%s", strchr(line, ':') + 2);
			out[strcspn(out, "\n")] = '\0';
			break;
		}
	fclose(f);
}

bool
kvm_test_breakpoints_unarmed(void)
{
	char model[128];
	cpu_model(model, sizeof model);
	if (strncmp(model, "QEMU", 4) != 0)
		return false;
	/* nop; nop; cli; hlt with a breakpoint on the second nop */
	static const uint8_t probe[] = { 0x90, 0x90, 0xfa, 0xf4 };
	struct kvm_test_vm vm;
	if (kvm_test_start_bytes(&vm, probe, sizeof probe, LOAD, KVM_MODE_REAL) < 0)
		return false;
	char err[200];
	struct kvm_stop stop = { .kind = KVM_STOP_DEBUG };
	if (kvm_guest_set_hw_breakpoint(vm.g, 0, LOAD + 1, err, sizeof err) == 0)
		kvm_test_run(&vm, &stop);
	kvm_test_end(&vm);
	if (stop.kind == KVM_STOP_DEBUG)
		return false;
	TEST_SKIP("hardware breakpoints never fire on this CPU, QEMU's (%.40s): before QEMU 9.1 "
		  "its VMRUN loads DR7 without arming them (fixed by QEMU's \"target/i386: "
		  "disable/enable breakpoints on vmentry/vmexit\"); a probe's did not fire (%.60s)",
		  model, stop.message);
	return true;
}

const char *
kvm_test_guest_path(const char *name, const char *ext)
{
	static char path[1024];
	char bin[1024];
	snprintf(bin, sizeof bin, "%s", cli_traplab());
	snprintf(path, sizeof path, "%s/guests/x86/%s.%s", dirname(bin), name, ext);
	return path;
}

uint64_t
kvm_test_symbol(const char *name, const char *symbol)
{
	FILE *f = fopen(kvm_test_guest_path(name, "sym"), "r");
	if (!f)
		return UINT64_MAX;
	char line[256], sym[128], type;
	unsigned long long value;
	uint64_t found = UINT64_MAX;
	while (fgets(line, sizeof line, f))
		if (sscanf(line, "%llx %c %127s", &value, &type, sym) == 3 && strcmp(sym, symbol) == 0)
			found = value;
	fclose(f);
	return found;
}

static void
kvm_test_sink(void *ctx, uint8_t byte)
{
	struct kvm_test_vm *vm = ctx;
	if (vm->out_len < sizeof vm->out - 1)
		vm->out[vm->out_len++] = (char)byte;
	vm->out[vm->out_len] = '\0';
}

int
kvm_test_start_bytes(struct kvm_test_vm *vm, const uint8_t *code, size_t len, uint64_t gpa,
		     enum kvm_cpu_mode mode)
{
	char err[320];
	memset(vm, 0, sizeof *vm);
	struct kvm_config cfg = { .memory = KVM_TEST_MEMORY };
	vm->g = kvm_guest_create(&cfg, err, sizeof err);
	if (!vm->g) {
		fprintf(stderr, "kvm_guest_create: %s\n", err);
		CU_FAIL("kvm_guest_create failed");
		return -1;
	}
	if (kvm_guest_load_flat(vm->g, code, len, gpa, gpa, mode, err, sizeof err) < 0) {
		fprintf(stderr, "kvm_guest_load_flat: %s\n", err);
		CU_FAIL("kvm_guest_load_flat failed");
		kvm_guest_destroy(vm->g);
		vm->g = NULL;
		return -1;
	}
	kvm_guest_set_console(vm->g, kvm_test_sink, vm);
	return 0;
}

int
kvm_test_start(struct kvm_test_vm *vm, const char *name)
{
	const char *path = kvm_test_guest_path(name, "bin");
	size_t len;
	char *image = test_read_file(path, &len);
	if (!image) {
		fprintf(stderr, "%s: missing; build the guests with `make`\n", path);
		CU_FAIL("guest binary missing (run make)");
		memset(vm, 0, sizeof *vm);
		return -1;
	}
	int r = kvm_test_start_bytes(vm, (const uint8_t *)image, len, LOAD, KVM_MODE_REAL);
	free(image);
	return r;
}

/* The run's time limit: a thread that waits for the run's end or the limit. */
struct run_limit {
	struct kvm_guest *g;
	unsigned seconds;
	pthread_mutex_t lock;
	pthread_cond_t ended_cond;
	bool ended, fired;
};

static void *
run_limit_thread(void *arg)
{
	struct run_limit *l = arg;
	struct timespec until;
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += l->seconds;
	pthread_mutex_lock(&l->lock);
	while (!l->ended &&
	       pthread_cond_timedwait(&l->ended_cond, &l->lock, &until) != ETIMEDOUT)
		;
	if (!l->ended) {
		l->fired = true;
		kvm_guest_interrupt(l->g);
	}
	pthread_mutex_unlock(&l->lock);
	return NULL;
}

void
kvm_test_run_guest_within(struct kvm_guest *g, uint64_t max_exits, unsigned seconds,
			  struct kvm_stop *stop)
{
	struct run_limit l = { .g = g, .seconds = seconds, .lock = PTHREAD_MUTEX_INITIALIZER,
			       .ended_cond = PTHREAD_COND_INITIALIZER };
	pthread_t t;
	bool limited = pthread_create(&t, NULL, run_limit_thread, &l) == 0;
	kvm_guest_run(g, max_exits, stop);
	if (!limited)
		return;
	pthread_mutex_lock(&l.lock);
	l.ended = true;
	pthread_cond_signal(&l.ended_cond);
	pthread_mutex_unlock(&l.lock);
	pthread_join(t, NULL);
	if (l.fired)
		fprintf(stderr, "\n    the guest ran %u s without ending: %s\n", seconds,
			stop->message);
}

void
kvm_test_run_guest(struct kvm_guest *g, uint64_t max_exits, struct kvm_stop *stop)
{
	kvm_test_run_guest_within(g, max_exits, KVM_TEST_RUN_S, stop);
}

void
kvm_test_run(struct kvm_test_vm *vm, struct kvm_stop *stop)
{
	kvm_test_run_guest(vm->g, KVM_TEST_MAX_EXITS, stop);
}

void
kvm_test_end(struct kvm_test_vm *vm)
{
	kvm_guest_destroy(vm->g);
	vm->g = NULL;
}
