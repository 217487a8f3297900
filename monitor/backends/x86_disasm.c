/* x86_disasm.c — Capstone, loaded when the first x86 instruction is
 * decoded (x86_disasm.h; the KVM backend of Lab 10).
 *
 * Why not link it: libcapstone carries some 80,000 relative relocations,
 * which the dynamic loader applies before main() — about 5 ms and 330
 * copy-on-write page faults on every traplab command, more than assembling
 * and running a PG32 guest takes.  Only a KVM session ever disassembles,
 * so it pays, once, with dlopen().  The handles live until the process
 * ends, like the library. */
#include "x86_disasm.h"

#include <capstone/capstone.h>
#include <dlfcn.h>
#include <stdio.h>

#define X86_DISASM_STR(x) #x
#define X86_DISASM_SONAME(major) "libcapstone.so." X86_DISASM_STR(major)

/* The four Capstone entry points we use, as the header declares them. */
struct capstone {
	bool loaded;
	char failure[200];          /* why loading failed, once it did */
	cs_err (*open)(cs_arch, cs_mode, csh *);
	size_t (*disasm)(csh, const uint8_t *, size_t, uint64_t, size_t, cs_insn **);
	void (*free)(cs_insn *, size_t);
	csh handle[X86_CODE_SIZES];
};

static struct capstone capstone;

static bool
capstone_load(char *err, size_t errlen)
{
	if (capstone.loaded)
		return true;
	if (capstone.failure[0])
		goto failed;
	const char *soname = X86_DISASM_SONAME(CS_API_MAJOR);
	void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!lib) {
		snprintf(capstone.failure, sizeof capstone.failure,
			 "Capstone: cannot load %s (Debian package libcapstone4): %s", soname, dlerror());
		goto failed;
	}
	*(void **)&capstone.open = dlsym(lib, "cs_open");
	*(void **)&capstone.disasm = dlsym(lib, "cs_disasm");
	*(void **)&capstone.free = dlsym(lib, "cs_free");
	static const cs_mode modes[X86_CODE_SIZES] = {
		[X86_CODE16] = CS_MODE_16, [X86_CODE32] = CS_MODE_32, [X86_CODE64] = CS_MODE_64,
	};
	bool opened = capstone.open && capstone.disasm && capstone.free;
	for (int i = 0; opened && i < X86_CODE_SIZES; i++)
		opened = capstone.open(CS_ARCH_X86, modes[i], &capstone.handle[i]) == CS_ERR_OK;
	if (!opened) {
		snprintf(capstone.failure, sizeof capstone.failure,
			 "Capstone: %s has no x86 disassembler", soname);
		goto failed;
	}
	capstone.loaded = true;
	return true;
failed:
	snprintf(err, errlen, "%s", capstone.failure);
	return false;
}

int
x86_disasm_one(enum x86_code_size size, const uint8_t *code, size_t n, uint64_t addr,
	       struct x86_decoded *out, char *err, size_t errlen)
{
	if (!capstone_load(err, errlen))
		return -1;
	cs_insn *insn;
	if (capstone.disasm(capstone.handle[size], code, n, addr, 1, &insn) != 1)
		return 0;
	out->size = insn->size;
	out->is_call = insn->id == X86_INS_CALL || insn->id == X86_INS_LCALL;
	snprintf(out->text, sizeof out->text, "%s%s%s", insn->mnemonic, insn->op_str[0] ? " " : "",
		 insn->op_str);
	capstone.free(insn, 1);
	return 1;
}
