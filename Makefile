# TrapLab — one Makefile for the whole tree.
#
#   make            build build/traplab and the PG32 guests
#   make run        the main job: the interactive monitor on minios
#   make test       build and run every CUnit suite (tests/)
#   make SAN=1 test the same suite under AddressSanitizer + UBSan (build-san/)
#   make bench      run the benchmarks under bench/ and print their ratios
#   make fuzz       every libFuzzer target: its corpus, then FUZZ_SECONDS of fuzzing
#   make valgrind   memcheck over the PG32 and monitor suites (slow: not in CI)
#   make deps       install missing Debian packages (apt-get as root, else
#                   print the exact command); the other targets run it first
#   make linux      Debian's kernel (+ kvm modules) and the busybox initramfs
#   make svm-shell  a shell on the SVM host: KVM's AMD-V backend on QEMU's
#                   software CPU, for `traplab kvm --linux` without VT-x/AMD-V
#   make vmx-shell  the same on the VMX host: KVM's Intel backend on Bochs's
#                   software VT-x (slower: ~30 s to its shell)
#   make V=1 ...    show the full commands
#
# Objects are listed one per line, so a lab's new file is a one-line change.

ifeq ($(SAN),1)
BUILD    := build-san
OPTFLAGS := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
else
BUILD    := build
OPTFLAGS := -O2 -g
endif

CC       ?= gcc
CPPFLAGS := -D_GNU_SOURCE -Iisa -Imachine -Imonitor/vmm -Imonitor/tools -Imonitor/backends \
            -Imonitor/shell -Imonitor/cli -Ikvm-backend -Ikvm-backend/linux -Itests
CFLAGS   := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes $(OPTFLAGS) -MMD -MP
LDFLAGS  := $(filter -fsanitize%,$(OPTFLAGS))
# The libraries are linked statically: each shared library costs every
# traplab command its loading and relocation before main() (~1 ms for these
# five; Capstone alone cost 5 ms and is now loaded only when a KVM session
# disassembles, monitor/backends/x86_disasm.c) -- and `traplab run` of a
# small guest should take no longer than starting a process (bench/vm).
# traplab itself is linked at a fixed address (-no-pie): with no load-time
# relocation of its own, `traplab run` of hello takes ~1.3 ms less (bench/vm).
STATIC   := -Wl,-Bstatic
DYNAMIC  := -Wl,-Bdynamic
LDLIBS   := $(STATIC) -llzma -lz -lzstd $(DYNAMIC) -ldl
READLINE := $(STATIC) -lreadline -ltinfo $(DYNAMIC)

ifeq ($(V),1)
Q :=
else
Q := @
endif

# ---- the library every program links: ISA, machine, monitor core ------------------------
LIB_OBJS += isa/isa.o
LIB_OBJS += isa/symbols.o
LIB_OBJS += isa/asm.o
LIB_OBJS += isa/asm_lex.o
LIB_OBJS += isa/asm_expr.o
LIB_OBJS += isa/asm_dir.o
LIB_OBJS += isa/asm_insn.o
LIB_OBJS += isa/disasm.o
LIB_OBJS += machine/machine.o
LIB_OBJS += machine/cpu.o
LIB_OBJS += machine/mmu.o
LIB_OBJS += machine/tlb.o
LIB_OBJS += machine/bus.o
LIB_OBJS += machine/dev_console.o
LIB_OBJS += machine/dev_timer.o
LIB_OBJS += machine/dev_power.o
LIB_OBJS += machine/image.o
LIB_OBJS += machine/machine_describe.o
LIB_OBJS += machine/machine_snapshot.o
# the monitor's rooms (monitor/README.md): every .c file of a room is built,
# so a new file of a lab is no Makefile change.  Includes go one way only:
# cli -> shell -> backends -> tools -> vmm (tests/house checks it).
LIB_OBJS += $(patsubst %.c,%.o,$(wildcard monitor/vmm/*.c))
LIB_OBJS += $(patsubst %.c,%.o,$(wildcard monitor/tools/*.c))
LIB_OBJS += $(patsubst %.c,%.o,$(wildcard monitor/backends/*.c))
# the KVM backend: every file of kvm-backend/ (see kvm-backend/kvm.h)
LIB_OBJS += $(patsubst %.c,%.o,$(wildcard kvm-backend/*.c kvm-backend/*/*.c))

