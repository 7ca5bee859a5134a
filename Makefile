# netdata-preflight — the two commands of the README, and the build in between.
#   make run    install what is needed, build, run `netdata-preflight check` on this machine
#   make test   install what is needed, build, run every test
#   make dist   fully static binaries for every shipped architecture, with SHA256SUMS
BUILD ?= build
# The static OpenSSL/libcurl (host and cross), the unpacked agent and the cross sysroots take
# minutes to build: they are kept per machine, keyed by the scripts that build them, so every
# clone (and CI's fresh one) reuses them; a machine without them builds them once. Without a
# writable /var/cache (not root) they stay in the checkout.
DEPS_CACHE ?= /var/cache/netdata-preflight
DEPS_KEY   := $(shell cat scripts/static_deps.sh scripts/cross.sh 2>/dev/null | sha256sum | cut -c1-12)
ifeq ($(origin DEPS), undefined)
DEPS := $(shell mkdir -p $(DEPS_CACHE) 2>/dev/null && [ -w $(DEPS_CACHE) ] && echo $(DEPS_CACHE)/deps-$(DEPS_KEY) || echo $(CURDIR)/build/deps)
endif
JOBS  ?= $(shell nproc)
# ccache keys on paths relative to the checkout, so every clone and worktree shares one cache.
export CCACHE_BASEDIR ?= $(CURDIR)
CMAKE_FLAGS ?=
# The host's strip for the host's build; scripts/cross.sh strips with each target's own.
STRIP ?= strip
# make dist: one binary per architecture (uname -m names), in DIST with SHA256SUMS.
DIST_ARCHES ?= x86_64 aarch64 armv7l
DIST ?= $(BUILD)/dist
# What tests/arch runs of each cross build besides the binary (make test builds them too).
ARCH_TEST_TARGETS = seccomp_launcher container_test checks_test cmd_test
CROSS_TARGETS ?=

.PHONY: all bootstrap build run test test-asan bench fuzz docs format clean dist

all: build

bootstrap:
	@DEPS=$(DEPS) bash scripts/bootstrap.sh

$(BUILD)/release/Makefile:
	@mkdir -p $(BUILD)/release
	cd $(BUILD)/release && cmake ../.. -DPREFLIGHT_DEPS=$(DEPS) $(CMAKE_FLAGS) >/dev/null

# The binary lands at build/netdata-preflight (stripped copy of the release build).
build: bootstrap $(BUILD)/release/Makefile
	@$(MAKE) --no-print-directory -C $(BUILD)/release -j$(JOBS) netdata-preflight
	@$(STRIP) -o $(BUILD)/netdata-preflight $(BUILD)/release/netdata-preflight
	@echo "built $(BUILD)/netdata-preflight ($$(stat -c %s $(BUILD)/netdata-preflight) bytes, $$(file -b $(BUILD)/netdata-preflight | cut -d, -f1-2))"

# The host's binary is copied, every other architecture cross-built (scripts/cross.sh: cached
# sysroot, OpenSSL and libcurl per architecture under DEPS/cross).
dist: build
	@mkdir -p $(DIST)
	@set -e; for a in $(DIST_ARCHES); do \
	  if [ "$$a" = "$$(uname -m)" ]; then cp $(BUILD)/netdata-preflight $(DIST)/netdata-preflight-$$a; \
	  else DEPS=$(DEPS) JOBS=$(JOBS) CROSS_BUILD=$(CURDIR)/$(BUILD)/cross/$$a \
	    CROSS_TARGETS="$(CROSS_TARGETS)" bash scripts/cross.sh $$a $(DIST); fi; \
	done
	@cd $(DIST) && rm -f SHA256SUMS && sha256sum $(addprefix netdata-preflight-,$(DIST_ARCHES)) > SHA256SUMS
	@echo "dist: $(DIST)"; cat $(DIST)/SHA256SUMS

run: build
	@echo "== netdata-preflight check (this machine) =="
	@$(BUILD)/netdata-preflight check; rc=$$?; echo "== exit code $$rc (0 = nothing failed; 1 = something failed: see above) =="

test: CROSS_TARGETS = $(ARCH_TEST_TARGETS)
test: build dist
	@$(MAKE) --no-print-directory -C $(BUILD)/release -j$(JOBS)
	@cd $(BUILD)/release && rc=0; ctest --output-on-failure -j$(JOBS) --timeout 600 -O ctest.log || rc=$$?; \
	  python3 $(CURDIR)/scripts/check_skips.py ctest.log $(CURDIR)/tests/expected-skips.txt || rc=1; exit $$rc

# Every parser under libFuzzer with ASan+UBSan, FUZZ_SECONDS each (CI: make test runs them briefly).
FUZZ_SECONDS ?= 20
FUZZ_JOBS ?= 1
fuzz: bootstrap
	@mkdir -p $(BUILD)/fuzz
	@cd $(BUILD)/fuzz && cmake ../.. -DPREFLIGHT_DEPS=$(DEPS) -DPREFLIGHT_FUZZ=ON -DPREFLIGHT_STATIC=OFF \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ >/dev/null
	@$(MAKE) --no-print-directory -C $(BUILD)/fuzz -j$(JOBS) fuzzers
	bash scripts/fuzz.sh $(BUILD)/fuzz $(FUZZ_SECONDS) $(FUZZ_JOBS)

# The whole test suite with AddressSanitizer and UndefinedBehaviorSanitizer (dynamic build).
# allow_user_segv_handler: the crash guard's own SIGSEGV handler is under test, not ASan's.
test-asan: bootstrap
	@mkdir -p $(BUILD)/asan
	@cd $(BUILD)/asan && cmake ../.. -DPREFLIGHT_DEPS=$(DEPS) -DPREFLIGHT_SANITIZE=ON >/dev/null
	@$(MAKE) --no-print-directory -C $(BUILD)/asan -j$(JOBS)
	cd $(BUILD)/asan && ASAN_OPTIONS=detect_leaks=1:allow_user_segv_handler=1 ctest --output-on-failure -j$(JOBS) --timeout 600

# Benchmarks against the peers; prints markdown tables and rewrites docs/benchmarks.md.
bench: build
	bash bench/run.sh $(BUILD)/netdata-preflight

# docs/checks.md, docs/agent-behaviour.md and docs/reliability.md are generated (a test fails when either is stale).
docs: build
	$(BUILD)/netdata-preflight list --format markdown > docs/checks.md
	$(BUILD)/netdata-preflight list --agent-model > docs/agent-behaviour.md
	python3 scripts/gen_reliability.py . > docs/reliability.md

# Google style (.clang-format) over every C++ file; the Layout.ClangFormat test keeps it so.
format:
	python3 scripts/check_format.py . --fix

clean:
	rm -rf $(BUILD)/release $(BUILD)/asan $(BUILD)/fuzz $(BUILD)/netdata-preflight $(BUILD)/cross $(BUILD)/dist
