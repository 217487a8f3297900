/* shell_table.c — the ONE table of the interactive monitor's commands.
 * Each row gives a command's name and aliases, its class, the kinds of its
 * arguments, its one-line and long help and its function; `info` has a
 * sub-table of the same kind.  The argument checker (shell_args.c), Tab
 * completion (shell_complete.c) and `help` (shell_help.c) are generated
 * from it, so a new command is one row here and one function
 * (after xv6's syscalls[], QEMU's hmp-commands and GDB's classes).
 * Settings (`mode trap`) and tools (`equiv`) come from the backend's own
 * lists instead.  Every lab uses the monitor; MONITOR.md documents it all.
 */
#include <string.h>

#include "shell_cmds.h"

const struct shell_class shell_classes[CLASS_COUNT] = {
	[CLASS_RUNNING] = { "running", "running the guest" },
	[CLASS_BREAKPOINTS] = { "breakpoints", "breakpoints and watchpoints" },
	[CLASS_INSPECTING] = { "inspecting", "looking at the guest" },
	[CLASS_SETTINGS] = { "settings", "settings and changes" },
	[CLASS_TRACING] = { "tracing", "tracing, counting and drawing traps" },
	[CLASS_COMPARING] = { "comparing", "comparing modes (the backend's tools)" },
	[CLASS_SESSION] = { "session", "the session" },
};

/* The arguments that recur. */
#define ADDR_ARG { ARG_EXPR, "ADDR", ARG_SPACES, NULL }
#define COUNT_ARG { ARG_COUNT, "N", ARG_OPTIONAL | ARG_SPACES, NULL }
#define FILE_ARG { ARG_FILE, "FILE", 0, NULL }
#define GROUP_ARG { ARG_WORD, "GROUP", ARG_OPTIONAL, SHELL_REG_GROUPS }

static const struct shell_cmd info_topics[] = {
	{ "breakpoints", "", CLASS_BREAKPOINTS, { { 0 } }, NULL,
	  "Lists the breakpoints and watchpoints, with their hit counts",
	  "Lists the breakpoints and watchpoints: number, type, address, how often each "
	  "stopped the guest, and the symbol there. Breakpoints and watchpoints share one "
	  "numbering, as in GDB.",
	  shell_cmd_info_breakpoints, 0, NULL },
	{ "registers", "", CLASS_INSPECTING, { GROUP_ARG }, NULL,
	  "Shows the registers of a group (general unless given)",
	  "Shows the registers of a group: general (the default), control (as the guest "
	  "believes them), real (what the real machine holds), segment (KVM) or all. Each "
	  "in hex, in decimal, and decoded when it has bits with names.",
	  shell_cmd_info_registers, CMD_GUEST, NULL },
	{ "vcpu", "", CLASS_INSPECTING, { { 0 } }, NULL,
	  "Shows what the guest believes beside what the real machine holds",
	  "Shows what the guest believes beside what the real machine holds. Row by row: "
	  "the PC and each control register of the vCPU, and the real machine's where it "
	  "has one; above them both modes spelled out (\"guest thinks supervisor; machine "
	  "runs it in user mode\"): the picture of trap-and-emulate.",
	  shell_cmd_info_vcpu, CMD_GUEST, NULL },
	{ "record", "rec", CLASS_RUNNING, { { 0 } }, NULL,
	  "Shows the record of the run: checkpoints, their memory, typed input",
	  "Shows the record of the run that reverse execution moves along: where the guest "
	  "is (guest instructions retired), how many checkpoints there are and how far apart, "
	  "what they cost against the guest's memory (at most twice), and how often console "
	  "input was typed.",
	  shell_cmd_info_record, CMD_GUEST, NULL },
	{ NULL, NULL, 0, { { 0 } }, NULL, NULL, NULL, NULL, 0, NULL },
};