# ---- the traplab program ----------------------------------------------------
TRAPLAB_OBJS += $(patsubst %.c,%.o,$(wildcard monitor/shell/*.c))
TRAPLAB_OBJS += $(patsubst %.c,%.o,$(wildcard monitor/cli/*.c))

# ---- the CUnit test runner (tests/suites.def lists the suites) ---------------
TEST_OBJS += tests/main.o
TEST_OBJS += tests/support.o tests/run_report.o tests/run_watchdog.o
TEST_OBJS += $(patsubst %.c,%.o,$(wildcard tests/isa/*.c tests/machine/*.c tests/guests/*.c tests/cli/*.c tests/monitor/*.c tests/kvm/*.c tests/lessons/*.c tests/spec/*.c tests/house/*.c tests/runner/*.c))

# ---- PG32 guests, assembled by traplab itself --------------------------------
GUESTS += $(BUILD)/guests/hello.img
GUESTS += $(BUILD)/guests/minios.img
GUESTS += $(BUILD)/guests/crc32.img
GUESTS += $(BUILD)/guests/crc32_paged.img

# ---- x86 guests for the KVM backend, flat binaries (guests/x86/README.md) -------
GUESTS += $(BUILD)/guests/x86/realmode.bin
GUESTS += $(BUILD)/guests/x86/modes.bin
GUESTS += $(BUILD)/guests/x86/exits.bin
GUESTS += $(BUILD)/guests/x86/uartirq.bin
GUESTS += $(BUILD)/guests/x86/uartflood.bin
GUESTS += $(BUILD)/guests/x86/uartdrain.bin
GUESTS += $(BUILD)/guests/x86/mmiosweep.bin
GUESTS += $(BUILD)/guests/x86/spin.bin
# Multiboot test kernels for `traplab kvm --kernel=FILE` (guests/x86/multiboot/README.md)
MB_GUESTS := $(BUILD)/guests/x86/multiboot/mbcheck.elf $(BUILD)/guests/x86/multiboot/mbaout.bin
GUESTS += $(MB_GUESTS)

LIB      := $(BUILD)/libtraplab.a
TRAPLAB  := $(BUILD)/traplab
TESTBIN  := $(BUILD)/tests/run-tests

.PHONY: all run test bench valgrind deps clean
all: $(TRAPLAB) $(GUESTS)

run: all
	$(TRAPLAB) monitor guests/pg32/minios/minios.s

# The tests find the tree through TRAPLAB_TOP and the program they drive
# through TRAPLAB_BIN (build/ or build-san/).
test: $(TESTBIN) $(TRAPLAB) $(GUESTS)
	TRAPLAB_TOP=$(CURDIR) TRAPLAB_BIN=$(CURDIR)/$(TRAPLAB) $(TESTBIN)

# Valgrind's memcheck over the PG32 and monitor suites, runner and program
# (tools-build/valgrind.sh; ~30 min, so not in CI).
valgrind: $(TESTBIN) $(TRAPLAB) $(GUESTS)
	tools-build/valgrind.sh $(BUILD)

bench: all
	bench/interp/run
	bench/trap/run
	bench/compare/run
	bench/vm/run
	bench/kvm/run
	bench/reverse/run

$(BUILD)/bench/bench_kvm: $(BUILD)/bench/kvm/bench_kvm.o $(LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/bench/bench_compare: $(BUILD)/bench/compare/bench_compare.o $(LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/bench/bench_vm: $(BUILD)/bench/vm/bench_vm.o $(LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/bench/bench_reverse: $(BUILD)/bench/reverse/bench_reverse.o
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)

$(BUILD)/bench/bench_trap: $(BUILD)/bench/trap/bench_trap.o $(LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS)

# ---- lessons/: diagrams and per-lab checkers ---------------------------------------------
#   make lessons                  render every lessons/*/diagram.dot to build/lessons/*/diagram.svg,
#                                 and lessons/labs.dot to build/lessons/labs.svg (`make`
#                                 does it too, when Graphviz's dot is installed; without
#                                 it, `make` says once that it skipped them)
#   make lab1-check [FILE=...]    run lessons/01-machine/check on lab1.s (or FILE)
#   make lab2-check [FILE=...]    run lessons/02-classify/check on answers.json (or FILE)
#   make lab-check N=6 [FILE=...] the same for any lab folder lessons/06-*/ that has a `check`
# The checkers drive $(TRAPLAB) (build/ or, with SAN=1, build-san/) through TRAPLAB_BIN.
LESSON_SVGS := $(patsubst lessons/%/diagram.dot,build/lessons/%/diagram.svg,$(wildcard lessons/*/diagram.dot))
LAB_CHECK    = TRAPLAB_BIN=$(CURDIR)/$(TRAPLAB) $(1) $(FILE)

.PHONY: lessons lab-check lab1-check lab2-check lessons-skipped
lessons: $(LESSON_SVGS) build/lessons/labs.svg

# the default build renders them too, so a lab's link to its diagram.svg works after `make`
ifneq ($(shell command -v dot 2>/dev/null),)
all: $(LESSON_SVGS) build/lessons/labs.svg
else
all: lessons-skipped
lessons-skipped:
	@echo "lessons: no Graphviz 'dot' (make deps installs graphviz); diagrams skipped"
endif

# the lab dependency picture (lessons/README.md)
build/lessons/labs.svg: lessons/labs.dot
	@mkdir -p $(@D)
	@$(if $(Q),echo "  DOT     $<")
	$(Q)dot -Tsvg $< -o $@

build/lessons/%/diagram.svg: lessons/%/diagram.dot
	@mkdir -p $(@D)
	@$(if $(Q),echo "  DOT     $<")
	$(Q)dot -Tsvg $< -o $@

lab1-check: $(TRAPLAB)
	$(call LAB_CHECK,lessons/01-machine/check)

lab2-check: $(TRAPLAB)
	$(call LAB_CHECK,lessons/02-classify/check)

lab-check: $(TRAPLAB)
	$(Q)[ -n "$(N)" ] || { echo "lab-check: say which lab, e.g. make lab-check N=1"; exit 2; }; \
	dir=$$(ls -d lessons/$$(printf %02d "$(N)")-*/ 2>/dev/null | head -n1); \
	[ -n "$$dir" ] && [ -x "$${dir}check" ] || { echo "lab-check: no lessons/$$(printf %02d "$(N)")-*/check"; exit 2; }; \
	$(call LAB_CHECK,$${dir}check)

# ---- lessons 6 and 10: their checkers (this block: lab6-check, lab10-check) ------------
#   make lab6-check [FILE=...]    lessons/06-holes/check on lessons/06-holes/probe.s (or FILE)
#   make lab10-check [FILE=...]   lessons/10-compare/check on lessons/10-compare/ranking.json
#                                 (or FILE); it measures with traplab compare, LAB10_REPS=N
#                                 sets --reps (default 3)
.PHONY: lab6-check lab10-check
lab6-check: $(TRAPLAB)
	TRAPLAB_BIN=$(CURDIR)/$(TRAPLAB) lessons/06-holes/check $(FILE)

lab10-check: $(TRAPLAB)
	TRAPLAB_BIN=$(CURDIR)/$(TRAPLAB) lessons/10-compare/check $(FILE)

# ---- the course kit: hand a lab out, grade it, hand it in (lessons/README.md, the end) --
#   make handout LAB=N DEST=DIR   a student's tree in DIR: no solution/ folders, lab N's
#                                 regions in C sources stubbed, the starter in place,
#                                 answers-labN.txt and time.txt (tools-build/handout.sh)
#   make grade [LAB=N]            build, run the lab's check, score it with
#                                 lessons/NN-*/points; writes grade-results.json
#                                 (Gradescope's fields); LAB defaults to .handout-lab;
#                                 SOLUTION=1 grades the reference, FILE=... any input
#   make handin                   in a handout tree: handin-labN.tar.gz (patch, answers,
#                                 time), refused if it does not build or is unanswered
#   make grade-all HANDINS=DIR [OUT=grades.csv]
#                                 grade a folder of hand-ins, each in a clean tree,
#                                 into one CSV row per student (tools-build/grade-all.sh)
.PHONY: handout grade handin grade-all
handout:
	$(Q)tools-build/handout.sh "$(LAB)" "$(DEST)"

grade:
	$(Q)MAKE="$(MAKE)" LAB="$(LAB)" SOLUTION="$(SOLUTION)" FILE="$(FILE)" tools-build/grade.sh

handin:
	$(Q)MAKE="$(MAKE)" tools-build/handin.sh

grade-all:
	$(Q)MAKE="$(MAKE)" tools-build/grade-all.sh "$(HANDINS)" "$(or $(OUT),grades.csv)"

# ---- dependencies: Debian packages -------------------------------------------
# header-or-program  package (clang-14 and libFuzzer's runtime: make fuzz)
DEPS := /usr/include/CUnit/CUnit.h:libcunit1-dev \
        /usr/include/readline/readline.h:libreadline-dev \
        /usr/include/curses.h:libncurses-dev \
        /usr/bin/dot:graphviz \
        /usr/bin/tmux:tmux \
        /usr/bin/valgrind:valgrind \
        /usr/include/lzma.h:liblzma-dev \
        /usr/include/zlib.h:zlib1g-dev \
        /usr/include/zstd.h:libzstd-dev \
        /usr/include/capstone/capstone.h:libcapstone-dev \
        /usr/bin/as:binutils \
        /usr/bin/cpio:cpio \
        /usr/bin/patch:patch \
        /usr/bin/python3:python3 \
        /usr/bin/clang-14:clang-14 \
        /usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a:libclang-rt-14-dev

DEPS_STAMP := $(BUILD)/.deps-ok
$(DEPS_STAMP): Makefile
	$(Q)missing=""; \
	for d in $(DEPS); do f=$${d%%:*}; p=$${d##*:}; \
	  [ -e "$$f" ] || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "deps: installing$$missing"; \
	    (apt-get install -y -q $$missing >/dev/null 2>&1 || \
	     (apt-get update -q >/dev/null && apt-get install -y -q $$missing >/dev/null)) || \
	     { echo "deps: apt-get install$$missing failed"; exit 1; }; \
	  else \
	    echo "deps: missing Debian packages. Run:"; \
	    echo "    sudo apt-get install -y$$missing"; exit 1; \
	  fi; \
	fi
	$(Q)mkdir -p $(@D) && touch $@

deps: $(DEPS_STAMP)

# The interpreter (machine/cpu.c) ends every instruction's handler with its own
# indirect jump ("threaded code"), so the host's branch predictor learns which
# instruction follows which.  GCC merges those jumps back into one unless told
# not to; with them kept apart the bare machine runs ~1.7x faster (bench/interp).
INTERP_CFLAGS := $(shell $(CC) -fno-tree-tail-merge -E -x c /dev/null >/dev/null 2>&1 && \
                   echo -fno-gcse -fno-crossjumping -fno-tree-tail-merge)
$(BUILD)/machine/cpu.o: CFLAGS += $(INTERP_CFLAGS)

# ---- rules ------------------------------------------------------------------
$(BUILD)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@

$(LIB): $(addprefix $(BUILD)/,$(LIB_OBJS))
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(TRAPLAB): $(addprefix $(BUILD)/,$(TRAPLAB_OBJS)) $(LIB)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -no-pie $^ -o $@ $(LDLIBS) $(READLINE)

$(TESTBIN): $(addprefix $(BUILD)/,$(TEST_OBJS)) $(LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) $^ -o $@ $(LDLIBS) -lcunit

$(BUILD)/guests/%.img: guests/pg32/%.s $(TRAPLAB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  ASM     $<")
	$(Q)$(TRAPLAB) asm $< -o $@

$(BUILD)/guests/minios.img: guests/pg32/minios/minios.s $(wildcard guests/pg32/minios/*.s) $(TRAPLAB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  ASM     $<")
	$(Q)$(TRAPLAB) asm $< -o $@

# ---- Linux for `traplab kvm --linux` (kvm-backend/linux/boot_linux.c) ------------------------
# Debian's own kernel, fetched with `apt-get download` and unpacked with dpkg-deb (never
# installed: linux-image's initramfs hooks are slow, and /boot may hold another version),
# and a busybox-static initramfs (guests/x86/linux/README.md).  Both live under build/ for
# either build tree (SAN=1 too): they are inputs, not compiled objects, and the kernel .deb
# is ~70 MB.  Without a reachable registry these targets print the command and fail alone;
# `make test` tries them once and the Linux tests then say SKIPPED.
LINUX_DIR  := build/linux
INITRAMFS  := build/guests/x86/initramfs.cpio.gz
LINUX_PKG   = $$(apt-cache depends linux-image-amd64 2>/dev/null | \
                sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*-amd64\)$$/\1/p' | head -n1)

.PHONY: linux linux-try
linux: $(LINUX_DIR)/vmlinuz $(INITRAMFS)

linux-try:
	$(Q)$(MAKE) -s --no-print-directory $(LINUX_DIR)/vmlinuz $(INITRAMFS) || \
	  echo "linux: not fetched; the Linux tests will say SKIPPED"

test: linux-try

# The package's kvm modules come along (build/linux/modules/) for the SVM and VMX hosts below.
LINUX_MODULES := arch/x86/kvm/kvm.ko arch/x86/kvm/kvm-amd.ko arch/x86/kvm/kvm-intel.ko \
                 virt/lib/irqbypass.ko drivers/crypto/ccp/ccp.ko
$(LINUX_DIR)/vmlinuz $(LINUX_DIR)/modules/kvm-amd.ko $(LINUX_DIR)/modules/kvm-intel.ko &:
	@mkdir -p $(LINUX_DIR)
	$(Q)pkg=$(LINUX_PKG); \
	if [ -z "$$pkg" ] && [ "$$(id -u)" = 0 ]; then apt-get update -q >/dev/null 2>&1; pkg=$(LINUX_PKG); fi; \
	if [ -z "$$pkg" ]; then \
	  echo "linux: cannot resolve linux-image-amd64's kernel package; run:"; \
	  echo "    apt-get update && apt-cache depends linux-image-amd64"; exit 1; fi; \
	echo "  FETCH   $$pkg"; \
	d=$(LINUX_DIR); \
	(cd $$d && rm -f linux-image-*.deb && apt-get download -q "$$pkg" >/dev/null 2>&1) || { \
	  echo "linux: download failed; run:"; \
	  echo "    (cd $$d && apt-get download $$pkg)"; exit 1; }; \
	rm -rf $$d/boot $$d/lib $$d/modules && mkdir -p $$d/modules && \
	dpkg-deb --fsys-tarfile $$d/linux-image-*.deb | tar -x -C $$d --wildcards './boot/vmlinuz-*' \
	  $(foreach m,$(LINUX_MODULES),'./lib/modules/*/kernel/$(m)') && \
	mv $$d/lib/modules/*/kernel/*/*/*.ko $$d/lib/modules/*/kernel/*/*/*/*.ko $$d/modules/ && \
	mv $$d/boot/vmlinuz-* $$d/vmlinuz.tmp && rm -rf $$d/boot $$d/lib $$d/linux-image-*.deb && \
	echo "$$pkg" > $$d/PACKAGE && mv $$d/vmlinuz.tmp $$d/vmlinuz

$(LINUX_DIR)/busybox:
	@mkdir -p $(@D)
	$(Q)echo "  FETCH   busybox-static"; \
	(cd $(@D) && rm -f busybox-static_*.deb && apt-get download -q busybox-static >/dev/null 2>&1) || { \
	  echo "linux: download failed; run:"; \
	  echo "    (cd $(@D) && apt-get download busybox-static)"; exit 1; }; \
	rm -rf $(@D)/bb && mkdir -p $(@D)/bb && \
	dpkg-deb --fsys-tarfile $(@D)/busybox-static_*.deb | tar -x -C $(@D)/bb ./bin/busybox && \
	mv $(@D)/bb/bin/busybox $@ && rm -rf $(@D)/bb $(@D)/busybox-static_*.deb

# The tree: /init (guests/x86/linux/init) and busybox; no device nodes (needs no root):
# /init mounts devtmpfs before it opens /dev/console.  Owner 0:0 via cpio -R.
$(INITRAMFS): guests/x86/linux/init $(LINUX_DIR)/busybox
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)r=$(@D)/initramfs.d; rm -rf $$r && \
	mkdir -p $$r/bin $$r/sbin $$r/dev $$r/proc $$r/sys $$r/tmp $$r/root && \
	cp $(LINUX_DIR)/busybox $$r/bin/busybox && cp guests/x86/linux/init $$r/init && \
	chmod 755 $$r/init $$r/bin/busybox && \
	(cd $$r && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -9n > $@.tmp && \
	rm -rf $$r && mv $@.tmp $@

# ---- The SVM host: hardware-assisted KVM where the CPU has none (guests/x86/svm-host/) ---
# Our machines' /dev/kvm is kvm_pvm, on which Debian's kernel cannot boot.  QEMU's
# software CPU (TCG) implements AMD-V, so a Linux inside it gets /dev/kvm from kvm_amd,
# KVM's hardware-assisted backend, and traplab runs there as on an AMD laptop.  The
# image: busybox, the kernel package's kvm modules, $(TRAPLAB) with the shared
# libraries it loads, and the guest's kernel and initramfs where traplab looks.
SVM_DIR   := $(BUILD)/svm-host
SVM_IMAGE := $(SVM_DIR)/initramfs.cpio.gz
SVM_QEMU  := /usr/bin/qemu-system-x86_64
.PHONY: svm-host svm-host-tests svm-host-try svm-shell
svm-host: $(SVM_IMAGE)

# The shared libraries traplab needs in a host's image: what ldd lists, and
# Capstone, which it opens only when a KVM session disassembles (x86_disasm.c).
CAPSTONE_LIB  := $(firstword $(wildcard /usr/lib/x86_64-linux-gnu/libcapstone.so.4 \
                                        /lib/x86_64-linux-gnu/libcapstone.so.4))
TRAPLAB_LIBS  = $$(ldd $(TRAPLAB) | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p') \
                $(CAPSTONE_LIB)

$(SVM_IMAGE): guests/x86/svm-host/init $(TRAPLAB) $(LINUX_DIR)/vmlinuz \
              $(LINUX_DIR)/modules/kvm-amd.ko $(LINUX_DIR)/busybox $(INITRAMFS)
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)r=$(SVM_DIR)/root; rm -rf $$r && \
	mkdir -p $$r/bin $$r/dev $$r/proc $$r/sys $$r/tmp $$r/root $$r/modules \
	  $$r/build/linux $$r/build/guests/x86 && \
	cp $(LINUX_DIR)/busybox $$r/bin/busybox && cp guests/x86/svm-host/init $$r/init && \
	cp $(LINUX_DIR)/modules/*.ko $$r/modules/ && \
	cp $(TRAPLAB) $$r/bin/traplab && \
	for lib in $(TRAPLAB_LIBS); do \
	  cp -L --parents $$lib $$r/ || exit 1; done && \
	cp $(LINUX_DIR)/vmlinuz $$r/build/linux/vmlinuz && \
	cp $(INITRAMFS) $$r/build/guests/x86/initramfs.cpio.gz && \
	(cd $$r && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1n > $@.tmp && \
	rm -rf $$r && mv $@.tmp $@

# `traplab kvm --svm-host` (monitor/cli/svm_host.c): the same host for one command,
# uncompressed (gunzip under TCG costs ~1 s) and without the guest's kernel and
# initramfs: the command carries in its own files and traplab itself.  terminfo lets
# readline there know the terminal.  And the kernel's payload as an ELF vmlinux, which
# QEMU boots by PVH: the bzImage's own XZ decompressor takes ~6 s under TCG.
SVM_RUN_IMAGE := $(SVM_DIR)/run.cpio
SVM_KERNEL    := $(SVM_DIR)/vmlinux
svm-host: $(SVM_RUN_IMAGE) $(SVM_KERNEL)

$(SVM_RUN_IMAGE): guests/x86/svm-host/init $(TRAPLAB) $(LINUX_DIR)/modules/kvm-amd.ko \
                  $(LINUX_DIR)/busybox
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)r=$(SVM_DIR)/run-root; rm -rf $$r && \
	mkdir -p $$r/bin $$r/dev $$r/proc $$r/sys $$r/tmp $$r/root $$r/modules $$r/lib && \
	cp $(LINUX_DIR)/busybox $$r/bin/busybox && cp guests/x86/svm-host/init $$r/init && \
	cp $(LINUX_DIR)/modules/*.ko $$r/modules/ && \
	for lib in $(TRAPLAB_LIBS); do \
	  cp -L --parents $$lib $$r/ || exit 1; done && \
	if [ -d /lib/terminfo ]; then cp -r /lib/terminfo $$r/lib/; fi && \
	(cd $$r && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > $@.tmp && \
	rm -rf $$r && mv $@.tmp $@

# The payload starts at XZ's magic (FD 37 7A 58 5A 00); without xz(1) there is no
# vmlinux and svm_host.c boots the bzImage (~6 s slower).
$(SVM_KERNEL): $(LINUX_DIR)/vmlinuz
	@$(if $(Q),echo "  XZ      $@")
	$(Q)mkdir -p $(@D) && off=$$(LC_ALL=C grep -abo "$$(printf '\3757zXZ')" $< | head -1 | cut -d: -f1) && \
	[ -n "$$off" ] && tail -c +$$((off + 1)) $< | xz -dc --single-stream > $@.tmp 2>/dev/null && \
	mv $@.tmp $@ || { rm -f $@.tmp; echo "svm-host: no vmlinux from $< (xz missing?); --svm-host boots the bzImage"; }

# bench/kvm (c): the same host with QEMU in it too, as the reference VMM.  The kernel
# unpacks concatenated cpio archives in turn, so this is the image plus QEMU's files.
SVM_BENCH_IMAGE := $(SVM_DIR)/with-qemu.cpio.gz
$(SVM_BENCH_IMAGE): $(SVM_IMAGE) $(SVM_QEMU)
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)r=$(SVM_DIR)/qemu-root; rm -rf $$r && mkdir -p $$r/usr/share/qemu && \
	cp --parents $(SVM_QEMU) $$r/ && cp /usr/share/qemu/bios-microvm.bin $$r/usr/share/qemu/ && \
	for lib in $$(ldd $(SVM_QEMU) | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p'); do \
	  cp -L --parents $$lib $$r/ || exit 1; done && \
	(cd $$r && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1n > $@.tmp && \
	cat $(SVM_IMAGE) $@.tmp > $@.all && rm -rf $$r $@.tmp && mv $@.all $@

# The KVM tests, where this machine has no hardware-assisted /dev/kvm (none, or kvm_pvm):
# the test runner moves the tests that need /dev/kvm into the SVM host and counts their
# results (tests/kvm/kvm_delegate.c).  The image adds, under /tree (their TRAPLAB_TOP),
# $(TESTBIN), the shared libraries only it loads, the x86 guests with their symbols, and
# links to the host's traplab and to the kernel and initramfs it already holds.
SVM_TEST_IMAGE := $(SVM_DIR)/with-tests.cpio.gz
svm-host-tests: $(SVM_TEST_IMAGE)

# Debian's gdb for the GDB-stub test (tests/kvm/test_gdbstub.c), as /usr/bin/gdb in the
# image: gdb-minimal (the same gdb 13 without Python, whose full build needs Python's
# library in the image), unpacked from its .deb with `apt-get download` (its etc/ dropped:
# gdbinit.d would pass for a dependency file); without it the
# image has no gdb and that test says SKIPPED.
SVM_GDB := $(SVM_DIR)/gdb-minimal/usr/bin/gdb
$(SVM_GDB):
	$(Q)rm -rf $(SVM_DIR)/gdb-minimal $(SVM_DIR)/gdb-deb && mkdir -p $(SVM_DIR)/gdb-deb && \
	(cd $(SVM_DIR)/gdb-deb && apt-get download -q gdb-minimal >/dev/null 2>&1) && \
	dpkg-deb -x $(SVM_DIR)/gdb-deb/gdb-minimal_*.deb $(SVM_DIR)/gdb-minimal && \
	rm -rf $(SVM_DIR)/gdb-minimal/etc; \
	rm -rf $(SVM_DIR)/gdb-deb; test -x $@ || { echo "svm-host: no gdb-minimal (apt-get download failed)"; mkdir -p $(@D); }

$(SVM_TEST_IMAGE): $(SVM_IMAGE) $(TESTBIN) $(filter %.bin,$(GUESTS)) $(MB_GUESTS) | $(SVM_GDB)
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)r=$(SVM_DIR)/tests-root; t=$$r/tree; rm -rf $$r && \
	mkdir -p $$t/$(BUILD)/tests $$t/$(BUILD)/guests/x86 $$t/build/linux $$t/build/guests/x86 && \
	cp $(TESTBIN) $$t/$(BUILD)/tests/run-tests && ln -s /bin/traplab $$t/$(BUILD)/traplab && \
	cp $(BUILD)/guests/x86/*.bin $(BUILD)/guests/x86/*.sym $$t/$(BUILD)/guests/x86/ && \
	cp -r $(BUILD)/guests/x86/multiboot $$t/$(BUILD)/guests/x86/ && \
	ln -s /build/linux/vmlinuz $$t/build/linux/vmlinuz && \
	ln -s /build/guests/x86/initramfs.cpio.gz $$t/build/guests/x86/initramfs.cpio.gz && \
	ldd $(TRAPLAB) > $$r/traplab.libs && \
	for lib in $$(ldd $(TESTBIN) | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) .*/\1/p'); do \
	  grep -qF "$$lib (" $$r/traplab.libs || cp -L --parents $$lib $$r/ || exit 1; done && \
	if [ -x $(SVM_GDB) ]; then mkdir -p $$r/usr/bin && cp $(SVM_GDB) $$r/usr/bin/gdb && \
	  for lib in $$(ldd $(SVM_GDB) | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p'); do \
	    grep -qF "$$lib (" $$r/traplab.libs || [ -e $$r$$lib ] || cp -L --parents $$lib $$r/ || exit 1; done; fi && \
	rm $$r/traplab.libs && \
	(cd $$r && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1n > $@.tmp && \
	cat $(SVM_IMAGE) $@.tmp > $@.all && rm -rf $$r $@.tmp && mv $@.all $@

# `make test` installs QEMU for the SVM host (when root) and builds its images; failing
# either, the SVM host's test and the tests that need /dev/kvm say SKIPPED with the reason.
svm-host-try: linux-try $(TRAPLAB) $(TESTBIN) $(GUESTS)
	$(Q)if [ ! -x $(SVM_QEMU) ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "deps: installing qemu-system-x86 (the SVM host's CPU)"; \
	    (apt-get install -y -q --no-install-recommends qemu-system-x86 >/dev/null 2>&1 || \
	     (apt-get update -q >/dev/null && \
	      apt-get install -y -q --no-install-recommends qemu-system-x86 >/dev/null)) || \
	    echo "deps: apt-get install qemu-system-x86 failed; the SVM host test will say SKIPPED"; \
	  else \
	    echo "deps: for the SVM host test run: sudo apt-get install -y qemu-system-x86"; \
	  fi; \
	fi
	$(Q)$(MAKE) -s --no-print-directory $(SVM_IMAGE) $(SVM_TEST_IMAGE) $(SVM_RUN_IMAGE) \
	  $(SVM_KERNEL) 2>/dev/null || \
	  echo "svm-host: images not built; the tests that need them will say SKIPPED"

test: svm-host-try

# A shell on the SVM host, to try `traplab kvm --linux` by hand (Ctrl-A x leaves QEMU).
svm-shell: $(SVM_IMAGE)
	guests/x86/svm-host/run $(BUILD) shell

# ---- The VMX host: KVM's Intel backend where the CPU has none (guests/x86/vmx-host/) ---
# Debian's Bochs emulates VT-x with EPT and unrestricted guest; Debian's kernel on
# it loads kvm_intel, and the KVM tests that vmx-host/README.md lists run there
# too.  Its disk: SYSLINUX, the kernel decompressed behind enter64.S, and as its
# initrd the SVM host's test image uncompressed (gunzip costs ~10 s in Bochs) with
# an overlay: the Intel module, the modules without their signatures (objcopy
# keeps the ELF and drops what is appended: they load ~2.4 s sooner, the kernel
# notes a taint), and the guest's kernel with its payload decompressed.
VMX_DIR   := $(BUILD)/vmx-host
VMX_DISK  := $(VMX_DIR)/disk.img
VMX_HEAD  := $(VMX_DIR)/enter64.bin
VMX_PKGS  := bochs bochsbios vgabios bochs-term syslinux syslinux-common mtools dosfstools
.PHONY: vmx-host vmx-host-try vmx-shell
vmx-host: $(VMX_DISK)

$(VMX_HEAD): guests/x86/vmx-host/enter64.S
	@mkdir -p $(@D)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) -c $< -o $(@:.bin=.o)
	$(Q)ld -m elf_x86_64 -Ttext=0x100000 -e enter_long_mode $(@:.bin=.o) -o $(@:.bin=.elf)
	$(Q)objcopy -O binary -j .text $(@:.bin=.elf) $@

$(VMX_DIR)/overlay.cpio: guests/x86/vmx-host/mkimage $(LINUX_DIR)/modules/kvm-intel.ko \
                         $(LINUX_DIR)/vmlinuz $(SVM_KERNEL)
	@$(if $(Q),echo "  CPIO    $@")
	$(Q)r=$(VMX_DIR)/overlay-root; rm -rf $$r && mkdir -p $$r/modules $$r/build/linux && \
	for m in irqbypass kvm kvm-intel; do objcopy $(LINUX_DIR)/modules/$$m.ko $$r/modules/$$m.ko || exit 1; done && \
	guests/x86/vmx-host/mkimage raw-bzimage $$r/build/linux/vmlinuz $(LINUX_DIR)/vmlinuz $(SVM_KERNEL) && \
	(cd $$r && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > $@.tmp && \
	rm -rf $$r && mv $@.tmp $@

$(VMX_DISK): guests/x86/vmx-host/mkimage $(VMX_HEAD) $(VMX_DIR)/overlay.cpio $(SVM_TEST_IMAGE) \
             $(LINUX_DIR)/vmlinuz $(SVM_KERNEL)
	@$(if $(Q),echo "  DISK    $@")
	$(Q){ zcat $(SVM_TEST_IMAGE) && cat $(VMX_DIR)/overlay.cpio; } > $(VMX_DIR)/initrd.cpio && \
	guests/x86/vmx-host/mkimage disk $@ $(LINUX_DIR)/vmlinuz $(SVM_KERNEL) $(VMX_HEAD) \
	  $(VMX_DIR)/initrd.cpio; s=$$?; rm -f $(VMX_DIR)/initrd.cpio; exit $$s

# `make test` installs Bochs and the disk tools (when root) and builds the disk;
# failing either, the runner says why and the VMX host's tests run nowhere but in
# the SVM host (tests/kvm/kvm_delegate.c).
vmx-host-try: svm-host-try
	$(Q)missing=; for p in $(VMX_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "deps: installing$$missing (the VMX host's CPU and its boot disk)"; \
	    (apt-get install -y -q --no-install-recommends $$missing >/dev/null 2>&1 || \
	     (apt-get update -q >/dev/null && \
	      apt-get install -y -q --no-install-recommends $$missing >/dev/null)) || \
	    echo "deps: apt-get install$$missing failed; the VMX host will not run"; \
	  else \
	    echo "deps: for the VMX host run: sudo apt-get install -y$$missing"; \
	  fi; \
	fi
	$(Q)$(MAKE) -s --no-print-directory $(VMX_DISK) 2>/dev/null || \
	  echo "vmx-host: disk not built; the VMX host will not run"

test: vmx-host-try

# A shell on the VMX host, to try `traplab kvm --linux` on kvm_intel by hand
# (`poweroff` ends it).
vmx-shell: vmx-host-try
	guests/x86/vmx-host/run $(BUILD) shell

# GNU as through the C preprocessor (guest.h), linked at 0 (the loader puts
# CS's base at the load address), flattened; nm's listing beside it for tests.
$(BUILD)/guests/x86/%.bin: guests/x86/%.S guests/x86/guest.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) -c $< -o $(@:.bin=.o)
	$(Q)ld -m elf_x86_64 -Ttext=0 -e start $(@:.bin=.o) -o $(@:.bin=.elf)
	$(Q)nm -n $(@:.bin=.elf) > $(@:.bin=.sym)
	$(Q)objcopy -O binary -j .text $(@:.bin=.elf) $@

# Multiboot test kernels (guests/x86/multiboot/README.md): mbcheck.S linked at 1 MiB as a
# 32-bit ELF, and again (AOUT_KLUDGE) as a flat image its header's a.out addresses describe.
$(BUILD)/guests/x86/multiboot/mbcheck.elf: guests/x86/multiboot/mbcheck.S guests/x86/multiboot/multiboot.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  AS      $<")
	$(Q)$(CC) -m32 -c $< -o $(@:.elf=.o)
	$(Q)ld -m elf_i386 -Ttext=0x100000 -e start $(@:.elf=.o) -o $@
	$(Q)nm -n $@ > $(@:.elf=.sym)
$(BUILD)/guests/x86/multiboot/mbaout.bin: guests/x86/multiboot/mbcheck.S guests/x86/multiboot/multiboot.h
	@mkdir -p $(@D)
	@$(if $(Q),echo "  AS      $< (a.out kludge)")
	$(Q)$(CC) -m32 -DAOUT_KLUDGE -c $< -o $(@:.bin=.o)
	$(Q)ld -m elf_i386 -Ttext=0x100000 -e start $(@:.bin=.o) -o $(@:.bin=.elf)
	$(Q)objcopy -O binary -j .text $(@:.bin=.elf) $@

# ---- make install, make uninstall and the man pages (README.md "Installing") ---
#   make install [PREFIX=/usr/local] [DESTDIR=DIR]
#                 $(PREFIX)/bin/traplab; traplab(1) and one traplab-CMD(1) per
#                 command in $(PREFIX)/share/man/man1; the guests' sources,
#                 lessons/ and the SVM host's files in $(PREFIX)/share/traplab
#   make uninstall [PREFIX=...] [DESTDIR=...]   removes exactly those
#   make man      the man pages alone, in $(BUILD)/man/
# Each man page is made from `traplab CMD --help`, the one source
# (tools-build/manpages.sh, help2troff.awk).  An installed traplab finds its
# files through monitor/cli/data_dir.c, which is compiled with this PREFIX
# and rebuilt when it changes; run from the tree, it keeps using the tree.
PREFIX       ?= /usr/local
DESTDIR      ?=
MAN_DIR      := $(BUILD)/man
MAN_STAMP    := $(MAN_DIR)/.made
PREFIX_STAMP := $(BUILD)/.prefix
.PHONY: install uninstall man prefix-check
all: $(MAN_STAMP)
test: $(MAN_STAMP)
man: $(MAN_STAMP)

$(MAN_STAMP): $(TRAPLAB) tools-build/manpages.sh tools-build/help2troff.awk
	@$(if $(Q),echo "  MAN     $(MAN_DIR)")
	$(Q)tools-build/manpages.sh $(TRAPLAB) $(MAN_DIR) && touch $@

# Rewritten only when PREFIX differs from the last build's, so data_dir.o
# is rebuilt exactly then.
$(PREFIX_STAMP): prefix-check
	$(Q)mkdir -p $(@D) && [ "$$(cat $@ 2>/dev/null)" = '$(PREFIX)' ] || echo '$(PREFIX)' > $@
$(BUILD)/monitor/cli/data_dir.o: $(PREFIX_STAMP)
$(BUILD)/monitor/cli/data_dir.o: CPPFLAGS += -DTRAPLAB_PREFIX='"$(PREFIX)"'

install: $(TRAPLAB) $(MAN_STAMP)
	tools-build/install.sh install $(TRAPLAB) $(MAN_DIR) "$(DESTDIR)$(PREFIX)"

uninstall:
	tools-build/install.sh uninstall "$(DESTDIR)$(PREFIX)"

clean:
	rm -rf build build-san

# ---- coverage-guided fuzzing with libFuzzer (tests/fuzz/: make fuzz) ----------------------
-include tests/fuzz/fuzz.mk

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
