# tests/fuzz/fuzz.mk — libFuzzer targets (issue 15; tests/fuzz/README.md).
# The top Makefile includes this file at its end, so LIB_OBJS and CPPFLAGS
# are already defined here.
#
#   make fuzz-build               build every build/fuzz/<name> from tests/fuzz/fuzz_<name>.c
#   make fuzz [FUZZ_SECONDS=N]    build, replay each checked-in corpus, then fuzz each
#                                 target N seconds (default 10); a finding fails make
#
# Every tests/fuzz/fuzz_*.c is a target: a new harness is no change here.
# The library is compiled a second time, with clang, coverage and ASan +
# UBSan, into build/fuzz/obj/ (the gcc objects under build/ carry no
# coverage, and libFuzzer needs clang's).  Debian packages: clang-14 and
# libclang-rt-14-dev (libFuzzer's runtime).

FUZZ_CC      ?= $(firstword $(shell command -v clang-14 clang 2>/dev/null) clang-14)
FUZZ_DIR     := build/fuzz
FUZZ_SECONDS ?= 10
# The project's warnings (clang accepts them all) and libFuzzer's sanitizers.
# UBSan does not recover, so undefined behaviour is a crash libFuzzer keeps.
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_CFLAGS  := -std=c11 -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes \
                -g -O1 -fno-omit-frame-pointer $(FUZZ_SAN) -MMD -MP
FUZZ_LDLIBS  := -llzma -lz -lzstd -ldl -lreadline -ltinfo -lpthread

# fuzz_support.c (if any) holds helpers, not a target.
FUZZ_SRCS    := $(filter-out tests/fuzz/fuzz_support.c,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(FUZZ_SRCS))
FUZZ_BINS    := $(addprefix $(FUZZ_DIR)/,$(FUZZ_NAMES))
FUZZ_SUPPORT := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(wildcard tests/fuzz/fuzz_support.c))
FUZZ_LIB     := $(FUZZ_DIR)/libtraplab-fuzz.a
# the library, and the shell for fuzz_shell (not cli/: it has main())
FUZZ_LIBOBJS := $(addprefix $(FUZZ_DIR)/obj/,$(LIB_OBJS) \
                  $(patsubst %.c,%.o,$(wildcard monitor/shell/*.c)))
FUZZ_OK      := $(FUZZ_DIR)/.toolchain-ok

.PHONY: fuzz fuzz-build
fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	$(Q)FUZZ_BUILT=1 FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run $(FUZZ_NAMES)

# clang and libFuzzer's runtime: link an empty harness once, else say what to install.
$(FUZZ_OK): tests/fuzz/fuzz.mk
	@mkdir -p $(@D) && rm -f $@
	$(Q)printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' \
	  > $(@D)/toolchain-check.c; \
	if ! command -v $(FUZZ_CC) >/dev/null 2>&1; then \
	  echo "fuzz: no clang ($(FUZZ_CC)). Run:"; \
	  echo "    sudo apt-get install -y clang-14 libclang-rt-14-dev"; exit 1; fi; \
	if ! $(FUZZ_CC) -fsanitize=fuzzer,address,undefined $(@D)/toolchain-check.c \
	     -o $(@D)/toolchain-check >/dev/null 2>&1; then \
	  echo "fuzz: $(FUZZ_CC) cannot link a libFuzzer target (libFuzzer's runtime is missing). Run:"; \
	  echo "    sudo apt-get install -y clang-14 libclang-rt-14-dev"; exit 1; fi; \
	rm -f $(@D)/toolchain-check $(@D)/toolchain-check.c; touch $@

# The bare machine and bt's executor (the loops every PG32 target runs
# millions of guest instructions in) keep edge coverage but not comparison
# tracing: tracing each compare of the fetch-decode-execute loop was three
# fifths of the `modes` target's time.  A guest's opcodes are still found
# through isa/'s decoder and the translator, which keep it.
$(FUZZ_DIR)/obj/machine/%.o: FUZZ_TRACE_CMP := -fno-sanitize-coverage=trace-cmp
$(FUZZ_DIR)/obj/monitor/vmm/bt_execute.o: FUZZ_TRACE_CMP := -fno-sanitize-coverage=trace-cmp

# Library and support objects: coverage without libFuzzer's main().
$(FUZZ_DIR)/obj/%.o: %.c | $(FUZZ_OK)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  FUZZCC  $<")
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(FUZZ_TRACE_CMP) -c $< -o $@

# An archive, so a target links only what it calls (the KVM backend's
# objects are compiled and checked, but not pulled into the assembler's target).
$(FUZZ_LIB): $(FUZZ_LIBOBJS)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && ar rcs $@ $^

$(FUZZ_BINS): $(FUZZ_DIR)/%: $(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.o $(FUZZ_SUPPORT) $(FUZZ_LIB)
	@$(if $(Q),echo "  FUZZLD  $@")
	$(Q)$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) $^ -o $@ $(FUZZ_LDLIBS)

-include $(FUZZ_LIBOBJS:.o=.d) $(patsubst %,$(FUZZ_DIR)/obj/tests/fuzz/fuzz_%.d,$(FUZZ_NAMES)) $(FUZZ_SUPPORT:.o=.d)