const struct shell_cmd shell_cmds[] = {
	/* running the guest */
	{ "load", "", CLASS_RUNNING, { FILE_ARG }, NULL,
	  "Loads a guest",
	  "Loads a guest. A .s file is assembled, a .img is read with the .sym beside it. "
	  "Breakpoints, watchpoints and the trap flow are forgotten; the settings stay.",
	  shell_cmd_load, 0, NULL },
	{ "reset", "", CLASS_RUNNING, { { 0 } }, NULL,
	  "Starts the guest again from the beginning",
	  "Starts the guest again from the beginning. Breakpoints and settings stay.",
	  shell_cmd_reset, CMD_GUEST, NULL },
	{ "continue", "c run", CLASS_RUNNING, { COUNT_ARG }, NULL,
	  "Runs the guest until something stops it",
	  "Runs the guest until something stops it. It stops at a breakpoint, a watchpoint, "
	  "its end, Control-C, or after N instructions when N is given -- without N, after "
	  "max-instructions if that is set ('set max-instructions N'). From a breakpoint "
	  "it moves on first.",
	  shell_cmd_continue, CMD_RUNS | CMD_GUEST, NULL },
	{ "step", "s stepi si", CLASS_RUNNING, { COUNT_ARG }, NULL,
	  "Executes one instruction, or N",
	  "Executes one instruction, or N. Breakpoints do not stop it; watchpoints do. "
	  "An empty line repeats it.",
	  shell_cmd_step, CMD_RUNS | CMD_REPEAT | CMD_GUEST, NULL },
	{ "next", "n nexti ni", CLASS_RUNNING, { { 0 } }, NULL,
	  "Executes one instruction, or a whole call",
	  "Executes one instruction, or a whole call. At a call it runs until the "
	  "instruction after it (a temporary breakpoint there), or for max-instructions "
	  "if that is set. An empty line repeats it.",
	  shell_cmd_next, CMD_RUNS | CMD_REPEAT | CMD_GUEST, NULL },
	{ "reverse-step", "rs reverse-stepi rsi", CLASS_RUNNING, { COUNT_ARG }, NULL,
	  "Goes back one instruction, or N",
	  "Goes back one instruction, or N: the guest is where it was, registers, memory, "
	  "devices and console alike. The run is re-executed from the nearest checkpoint "
	  "before (PG32 is deterministic), so going back works in every mode. An empty line "
	  "repeats it.",
	  shell_cmd_reverse_step, CMD_RUNS | CMD_REPEAT | CMD_GUEST, NULL },
	{ "reverse-next", "rn reverse-nexti rni", CLASS_RUNNING, { { 0 } }, NULL,
	  "Goes back one instruction, or over a whole call",
	  "Goes back one instruction, or over a whole call: if the guest came here by "
	  "returning from a call just before, it goes back to that call. An empty line "
	  "repeats it.",
	  shell_cmd_reverse_next, CMD_RUNS | CMD_REPEAT | CMD_GUEST, NULL },
	{ "reverse-continue", "rc", CLASS_RUNNING, { { 0 } }, NULL,
	  "Goes back to the previous breakpoint or watchpoint hit",
	  "Goes back to the previous breakpoint or watchpoint hit: the last place before "
	  "here where 'continue' would have stopped. With none, back to the start of the "
	  "record.",
	  shell_cmd_reverse_continue, CMD_RUNS | CMD_GUEST, NULL },
	{ "goto", "", CLASS_RUNNING, { { ARG_EXPR, "N", ARG_SPACES, NULL } }, NULL,
	  "Goes to guest instruction N, back or forward",
	  "Goes to guest instruction N: where the guest was after N instructions had "
	  "retired, back or forward. 'info record' says where it is now.",
	  shell_cmd_goto, CMD_RUNS | CMD_GUEST, NULL },
	{ "input", "", CLASS_RUNNING, { { ARG_TEXT, "TEXT", ARG_SPACES, NULL } }, NULL,
	  "Types TEXT at the guest's console; it is recorded",
	  "Types TEXT at the guest's console, where the guest is now (\\n \\t \\\\ and "
	  "\\xHH are bytes). It is recorded with its place, so going back and forth types "
	  "it again there; typed in the past, it starts a new future.",
	  shell_cmd_input, CMD_GUEST, NULL },
	{ "record", "", CLASS_RUNNING, { FILE_ARG }, NULL,
	  "Saves the run's console input to FILE",
	  "Saves the run's console input to FILE: each typing with its place, for 'replay'.",
	  shell_cmd_record, CMD_GUEST, NULL },
	{ "replay", "", CLASS_RUNNING, { FILE_ARG }, NULL,
	  "Starts the guest again, typing FILE's input where it was typed",
	  "Starts the guest again and types the input saved in FILE ('record') as the guest "
	  "reaches each place: the run is the recorded one, instruction for instruction.",
	  shell_cmd_replay, CMD_GUEST, NULL },
	/* breakpoints and watchpoints */
	{ "break", "b", CLASS_BREAKPOINTS, { ADDR_ARG }, NULL,
	  "Stops the guest before the instruction at ADDR",
	  "Stops the guest before the instruction at ADDR. ADDR is an expression "
	  "(minios_syscall, minios_trap_entry+8, 0x00400028), a virtual address as the "
	  "guest's PC is. An address the guest cannot fetch from now is kept, with a "
	  "warning: user code is mapped only once the kernel has built its page tables.",
	  shell_cmd_break, CMD_GUEST, NULL },
	{ "watch", "", CLASS_BREAKPOINTS, { ADDR_ARG }, NULL,
	  "Stops the guest when the word at ADDR changes",
	  "Stops the guest when the word at ADDR changes. ADDR is virtual; the stop shows the "
	  "old and new values. Watching makes the guest run one instruction at a time.",
	  shell_cmd_watch, CMD_GUEST, NULL },
	{ "delete", "d", CLASS_BREAKPOINTS, { { ARG_POINT, "N|all", ARG_OPTIONAL | ARG_MANY, NULL } },
	  NULL, "Deletes breakpoints and watchpoints",
	  "Deletes breakpoint or watchpoint N (several numbers: each), or all of them (no "
	  "argument, or all). 'info breakpoints' lists their numbers.",
	  shell_cmd_delete, 0, NULL },
	/* looking at the guest */
	{ "info", "i", CLASS_INSPECTING, { { 0 } }, NULL,
	  "Shows breakpoints, registers or the vCPU",
	  "Shows breakpoints, registers or the vCPU. A topic may be shortened while it is "
	  "unambiguous (info b, info reg).",
	  NULL, 0, info_topics },
	{ "regs", "", CLASS_INSPECTING, { GROUP_ARG }, NULL,
	  "Shows the registers, as 'info registers' does",
	  "Shows the registers, as 'info registers' does: general (the default), control, "
	  "real, segment or all.",
	  shell_cmd_info_registers, CMD_GUEST, NULL },
	{ "x", "", CLASS_INSPECTING, { ADDR_ARG }, "bhwgi",
	  "Examines memory at a virtual address",
	  "Examines memory at a virtual address. ADDR is translated as the guest would; "
	  "x shows N bytes, halfwords, words (the default) or 8-byte giants; /i disassembles. "
	  "Example: x/4w current_task.",
	  shell_cmd_x, CMD_GUEST, NULL },
	{ "xp", "", CLASS_INSPECTING, { ADDR_ARG }, "bhwg",
	  "Examines the guest's physical memory",
	  "Examines the guest's physical memory. It works as x does, without translation.",
	  shell_cmd_xp, CMD_GUEST, NULL },
	{ "disassemble", "disas", CLASS_INSPECTING,
	  { { ARG_EXPR, "ADDR", ARG_OPTIONAL, NULL }, { ARG_COUNT, "N", ARG_OPTIONAL, NULL } },
	  NULL, "Disassembles N instructions from ADDR",
	  "Disassembles N instructions from ADDR. N is 10 and ADDR the PC unless given; the "
	  "PC is marked '=>' and each address labelled with the nearest symbol. Write ADDR "
	  "without spaces.",
	  shell_cmd_disassemble, CMD_GUEST, NULL },
	{ "print", "p", CLASS_INSPECTING, { { ARG_EXPR, "EXPR", ARG_SPACES, NULL } }, NULL,
	  "Prints the value of an expression",
	  "Prints the value of an expression. It shows hex, decimal and the nearest symbol.",
	  shell_cmd_print, 0, NULL },
	{ "explain", "", CLASS_INSPECTING, { { ARG_MNEMONIC, "MNEMONIC|WORD", 0, NULL } }, NULL,
	  "Explains an instruction: what it does, and its class on each variant",
	  "Explains an instruction, given by its mnemonic (srr) or an encoded word "
	  "(0x5a010039): its format, what it does (isa/SPEC.md), and whether it is "
	  "privileged or sensitive on each variant of PG32.",
	  shell_cmd_explain, 0, NULL },
	/* settings */
	{ "set", "", CLASS_SETTINGS,
	  { { ARG_ASSIGNMENT, "REG = VALUE|*ADDR = VALUE|OPTION VALUE", ARG_SPACES, NULL } },
	  NULL, "Changes a register, a memory word or a setting",
	  "Changes a register, a memory word or a setting. Registers are the guest's, as it "
	  "believes them; *ADDR is a word of its memory (virtual); a setting of the backend "
	  "(mode, isa, ...) restarts the guest. The shell's own setting, max-instructions "
	  "N|unlimited, does not: it bounds every continue or next without a count.",
	  shell_cmd_set, 0, NULL },
	{ "show", "", CLASS_SETTINGS, { { ARG_OPTION, "OPTION", ARG_OPTIONAL, NULL } }, NULL,
	  "Shows the backend's settings, or one of them",
	  "Shows the backend's settings, or one of them, and the shell's max-instructions. "
	  "The choices are listed too.",
	  shell_cmd_show, 0, NULL },
	/* traps: tracing, counting, drawing */
	{ "trace", "", CLASS_TRACING,
	  { { ARG_WORD, "traps", ARG_OPTIONAL, "traps exits" },
	    { ARG_WORD, "on|off", ARG_OPTIONAL, "on off" } },
	  NULL, "Prints each trap as it happens, or stops printing",
	  "Prints each trap as it happens, or stops printing. One line each: the guest PC, "
	  "what trapped, what the monitor did, and where the guest went. 'trace' alone says "
	  "whether it is on; under KVM 'trace exits' is the same.",
	  shell_cmd_trace, 0, NULL },
	{ "stats", "", CLASS_TRACING, { { 0 } }, NULL,
	  "Shows the figures of the run so far",
	  "Shows the figures of the run so far. Instructions (direct, emulated, "
	  "interpreted), traps by cause, reflections, injections, world switches.",
	  shell_cmd_stats, CMD_GUEST, NULL },
	{ "dot", "", CLASS_TRACING, { FILE_ARG }, NULL,
	  "Writes the trap flow as a Graphviz graph",
	  "Writes the trap flow as a Graphviz graph. Each trapping instruction, the handler "
	  "it went to, and how often, by cause and action, since the guest started. A FILE "
	  "ending in .png, .svg or .pdf is rendered with dot(1).",
	  shell_cmd_dot, CMD_GUEST, NULL },
	/* comparing a mode with the bare machine */
	{ "diverge", "", CLASS_COMPARING,
	  { { ARG_WORD, "MODE|off", ARG_OPTIONAL, "trap hybrid bt pv off" } }, NULL,
	  "Stops this run and a bare twin just before they part",
	  "Finds the first guest instruction where the run under MODE (the current mode "
	  "unless given) parts from the bare machine, as equiv does, and stops this run and "
	  "a bare twin of it just before it. From then on step, continue, next, reverse-step, "
	  "goto ... move both to the same guest instruction; 'info vcpu' shows the two side "
	  "by side and 'diff' what differs. 'diverge off' ends it; load, reset or a setting too.",
	  shell_cmd_diverge, CMD_RUNS | CMD_GUEST, NULL },
	{ "diff", "", CLASS_COMPARING, { { 0 } }, NULL,
	  "Lists what differs between this run and its bare twin",
	  "Lists every register, control register and memory word that differs between "
	  "this run and its bare twin ('diverge'), and the console when it does.",
	  shell_cmd_diff, CMD_GUEST, NULL },
	/* the session */
	{ "help", "h", CLASS_SESSION, { { ARG_COMMAND, "CMD|CLASS", ARG_OPTIONAL | ARG_MANY, NULL } },
	  NULL, "Lists the commands, or explains one",
	  "Lists the commands by class, or explains one. 'help CLASS' lists a class with a "
	  "line for each command, 'help all' every command, 'help expressions' explains "
	  "ADDR, N and VALUE.",
	  shell_cmd_help, 0, NULL },
	{ "source", "", CLASS_SESSION, { FILE_ARG }, NULL,
	  "Runs the commands in FILE",
	  "Runs the commands in FILE. One command a line; '#' starts a comment.",
	  shell_cmd_source, 0, NULL },
	{ "quit", "q exit", CLASS_SESSION, { { 0 } }, NULL,
	  "Leaves the monitor (so does Control-D)",
	  "Leaves the monitor (so does Control-D).",
	  shell_cmd_quit, 0, NULL },
	{ NULL, NULL, 0, { { 0 } }, NULL, NULL, NULL, NULL, 0, NULL },
};

const struct shell_cmd *
shell_cmd_find(const char *name)
{
	for (const struct shell_cmd *c = shell_cmds; c->name; c++)
		if (strcmp(c->name, name) == 0 || shell_words_have(c->aliases, name))
			return c;
	return NULL;
}

const struct shell_cmd *
shell_cmd_find_prefix(const struct shell_cmd *table, const char *name)
{
	const struct shell_cmd *found = NULL;
	size_t n = strlen(name);
	for (const struct shell_cmd *c = table; c->name; c++) {
		if (strcmp(c->name, name) == 0 || shell_words_have(c->aliases, name))
			return c;
		if (n && strncmp(c->name, name, n) == 0) {
			if (found)
				return NULL;        /* ambiguous */
			found = c;
		}
	}
	return found;
}

enum shell_cmd_class
shell_class_find(const char *name)
{
	for (int i = 0; i < CLASS_COUNT; i++)
		if (strcmp(shell_classes[i].name, name) == 0)
			return (enum shell_cmd_class)i;
	return CLASS_COUNT;
}
