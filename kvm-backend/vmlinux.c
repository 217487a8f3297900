/* vmlinux.c — the decompressed payload is an ELF vmlinux: copy each PT_LOAD
 * to its physical address p_paddr (16 MiB up, LOAD_PHYSICAL_ADDR) and find
 * the 64-bit entry.  x86-64's linker script says ENTRY(phys_startup_64), so
 * e_entry is already physical; an e_entry that is a virtual address is
 * translated through the PT_LOAD that holds it (KVM-NOTES §3.9).  Lab 10.
 * The file is hostile until checked: every offset is bounded first. */
#include "boot_linux.h"

#include <elf.h>
#include <stdio.h>
#include <string.h>

/* a + b <= limit, without overflow */
static int
fits(uint64_t a, uint64_t b, uint64_t limit)
{
	return a <= limit && b <= limit - a;
}

int
vmlinux_load(const uint8_t *elf, size_t size, uint8_t *ram, size_t ram_size, struct vmlinux *vm,
	     char *err, size_t errlen)
{
	memset(vm, 0, sizeof *vm);
	Elf64_Ehdr eh;
	if (size < sizeof eh || memcmp(elf, ELFMAG, SELFMAG) != 0) {
		snprintf(err, errlen, "decompressed payload (%zu bytes) is not an ELF vmlinux "
			 "(no \\x7fELF magic)", size);
		return -1;
	}
	memcpy(&eh, elf, sizeof eh);
	if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh.e_machine != EM_X86_64) {
		snprintf(err, errlen, "vmlinux is not x86-64 (ELF class %u, data %u, e_machine %u)",
			 eh.e_ident[EI_CLASS], eh.e_ident[EI_DATA], eh.e_machine);
		return -1;
	}
	if (eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 ||
	    !fits(eh.e_phoff, (uint64_t)eh.e_phnum * sizeof(Elf64_Phdr), size)) {
		snprintf(err, errlen, "vmlinux program headers (e_phoff 0x%llx, e_phnum %u, "
			 "e_phentsize %u) do not fit in its %zu bytes", (unsigned long long)eh.e_phoff,
			 eh.e_phnum, eh.e_phentsize, size);
		return -1;
	}
	vm->start = UINT64_MAX;
	int entry_found = 0;
	for (unsigned pass = 0; pass < 2; pass++) {     /* check all, then copy */
		for (unsigned i = 0; i < eh.e_phnum; i++) {
			Elf64_Phdr ph;
			memcpy(&ph, elf + eh.e_phoff + (size_t)i * sizeof ph, sizeof ph);
			if (ph.p_type != PT_LOAD)
				continue;
			if (pass == 1) {
				if (ram) {
					memcpy(ram + ph.p_paddr, elf + ph.p_offset, ph.p_filesz);
					memset(ram + ph.p_paddr + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
				}
				continue;
			}
			if (ph.p_filesz > ph.p_memsz || !fits(ph.p_offset, ph.p_filesz, size)) {
				snprintf(err, errlen, "vmlinux PT_LOAD %u: p_offset 0x%llx p_filesz 0x%llx "
					 "p_memsz 0x%llx do not fit in its %zu bytes", i,
					 (unsigned long long)ph.p_offset, (unsigned long long)ph.p_filesz,
					 (unsigned long long)ph.p_memsz, size);
				return -1;
			}
			if (ph.p_paddr < LINUX_KERNEL_MIN) {
				snprintf(err, errlen, "vmlinux PT_LOAD %u: p_paddr 0x%llx is below 1 MiB "
					 "(where the zero page and page tables live)", i,
					 (unsigned long long)ph.p_paddr);
				return -1;
			}
			if (!fits(ph.p_paddr, ph.p_memsz, ram_size)) {
				snprintf(err, errlen, "vmlinux PT_LOAD %u: p_paddr 0x%llx + p_memsz 0x%llx "
					 "ends past guest memory (%zu MiB); use --memory", i,
					 (unsigned long long)ph.p_paddr, (unsigned long long)ph.p_memsz,
					 ram_size >> 20);
				return -1;
			}
			vm->segments++;
			if (ph.p_paddr < vm->start)
				vm->start = ph.p_paddr;
			if (ph.p_paddr + ph.p_memsz > vm->end)
				vm->end = ph.p_paddr + ph.p_memsz;
			if (!entry_found && eh.e_entry >= ph.p_paddr &&
			    eh.e_entry - ph.p_paddr < ph.p_filesz) {
				vm->entry = eh.e_entry;
				entry_found = 2;
			}
		}
		if (pass == 1)
			break;
		/* a virtual e_entry: through the PT_LOAD whose p_vaddr range holds it */
		for (unsigned i = 0; !entry_found && i < eh.e_phnum; i++) {
			Elf64_Phdr ph;
			memcpy(&ph, elf + eh.e_phoff + (size_t)i * sizeof ph, sizeof ph);
			if (ph.p_type == PT_LOAD && eh.e_entry >= ph.p_vaddr &&
			    eh.e_entry - ph.p_vaddr < ph.p_filesz) {
				vm->entry = ph.p_paddr + (eh.e_entry - ph.p_vaddr);
				entry_found = 1;
			}
		}
		if (vm->segments == 0) {
			snprintf(err, errlen, "vmlinux has no PT_LOAD segment");
			return -1;
		}
		if (!entry_found) {
			snprintf(err, errlen, "vmlinux e_entry 0x%llx is in no PT_LOAD segment",
				 (unsigned long long)eh.e_entry);
			return -1;
		}
	}
	return 0;
}
