/* backend_kvm.c — the x86 world behind backend.h: a flat binary on the real
 * CPU through /dev/kvm (kvm-backend/kvm.h), so `step`, `info registers` and
 * `x` work on x86 as they do on PG32.  Lab 10 (hardware assist); MONITOR.md
 * "The KVM backend" is the manual:  traplab monitor --backend=kvm
 * build/guests/x86/modes.bin, then `step`, `info registers control`, `stats`.
 *
 * This file is the backend's life cycle (create, load, reset, destroy), its
 * settings and the table of operations; the operations themselves are in
 * backend_kvm_regs.c (registers, `info`), backend_kvm_memory.c (memory and
 * disassembly through Capstone), backend_kvm_run.c (running, stepping,
 * breakpoints, watchpoints) and backend_kvm_events.c (one event per VM
 * exit, and the figures of `stats`); backend_kvm_internal.h joins them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "backend_kvm_internal.h"
#include "gdbstub.h"
#include "common.h"

enum {
	DEFAULT_MEMORY_MIB = 16,
	MAX_MEMORY_MIB = 3072,          /* below the PCI hole, as `traplab kvm` */
	DEFAULT_LOAD_ADDRESS = 0x7c00,  /* as `traplab kvm`: CS = 0x07c0, IP = 0 (guests/x86/guest.h) */
};

static const char *
kvmb_mode_name(enum kvm_cpu_mode m)
{
	switch (m) {
	case KVM_MODE_REAL: return "real";
	case KVM_MODE_PROTECTED: return "protected";
	case KVM_MODE_LONG: return "long";
	}
	return "?";
}

/* ===== the guest =================================================================== */

/* In a new VM a watched word that cannot be read counts as 0. */
static void
kvmb_watch_refresh(struct kvm_backend *k)
{
	char err[160];
	for (size_t i = 0; i < k->watches.count; i++) {
		struct backend_watchpoint *w = &k->watches.entries[i];
		if (kvmb_read_word(k, w->addr, &w->value, err, sizeof err) < 0)
			w->value = 0;
	}
}

/* (Re)create the VM with the current settings and load the image into it;
 * the breakpoints go into the new vCPU's debug registers. */
static int
kvmb_start(struct kvm_backend *k, char *err, size_t errlen)
{
	kvm_guest_destroy(k->g);
	k->g = NULL;
	k->ended = false;
	k->end_message[0] = '\0';
	k->steps = 0;
	k->last_io_valid = false;
	struct kvm_config cfg = { .memory = k->memory_mib * MIB };
	struct kvm_guest *g = kvm_guest_create(&cfg, err, errlen);
	if (!g)
		return -1;
	/* a Multiboot kernel as `traplab kvm --kernel=FILE` boots it, its name
	 * for a command line; any other image as a flat binary */
	struct kvm_multiboot_config mc = { .image = k->image, .image_size = k->size,
					   .cmdline = k->path };
	if (k->multiboot ? kvm_guest_load_multiboot(g, &mc, err, errlen) < 0 :
	    kvm_guest_load_flat(g, k->image, k->size, k->load_address, k->load_address,
				k->cpu_mode, err, errlen) < 0) {
		kvm_guest_destroy(g);
		return -1;
	}
	kvm_guest_set_console(g, backend_console_byte, NULL);
	for (unsigned i = 0; i < KVM_HW_BREAKPOINTS; i++)
		if (k->bp_used[i] &&
		    kvm_guest_set_hw_breakpoint(g, i, k->bp_addr[i], err, errlen) < 0) {
			kvm_guest_destroy(g);
			return -1;
		}
	k->g = g;
	kvmb_watch_refresh(k);
	/* labels move with the load address; constants stay; a Multiboot
	 * kernel's are where it was linked */
	symtab_free(&k->syms);
	symtab_init(&k->syms);
	for (size_t i = 0; i < k->image_syms.count; i++) {
		const struct symbol *sym = &k->image_syms.entries[i];
		bool moves = sym->kind == SYMBOL_LABEL && !k->multiboot;
		uint64_t v = sym->value + (moves ? k->load_address : 0);
		symtab_add(&k->syms, sym->name, (uint32_t)v, sym->kind);
	}
	return 0;
}

