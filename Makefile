# hypelint - a linter for hype and unsupported claims in health writing.
# `make run` installs what is missing, builds and lints samples/; `make test` runs the suite.

VERSION := $(shell cat VERSION)
PREFIX  ?= /usr/local
DESTDIR ?=
BINDIR   = $(PREFIX)/bin
DATADIR  = $(PREFIX)/share/hypelint
MANDIR   = $(PREFIX)/share/man/man1

# pkg-config names and the Debian packages that provide them (same order)
PKGS = libpcre2-8 yaml-0.1 libxml-2.0 md4c
DEBS = pkg-config libpcre2-dev libyaml-dev libxml2-dev libmd4c-dev

CC      ?= cc
CFLAGS  ?= -O2 -g
HL_CFLAGS = -std=c11 -Wall -Wextra -pthread -D_DEFAULT_SOURCE -I$(BUILD) \
	$(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# libxml2 is not linked but opened when HTML is first read (linter/extract_html.c), by
# the file name its library gives itself
LIBS = $(shell pkg-config --libs $(filter-out libxml-2.0,$(PKGS)) 2>/dev/null) -pthread
LIBXML2_SO = $(or $(shell objdump -p "$$(pkg-config --variable=libdir libxml-2.0 2>/dev/null)/libxml2.so" \
	2>/dev/null | awk '$$1 == "SONAME" { print $$2 }'),libxml2.so.2)

SRCS = linter/util.c linter/source.c linter/doc.c linter/segment.c linter/rules.c \
       linter/check.c linter/check_cite.c linter/prefilter.c linter/extract.c linter/extract_html.c linter/extract_md.c \
       linter/report.c linter/report_html.c linter/output.c linter/config.c linter/testrules.c linter/cli.c
BUILD ?= build
BIN   ?= hypelint
OBJS = $(SRCS:linter/%.c=$(BUILD)/%.o)
HDRS = $(wildcard linter/*.h)

.PHONY: all run deps test-deps bench test check check-update check-asan check-tsan check-valgrind fuzz fuzz-build install uninstall clean FORCE

all: $(BIN)

$(BUILD)/%.o: linter/%.c $(HDRS) | $(BUILD)
	$(CC) $(HL_CFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD):
	mkdir -p $(BUILD)

# The share directory, the version (from the file VERSION) and libxml2's file name are
# compiled in; rewrite the header only when one of them changes.
$(BUILD)/datadir.h: FORCE | $(BUILD)
	@{ echo '#define HL_DATADIR "$(DATADIR)"'; echo '#define HL_VERSION "$(VERSION)"'; \
	   echo '#define HL_LIBXML2_SO "$(LIBXML2_SO)"'; } >$@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@
	@rm -f $@.tmp

$(OBJS): $(BUILD)/datadir.h

# The man page with the version and the share directory filled in.
$(BUILD)/hypelint.1: hypelint.1.in VERSION FORCE | $(BUILD)
	@sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@DATADIR@|$(DATADIR)|g' hypelint.1.in >$@.tmp
	@cmp -s $@.tmp $@ || mv $@.tmp $@
	@rm -f $@.tmp

FORCE:

$(BIN): $(OBJS) $(BUILD)/main.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJS) $(BUILD)/main.o $(LIBS)

$(BUILD)/unit: tests/unit.c $(OBJS) $(HDRS)
	$(CC) $(HL_CFLAGS) -Ilinter $(CFLAGS) $(LDFLAGS) -o $@ tests/unit.c $(OBJS) $(LIBS)

$(BUILD)/poscheck: tests/poscheck.c $(OBJS) $(HDRS)
	$(CC) $(HL_CFLAGS) -Ilinter $(CFLAGS) $(LDFLAGS) -o $@ tests/poscheck.c $(OBJS) $(LIBS)

# Fuzz targets (tests/fuzz): replayed over their corpus by `make test`, fuzzed by `make fuzz`.
FUZZ_TARGETS = rules text html markdown pipeline
REPLAYS = $(FUZZ_TARGETS:%=$(BUILD)/replay-%)

$(BUILD)/replay-%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c tests/fuzz/fuzz_extract.h $(OBJS) $(HDRS)
	$(CC) $(HL_CFLAGS) -Ilinter $(CFLAGS) $(LDFLAGS) -o $@ tests/fuzz/fuzz_$*.c tests/fuzz/replay.c $(OBJS) $(LIBS)

TEST_BINS = $(BIN) $(BUILD)/unit $(BUILD)/poscheck $(REPLAYS) $(BUILD)/hypelint.1

# Install the Debian packages that pkg-config cannot find (root only; others get the command).
deps:
	@missing=""; \
	command -v pkg-config >/dev/null 2>&1 || missing=" pkg-config"; \
	for p in $(PKGS); do pkg-config --exists $$p 2>/dev/null || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		cmd="apt-get install -y --no-install-recommends $(DEBS)"; \
		echo "hypelint: missing:$$missing"; \
		if [ "$$(id -u)" != 0 ]; then \
			echo "hypelint: run as root: apt-get update && $$cmd"; exit 1; \
		fi; \
		echo "+ apt-get update && $$cmd"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$cmd; \
	fi

# What the test suite needs beyond the build: command-line tools from Debian (xmllint, Vim,
# Chromium, pre-commit, git, Node.js) and the npm packages pinned in tests/node.
TEST_TOOLS = node npm xmllint vim chromium pre-commit git
TEST_DEBS  = nodejs npm libxml2-utils vim chromium pre-commit git
test-deps:
	@missing=""; \
	for c in $(TEST_TOOLS); do command -v $$c >/dev/null 2>&1 || missing="$$missing $$c"; done; \
	if [ -n "$$missing" ]; then \
		debs=""; for c in $$missing; do case $$c in node) d=nodejs;; xmllint) d=libxml2-utils;; *) d=$$c;; esac; debs="$$debs $$d"; done; \
		cmd="apt-get install -y --no-install-recommends$$debs"; \
		echo "hypelint tests: missing:$$missing"; \
		if [ "$$(id -u)" != 0 ]; then echo "hypelint tests: run as root: apt-get update && $$cmd"; exit 1; fi; \
		echo "+ apt-get update && $$cmd"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$cmd; \
	fi
	@[ -f tests/node/node_modules/.package-lock.json ] || npm ci --prefix tests/node --no-audit --no-fund --loglevel=error

run: deps
	@$(MAKE) --no-print-directory hypelint
	./hypelint samples/; status=$$?; [ $$status -le 1 ]

test check: deps test-deps
	@$(MAKE) --no-print-directory $(TEST_BINS)
	@HYPELINT=$(BIN) HL_BUILD=$(BUILD) tests/run.sh $(T)

# The whole suite under AddressSanitizer and UndefinedBehaviorSanitizer.
SAN = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
check-asan: deps test-deps
	@HL_LONGLINE_MB=10 $(MAKE) --no-print-directory BUILD=build-asan BIN=build-asan/hypelint \
		CFLAGS="-O1 -g $(SAN)" LDFLAGS="$(SAN)" test

# The parallel-jobs tests (jobs, jobs-preload), the JIT ones (nojit: two jobs that
# JIT-compile each regex at its first match; ascii: two jobs that make each ASCII twin at
# its first want) and libxml2 (threads that meet their first HTML at once) under
# ThreadSanitizer.
check-tsan: deps
	@$(MAKE) --no-print-directory BUILD=build-tsan BIN=build-tsan/hypelint \
		CFLAGS="-O1 -g -fsanitize=thread" LDFLAGS="-fsanitize=thread" build-tsan/hypelint
	@TSAN_OPTIONS=halt_on_error=1:exitcode=66 HYPELINT=build-tsan/hypelint HL_BUILD=build tests/run.sh jobs
	@TSAN_OPTIONS=halt_on_error=1:exitcode=66 HYPELINT=build-tsan/hypelint HL_BUILD=build tests/run.sh nojit
	@TSAN_OPTIONS=halt_on_error=1:exitcode=66 HYPELINT=build-tsan/hypelint HL_BUILD=build tests/run.sh ascii
	@TSAN_OPTIONS=halt_on_error=1:exitcode=66 HYPELINT=build-tsan/hypelint HL_BUILD=build tests/run.sh libxml2

# The whole suite with every hypelint run under valgrind's memcheck (PCRE2's JIT off:
# valgrind cannot follow JIT code; check-asan covers it).
check-valgrind: deps $(TEST_BINS)
	@command -v valgrind >/dev/null || { echo "check-valgrind needs valgrind (apt-get install valgrind)"; exit 1; }
	@HL_LONGLINE_MB=5 HYPELINT_JIT=0 HYPELINT=$(BIN) HL_BUILD=$(BUILD) HL_WRAP="valgrind -q --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99" tests/run.sh $(T)

# Regenerate the expected outputs of the golden tests on purpose; review the diff.
check-update: $(TEST_BINS)
	@HYPELINT=$(BIN) HL_BUILD=$(BUILD) tests/run.sh --update $(T)

# libFuzzer builds (clang) of every target; each runs FUZZ_SECONDS, from its seed corpus.
# New corpus entries go to tests/fuzz/work/ (not in git); crashes to tests/fuzz/crashes/TARGET/.
FUZZ_SECONDS ?= 60
FUZZ_SAN = -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all
fuzz-build: deps
	@$(MAKE) --no-print-directory BUILD=build-fuzz BIN=build-fuzz/hypelint CC=clang \
		CFLAGS="-O1 -g $(FUZZ_SAN)" $(FUZZ_TARGETS:%=build-fuzz/fuzz-%)

build-fuzz/fuzz-%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_extract.h $(OBJS) $(HDRS)
	$(CC) $(HL_CFLAGS) -Ilinter -O1 -g -fsanitize=fuzzer,address,undefined -o $@ tests/fuzz/fuzz_$*.c $(OBJS) $(LIBS)

fuzz: fuzz-build
	@grep -v '^#' tests/fuzz/seeds | while read -r t dirs; do \
		mkdir -p tests/fuzz/work/$$t tests/fuzz/crashes/$$t; \
		echo "fuzzing $$t for $(FUZZ_SECONDS)s"; \
		build-fuzz/fuzz-$$t -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
			-artifact_prefix=tests/fuzz/crashes/$$t/ tests/fuzz/work/$$t $$dirs \
			2>&1 | grep -E '^(#[0-9]+ +DONE|==[0-9]+==|SUMMARY|artifact_prefix)' || true; \
	done

# Throughput, memory and start-up against rg -P (bench/README.md); not part of make test.
bench: deps $(BIN)
	bench/bench.sh $(SIZES)

install: $(BIN) $(BUILD)/hypelint.1
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/rules/knowledge $(DESTDIR)$(MANDIR) \
		$(DESTDIR)$(DATADIR)/editors/vim/compiler $(DESTDIR)$(DATADIR)/editors/vscode
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/hypelint
	install -m 644 rules/*.yml $(DESTDIR)$(DATADIR)/rules/
	install -m 644 rules/knowledge/*.yml $(DESTDIR)$(DATADIR)/rules/knowledge/
	install -m 644 editors/vim/compiler/hypelint.vim $(DESTDIR)$(DATADIR)/editors/vim/compiler/
	install -m 644 editors/vscode/tasks.json $(DESTDIR)$(DATADIR)/editors/vscode/
	install -m 644 $(BUILD)/hypelint.1 $(DESTDIR)$(MANDIR)/hypelint.1

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/hypelint $(DESTDIR)$(MANDIR)/hypelint.1
	rm -rf $(DESTDIR)$(DATADIR)

clean:
	rm -rf build build-asan build-tsan build-fuzz hypelint
