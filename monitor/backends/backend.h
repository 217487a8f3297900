/* backend.h — the one interface the interactive monitor drives (shell.c).
 * A backend is a guest and whatever runs it: the PG32 machine bare or under
 * the monitor (backend_pg32.c), and later real x86 on /dev/kvm.  No shell
 * command knows which backend it talks to except through these operations,
 * so `step`, `info registers` and `x` look the same in every world
 * (TinyEMU's VirtMachineClass is the model).  Lab 1 onwards.
 */
#ifndef TRAPLAB_BACKEND_H
#define TRAPLAB_BACKEND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "symbols.h"

/* Register groups, for `info registers [GROUP]` and `info vcpu`. */
enum backend_reg_group {
	REGS_GENERAL,   /* general registers and the PC */
	REGS_CONTROL,   /* status word and control registers, as the guest believes them */
	REGS_REAL,      /* what the real machine holds right now (monitor modes) */
	REGS_SEGMENT,   /* x86 segment registers (KVM backend) */
	REG_GROUPS
};

enum { BACKEND_REG_NAME = 16 };
struct backend_reg {
	char name[BACKEND_REG_NAME];
	uint64_t value;
	unsigned bits;                 /* 32 for PG32 */
	const char *note;              /* decoded meaning, e.g. "S IE Z", or NULL */
};

enum backend_stop_kind {
	BSTOP_STEPPED,      /* the requested number of instructions ran */
	BSTOP_BREAKPOINT,   /* the PC reached a breakpoint (before executing it) */
	BSTOP_WATCHPOINT,   /* a watched word changed */
	BSTOP_INTERRUPTED,  /* interrupted from outside (Control-C) */
	BSTOP_EXITED,       /* the guest ended: powered off, or stopped for good */
	BSTOP_BUDGET,       /* the instruction budget of `run` ran out */
	BSTOP_ERROR,        /* nothing is loaded, or the backend failed */
};

struct backend_stop {
	enum backend_stop_kind kind;
	uint64_t pc;
	uint64_t addr;                 /* breakpoint or watchpoint address */
	uint64_t old_value, new_value; /* watchpoint */
	int exit_status;               /* BSTOP_EXITED after a power-off, else -1 */
	char message[320];             /* one line, for people */
};

enum { BACKEND_STAT_NAME = 48 };
struct backend_stat {
	char name[BACKEND_STAT_NAME];  /* stable: JSON and scripts use it */
	uint64_t value;
};

/* What the monitor did about one trap or VM exit (`trace traps on`, `dot`). */
struct backend_event {
	uint64_t pc;                   /* guest PC of the trapping instruction */
	char what[64];                 /* "SYSCALL", "PRIVILEGED mtcr", "IO out 0x3f8" */
	char action[32];               /* "emulated", "reflected", "injected", ... */
	uint64_t handler;              /* where the guest went next */
};
typedef void (*backend_event_fn)(void *ctx, const struct backend_event *event);
/* Where the guest's console output goes, a byte at a time: the shell sends
 * it into its own output stream, so that it is interleaved in order with
 * the commands' output wherever that stream goes (a script's redirected
 * stdout, a fuzzing harness's memory stream). */
typedef void (*backend_console_fn)(void *ctx, uint8_t byte);

/* Backend-specific settings (`mode trap`, `isa legacy`) and tools (`classify`,
 * `equiv`, `compare`) are named here, so the shell can list, complete and
 * run them without knowing what they are. */
struct backend_option {
	const char *name;              /* "mode" */
	const char *choices;           /* "bare trap hybrid" (space-separated), or NULL */
	const char *help;
};
struct backend_tool {
	const char *name;              /* "equiv" */
	const char *usage;             /* "equiv [trap|hybrid]" */
	const char *help;
};

struct backend;

struct backend_ops {
	const char *name;                                   /* "pg32", "kvm" */
	void (*destroy)(struct backend *b);

	/* the guest */
	int (*load)(struct backend *b, const char *path, char *err, size_t errlen);
	bool (*loaded)(const struct backend *b);
	int (*reset)(struct backend *b, char *err, size_t errlen);   /* reload it */
	void (*describe)(const struct backend *b, char *buf, size_t len);

	/* running: stop at breakpoints and watchpoints, at the end, on interrupt */
	void (*run)(struct backend *b, uint64_t max_instructions, struct backend_stop *stop);
	void (*step)(struct backend *b, uint64_t n, struct backend_stop *stop);
	void (*interrupt)(struct backend *b);               /* async-signal-safe */
	/* If the instruction at the PC is a call, where it returns to (`next`). */
	bool (*call_return_address)(struct backend *b, uint64_t *addr);

	/* state */
	uint64_t (*pc)(const struct backend *b);
	size_t (*registers)(struct backend *b, enum backend_reg_group group,
			    struct backend_reg *out, size_t max);
	int (*set_register)(struct backend *b, const char *name, uint64_t value,
			    char *err, size_t errlen);
	/* Memory: virtual (translated as the guest would) or physical.
	 * Returns 0, or -1 with the reason in err. */
	int (*read_memory)(struct backend *b, uint64_t addr, bool physical, void *buf,
			   size_t len, char *err, size_t errlen);
	int (*write_memory)(struct backend *b, uint64_t addr, bool physical, const void *buf,
			    size_t len, char *err, size_t errlen);
	/* One instruction at addr (virtual): text, and its length in bytes
	 * (0 if it cannot be read). */
	size_t (*disassemble)(struct backend *b, uint64_t addr, char *buf, size_t len);
	const struct symtab *(*symbols)(const struct backend *b);

	/* breakpoints (on PC, virtual) and watchpoints (stop on write, virtual) */
	int (*add_breakpoint)(struct backend *b, uint64_t addr, char *err, size_t errlen);
	int (*remove_breakpoint)(struct backend *b, uint64_t addr);
	int (*add_watchpoint)(struct backend *b, uint64_t addr, char *err, size_t errlen);
	int (*remove_watchpoint)(struct backend *b, uint64_t addr);

	/* figures and events */
	size_t (*stats)(struct backend *b, struct backend_stat *out, size_t max);
	void (*set_event_hook)(struct backend *b, backend_event_fn fn, void *ctx);
	/* The guest's console output (NULL fn: to stdout, as before any call).
	 * May be NULL in a backend that only prints to stdout. */
	void (*set_console)(struct backend *b, backend_console_fn fn, void *ctx);

	/* settings and tools: NULL-terminated lists, and the calls behind them */
	const struct backend_option *(*options)(const struct backend *b);
	int (*get_option)(const struct backend *b, const char *name, char *buf, size_t len);
	int (*set_option)(struct backend *b, const char *name, const char *value,
			  char *err, size_t errlen);
	const struct backend_tool *(*tools)(const struct backend *b);
	/* Returns 0 on success, 1 when the tool's verdict is negative (e.g. not
	 * equivalent), -1 with err when it cannot run. Output goes to `out`. */
	int (*run_tool)(struct backend *b, int argc, char **argv, FILE *out,
			char *err, size_t errlen);
};

/* Every backend instance starts with this, so the shell can find its ops. */
struct backend {
	const struct backend_ops *ops;
};

/* The backends there are (backend_pg32.c, backend_kvm.c). */
struct backend *backend_pg32_create(char *err, size_t errlen);
struct backend *backend_kvm_create(char *err, size_t errlen);   /* NULL: no usable /dev/kvm */

#endif /* TRAPLAB_BACKEND_H */