/* "dir/modes.bin" -> "dir/modes.sym" */
static void
kvmb_sym_path(const char *path, char *buf, size_t len)
{
	const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
	size_t stem = dot && (!slash || dot > slash) ? (size_t)(dot - path) : strlen(path);
	snprintf(buf, len, "%.*s.sym", (int)stem, path);
}

/* The guest's symbols, as `nm -n` lists them beside a flat binary linked
 * at 0 (the Makefile's build/guests/x86/NAME.sym): "VALUE TYPE NAME".  Text
 * and data symbols are labels (offsets in the image); absolute ones are
 * constants; the linker's own (__bss_start, _edata, _end) are left out. */
static int
kvmb_read_syms(const char *path, struct symtab *t, char *err, size_t errlen)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;                  /* no .sym: no symbols */
	char line[512];
	unsigned lineno = 0;
	int rc = 0;
	while (rc == 0 && fgets(line, sizeof line, f)) {
		lineno++;
		unsigned long long value;
		char type, name[256];
		if (line[0] == '\n' || line[0] == '#')
			continue;
		if (sscanf(line, "%llx %c %255s", &value, &type, name) != 3 || value > UINT32_MAX) {
			snprintf(err, errlen, "%s:%u: expected 'VALUE TYPE NAME' as nm prints it",
				 path, lineno);
			rc = -1;
		} else if (strcmp(name, "__bss_start") == 0 || strcmp(name, "_edata") == 0 ||
			   strcmp(name, "_end") == 0 || !strchr("tTdDbBrRaA", type)) {
			continue;
		} else if (symtab_add(t, name, (uint32_t)value, (type == 'a' || type == 'A')
					  ? SYMBOL_CONSTANT : SYMBOL_LABEL) < 0) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
		}
	}
	fclose(f);
	return rc;
}

