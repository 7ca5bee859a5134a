# netdata-preflight — the two commands of the README, and the build in between.
#   make run    install what is needed, build, run `netdata-preflight check` on this machine
#   make test   install what is needed, build, run every test
BUILD ?= build
DEPS  ?= $(CURDIR)/build/deps
JOBS  ?= $(shell nproc)
# ccache keys on paths relative to the checkout, so every clone and worktree shares one cache.
export CCACHE_BASEDIR ?= $(CURDIR)
CMAKE_FLAGS ?=

.PHONY: all bootstrap build run test test-asan bench fuzz docs clean

all: build

bootstrap:
	@DEPS=$(DEPS) bash scripts/bootstrap.sh

$(BUILD)/release/Makefile:
	@mkdir -p $(BUILD)/release
	cd $(BUILD)/release && cmake ../.. -DPREFLIGHT_DEPS=$(DEPS) $(CMAKE_FLAGS) >/dev/null

# The binary lands at build/netdata-preflight (stripped copy of the release build).
build: bootstrap $(BUILD)/release/Makefile
	@$(MAKE) --no-print-directory -C $(BUILD)/release -j$(JOBS) netdata-preflight
	@strip -o $(BUILD)/netdata-preflight $(BUILD)/release/netdata-preflight
	@echo "built $(BUILD)/netdata-preflight ($$(stat -c %s $(BUILD)/netdata-preflight) bytes, $$(file -b $(BUILD)/netdata-preflight | cut -d, -f1-2))"

run: build
	@echo "== netdata-preflight check (this machine) =="
	@$(BUILD)/netdata-preflight check; rc=$$?; echo "== exit code $$rc (0 = nothing failed; 1 = something failed: see above) =="

test: build
	@$(MAKE) --no-print-directory -C $(BUILD)/release -j$(JOBS)
	cd $(BUILD)/release && ctest --output-on-failure -j$(JOBS) --timeout 600

# docs/checks.md is generated from the catalog (a test fails when it is stale).
docs: build
	$(BUILD)/netdata-preflight list --format markdown > docs/checks.md

clean:
	rm -rf $(BUILD)/release $(BUILD)/asan $(BUILD)/netdata-preflight
