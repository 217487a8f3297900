/* vmlinux.c — the decompressed payload is an ELF vmlinux: copy each PT_LOAD
 * to its physical address p_paddr (16 MiB up, LOAD_PHYSICAL_ADDR) and find
 * the 64-bit entry.  x86-64's linker script says ENTRY(phys_startup_64), so
 * e_entry is already physical; an e_entry that is a virtual address is
 * translated through the PT_LOAD that holds it (KVM-NOTES §3.9).  Lab 10.
 * The file is hostile until checked: every offset is bounded first. */
#include "boot_linux.h"

#include <elf.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* a + b <= limit, without overflow */
static int
fits(uint64_t a, uint64_t b, uint64_t limit)
{
	return a <= limit && b <= limit - a;
}

static Elf64_Phdr
vmlinux_phdr(const uint8_t *elf, const Elf64_Ehdr *eh, unsigned i)
{
	Elf64_Phdr ph;
	memcpy(&ph, elf + eh->e_phoff + (size_t)i * sizeof ph, sizeof ph);
	return ph;
}

/* The ELF header: an x86-64 ELF whose program headers lie inside the file. */
static int
vmlinux_check_header(const uint8_t *elf, size_t size, Elf64_Ehdr *eh, char *err, size_t errlen)
{
	if (size < sizeof *eh || memcmp(elf, ELFMAG, SELFMAG) != 0) {
		snprintf(err, errlen, "decompressed payload (%zu bytes) is not an ELF vmlinux "
			 "(no \\x7fELF magic)", size);
		return -1;
	}
	memcpy(eh, elf, sizeof *eh);
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_X86_64) {
		snprintf(err, errlen, "vmlinux is not x86-64 (ELF class %u, data %u, e_machine %u)",
			 eh->e_ident[EI_CLASS], eh->e_ident[EI_DATA], eh->e_machine);
		return -1;
	}
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 ||
	    !fits(eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr), size)) {
		snprintf(err, errlen, "vmlinux program headers (e_phoff 0x%llx, e_phnum %u, "
			 "e_phentsize %u) do not fit in its %zu bytes", (unsigned long long)eh->e_phoff,
			 eh->e_phnum, eh->e_phentsize, size);
		return -1;
	}
	return 0;
}

/* PT_LOAD number i: its bytes inside the file, its place inside RAM and not
 * below 1 MiB. */
static int
vmlinux_check_segment(const Elf64_Phdr *ph, unsigned i, size_t size, size_t ram_size,
		      char *err, size_t errlen)
{
	if (ph->p_filesz > ph->p_memsz || !fits(ph->p_offset, ph->p_filesz, size)) {
		snprintf(err, errlen, "vmlinux PT_LOAD %u: p_offset 0x%llx p_filesz 0x%llx "
			 "p_memsz 0x%llx do not fit in its %zu bytes", i,
			 (unsigned long long)ph->p_offset, (unsigned long long)ph->p_filesz,
			 (unsigned long long)ph->p_memsz, size);
		return -1;
	}
	if (ph->p_paddr < LINUX_KERNEL_MIN) {
		snprintf(err, errlen, "vmlinux PT_LOAD %u: p_paddr 0x%llx is below 1 MiB "
			 "(where the zero page and page tables live)", i,
			 (unsigned long long)ph->p_paddr);
		return -1;
	}
	if (!fits(ph->p_paddr, ph->p_memsz, ram_size)) {
		snprintf(err, errlen, "vmlinux PT_LOAD %u: p_paddr 0x%llx + p_memsz 0x%llx "
			 "ends past guest memory (%zu MiB); use --memory", i,
			 (unsigned long long)ph->p_paddr, (unsigned long long)ph->p_memsz,
			 ram_size >> 20);
		return -1;
	}
	return 0;
}

/* A virtual e_entry: through the first PT_LOAD whose p_vaddr range holds it. */
static bool
vmlinux_virtual_entry(const uint8_t *elf, const Elf64_Ehdr *eh, uint64_t *entry)
{
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr ph = vmlinux_phdr(elf, eh, i);
		if (ph.p_type == PT_LOAD && eh->e_entry >= ph.p_vaddr &&
		    eh->e_entry - ph.p_vaddr < ph.p_filesz) {
			*entry = ph.p_paddr + (eh->e_entry - ph.p_vaddr);
			return true;
		}
	}
	return false;
}

int
vmlinux_load(const uint8_t *elf, size_t size, uint8_t *ram, size_t ram_size, struct vmlinux *vm,
	     char *err, size_t errlen)
{
	memset(vm, 0, sizeof *vm);
	Elf64_Ehdr eh;
	if (vmlinux_check_header(elf, size, &eh, err, errlen) < 0)
		return -1;
	/* check every PT_LOAD before copying any */
	vm->start = UINT64_MAX;
	bool entry_found = false;
	for (unsigned i = 0; i < eh.e_phnum; i++) {
		Elf64_Phdr ph = vmlinux_phdr(elf, &eh, i);
		if (ph.p_type != PT_LOAD)
			continue;
		if (vmlinux_check_segment(&ph, i, size, ram_size, err, errlen) < 0)
			return -1;
		vm->segments++;
		if (ph.p_paddr < vm->start)
			vm->start = ph.p_paddr;
		if (ph.p_paddr + ph.p_memsz > vm->end)
			vm->end = ph.p_paddr + ph.p_memsz;
		/* a physical e_entry (the usual case): the first PT_LOAD holding it */
		if (!entry_found && eh.e_entry >= ph.p_paddr && eh.e_entry - ph.p_paddr < ph.p_filesz) {
			vm->entry = eh.e_entry;
			entry_found = true;
		}
	}
	if (!entry_found)
		entry_found = vmlinux_virtual_entry(elf, &eh, &vm->entry);
	if (vm->segments == 0) {
		snprintf(err, errlen, "vmlinux has no PT_LOAD segment");
		return -1;
	}
	if (!entry_found) {
		snprintf(err, errlen, "vmlinux e_entry 0x%llx is in no PT_LOAD segment",
			 (unsigned long long)eh.e_entry);
		return -1;
	}
	for (unsigned i = 0; ram && i < eh.e_phnum; i++) {
		Elf64_Phdr ph = vmlinux_phdr(elf, &eh, i);
		if (ph.p_type != PT_LOAD)
			continue;
		memcpy(ram + ph.p_paddr, elf + ph.p_offset, ph.p_filesz);
		memset(ram + ph.p_paddr + ph.p_filesz, 0, ph.p_memsz - ph.p_filesz);
	}
	return 0;
}