static int
kvmb_load(struct backend *b, const char *path, char *err, size_t errlen)
{
	struct kvm_backend *k = kvmb(b);
	uint8_t *image;
	size_t size;
	struct symtab syms;
	char sym_path[4096];
	if (backend_read_file(path, &image, &size, err, errlen) < 0)
		return -1;
	symtab_init(&syms);
	kvmb_sym_path(path, sym_path, sizeof sym_path);
	if (kvmb_read_syms(sym_path, &syms, err, errlen) < 0) {
		symtab_free(&syms);
		free(image);
		return -1;
	}
	char *copy = strdup(path);
	if (!copy) {
		symtab_free(&syms);
		free(image);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	free(k->image);
	symtab_free(&k->image_syms);
	free(k->path);
	k->image = image;
	k->size = size;
	k->multiboot = kvm_image_is_multiboot(image, size);
	k->image_syms = syms;
	k->path = copy;
	memset(k->bp_used, 0, sizeof k->bp_used);
	k->watches.count = 0;
	return kvmb_start(k, err, errlen);
}

static bool
kvmb_loaded(const struct backend *b)
{
	return kvmb(b)->g != NULL;
}

static int
kvmb_reset(struct backend *b, char *err, size_t errlen)
{
	struct kvm_backend *k = kvmb(b);
	if (!k->image)
		return backend_no_guest(err, errlen);
	return kvmb_start(k, err, errlen);
}

static void
kvmb_describe(const struct backend *b, char *buf, size_t len)
{
	const struct kvm_backend *k = kvmb(b);
	if (k->multiboot)
		snprintf(buf, len, "%s on KVM, a Multiboot kernel, %zu MiB%s; %s", k->path,
			 k->memory_mib, k->ended ? " (ended)" : "", k->host_note);
	else
		snprintf(buf, len, "%s on KVM, %s mode at 0x%llx, %zu MiB%s; %s",
			 k->path ? k->path : "(no guest)", kvmb_mode_name(k->cpu_mode),
			 (unsigned long long)k->load_address, k->memory_mib,
			 k->ended ? " (ended)" : "", k->host_note);
}

static void
kvmb_destroy(struct backend *b)
{
	struct kvm_backend *k = kvmb(b);
	kvm_guest_destroy(k->g);
	free(k->image);
	free(k->path);
	symtab_free(&k->image_syms);
	symtab_free(&k->syms);
	free(k);
}

static const struct symtab *
kvmb_symbols(const struct backend *b)
{
	return &kvmb(b)->syms;
}

/* ===== settings and tools ========================================================== */

static const struct backend_option kvmb_option_list[] = {
	{ "cpu-mode", "real protected long", "the mode the guest starts in: real (CS = "
	  "load-address >> 4), protected (flat 32-bit segments) or long (flat, identity-paged) "
	  "(restarts the guest)" },
	{ "load-address", NULL, "the guest-physical address the binary is loaded at and "
	  "entered at (restarts the guest)" },
	{ "memory", NULL, "guest RAM in MiB (restarts the guest)" },
	{ NULL, NULL, NULL },
};

static const struct backend_option *
kvmb_options(const struct backend *b)
{
	(void)b;
	return kvmb_option_list;
}

static int
kvmb_get_option(const struct backend *b, const char *name, char *buf, size_t len)
{
	const struct kvm_backend *k = kvmb(b);
	if (strcmp(name, "cpu-mode") == 0)
		snprintf(buf, len, "%s", kvmb_mode_name(k->cpu_mode));
	else if (strcmp(name, "load-address") == 0)
		snprintf(buf, len, "0x%llx", (unsigned long long)k->load_address);
	else if (strcmp(name, "memory") == 0)
		snprintf(buf, len, "%zu", k->memory_mib);
	else
		return -1;
	return 0;
}

static int
kvmb_set_option(struct backend *b, const char *name, const char *value, char *err, size_t errlen)
{
	struct kvm_backend *k = kvmb(b);
	char *end;
	if (strcmp(name, "cpu-mode") == 0) {
		if (strcmp(value, "real") == 0)
			k->cpu_mode = KVM_MODE_REAL;
		else if (strcmp(value, "protected") == 0)
			k->cpu_mode = KVM_MODE_PROTECTED;
		else if (strcmp(value, "long") == 0)
			k->cpu_mode = KVM_MODE_LONG;
		else {
			snprintf(err, errlen, "no cpu-mode '%s' (choose real, protected or long)", value);
			return -1;
		}
	} else if (strcmp(name, "load-address") == 0) {
		errno = 0;
		unsigned long long a = strtoull(value, &end, 0);
		if (!*value || *end || errno || a >= (unsigned long long)k->memory_mib * MIB) {
			snprintf(err, errlen, "load-address %s: expected an address below the "
				 "guest's %zu MiB (0x1000, 0x100000)", value, k->memory_mib);
			return -1;
		}
		k->load_address = a;
	} else if (strcmp(name, "memory") == 0) {
		errno = 0;
		unsigned long mib = strtoul(value, &end, 0);
		if (!*value || *end || errno || mib == 0 || mib > MAX_MEMORY_MIB ||
		    k->load_address >= (uint64_t)mib * MIB) {
			snprintf(err, errlen, "memory %s: expected MiB, 1 to %d, above the "
				 "load-address 0x%llx", value, MAX_MEMORY_MIB,
				 (unsigned long long)k->load_address);
			return -1;
		}
		k->memory_mib = mib;
	} else {
		return backend_no_option(kvmb_option_list, name, err, errlen);
	}
	return k->image ? kvmb_start(k, err, errlen) : 0;
}

static const struct backend_tool *
kvmb_tools(const struct backend *b)
{
	(void)b;
	static const struct backend_tool tools[] = {
		{ "gdbserver", "gdbserver PORT",
		  "Waits for GDB on localhost:PORT (`target remote :PORT`) and lets it drive the "
		  "guest from where it stands (kvm-backend/gdbstub.c); after GDB's `detach` the "
		  "monitor has the guest again, its breakpoints taken out." },
		{ NULL, NULL, NULL } };
	return tools;
}

/* `gdbserver PORT`: a GDB session on the monitor's guest. */
static int
kvmb_run_tool(struct backend *b, int argc, char **argv, FILE *out, char *err, size_t errlen)
{
	struct kvm_backend *k = kvmb(b);
	if (strcmp(argv[0], "gdbserver") != 0) {
		snprintf(err, errlen, "no tool '%s' (the kvm backend has gdbserver)", argv[0]);
		return -1;
	}
	char *end = NULL;
	unsigned long port = argc == 2 ? strtoul(argv[1], &end, 0) : 0;
	if (argc != 2 || !end || *end || port == 0 || port > 65535) {
		snprintf(err, errlen, "usage: gdbserver PORT (a TCP port, 1 to 65535)");
		return -1;
	}
	if (!k->g || k->ended) {
		snprintf(err, errlen, "no guest to debug%s", k->ended ? " (it has ended; `reset`)" : "");
		return -1;
	}
	int fd = gdbstub_listen((uint16_t)port, err, errlen);
	if (fd < 0)
		return -1;
	fprintf(out, "waiting for gdb on localhost:%lu \u2014 target remote :%lu\n", port, port);
	fflush(out);
	struct kvm_stop stop;
	enum gdbstub_end how = gdbstub_serve(k->g, fd, &stop, err, errlen);
	if (how == GDBSTUB_FAILED)
		return -1;
	if (how == GDBSTUB_GUEST_ENDED || how == GDBSTUB_KILLED) {
		k->ended = true;
		snprintf(k->end_message, sizeof k->end_message, "%s",
			 how == GDBSTUB_KILLED ? "killed from gdb" : stop.message);
	}
	fprintf(out, "gdb %s\n", how == GDBSTUB_DETACHED ? "detached" :
		how == GDBSTUB_KILLED ? "killed the guest" : "session ended with the guest");
	return 0;
}

/* ===== the table =================================================================== */

static const struct backend_ops kvm_ops = {
	.name = "kvm",
	.destroy = kvmb_destroy,
	.load = kvmb_load,
	.loaded = kvmb_loaded,
	.reset = kvmb_reset,
	.describe = kvmb_describe,
	.run = kvmb_run,
	.step = kvmb_step,
	.interrupt = kvmb_interrupt,
	.call_return_address = kvmb_call_return_address,
	.pc = kvmb_pc,
	.registers = kvmb_registers,
	.set_register = kvmb_set_register,
	.read_memory = kvmb_read_memory,
	.write_memory = kvmb_write_memory,
	.disassemble = kvmb_disassemble,
	.symbols = kvmb_symbols,
	.add_breakpoint = kvmb_add_breakpoint,
	.remove_breakpoint = kvmb_remove_breakpoint,
	.add_watchpoint = kvmb_add_watchpoint,
	.remove_watchpoint = kvmb_remove_watchpoint,
	.stats = kvmb_stats,
	.set_event_hook = kvmb_set_event_hook,
	.options = kvmb_options,
	.get_option = kvmb_get_option,
	.set_option = kvmb_set_option,
	.tools = kvmb_tools,
	.run_tool = kvmb_run_tool,
};

struct backend *
backend_kvm_create(char *err, size_t errlen)
{
	char line[256];
	enum kvm_host_kind host = kvm_host_probe(line, sizeof line);
	if (host == KVM_HOST_NONE) {
		snprintf(err, errlen, "%s", line);
		return NULL;
	}
	struct kvm_backend *k = calloc(1, sizeof *k);
	if (!k) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	k->base.ops = &kvm_ops;
	k->cpu_mode = KVM_MODE_REAL;
	k->load_address = DEFAULT_LOAD_ADDRESS;
	k->memory_mib = DEFAULT_MEMORY_MIB;
	snprintf(k->host_note, sizeof k->host_note, "%s", line);
	k->host = host;
	symtab_init(&k->image_syms);
	symtab_init(&k->syms);
	return &k->base;
}
