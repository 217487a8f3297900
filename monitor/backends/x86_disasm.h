/* x86_disasm.h — one x86 instruction decoded to text, for the KVM
 * backend's `x/i`, its disassembly pane and "step over a call" (Lab 10).
 * Capstone does the decoding; it is loaded the first time an instruction is
 * decoded (x86_disasm.c says why). */
#ifndef TRAPLAB_X86_DISASM_H
#define TRAPLAB_X86_DISASM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum x86_code_size { X86_CODE16, X86_CODE32, X86_CODE64, X86_CODE_SIZES };

struct x86_decoded {
	size_t size;             /* bytes the instruction takes */
	bool is_call;            /* call or lcall: "next" steps over it */
	char text[200];          /* "mov eax, dword ptr [ebx + 4]": Capstone's mnemonic + operands */
};

/* Decode the instruction at the start of code[0..n), which sits at `addr`.
 * Returns 1 and fills *out; 0 when the bytes are not an instruction; -1
 * when Capstone cannot be loaded (the reason in err). */
int x86_disasm_one(enum x86_code_size size, const uint8_t *code, size_t n, uint64_t addr,
		   struct x86_decoded *out, char *err, size_t errlen);

#endif
