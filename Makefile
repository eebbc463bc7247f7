# Every command a developer or CI needs. `make test` and `make demo` work on a bare machine: both
# run `setup` first, which installs only what is missing. The scripts under scripts/ do the work;
# this file names the steps and their order.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)
export CHROMEDRIVER ?= /usr/bin/chromedriver

.PHONY: help setup setup-bench test test-native test-wasm test-types test-pkg test-node test-bundlers \
        test-sdk test-page size-check lint fmt pkg size bench bench-relay bench-rush demo relay clean

help:
	@echo "make demo         build everything, start the relay on the Feishu simulation, serve the page"
	@echo "make test         install what is missing, then run every test (what CI runs)"
	@echo "make lint         cargo fmt --check and clippy (native and wasm32), warnings denied"
	@echo "make pkg          build the npm package into pkg/ (release wasm, wasm-bindgen, wasm-opt -Oz)"
	@echo "make size         wasm + JS glue sizes, raw and gzipped, against the budget"
	@echo "make bench        queryAllowedRemedys vs plain fetch in headless Chromium (PROFILE=1: CPU profile too)"
	@echo "make bench-relay  the relay vs nginx proxy_pass in front of the same simulation (wrk)"
	@echo "make bench-rush   300 people open their month within 10 s: today's path vs punch results + limiter"
	@echo "make relay        run the relay alone (simulation unless FEISHU_APP_ID/SECRET are set)"

setup:
	@scripts/setup.sh

setup-bench:
	@scripts/setup.sh --bench

# Order matters: cheap checks first; the package is built once and then used by the later steps.
test: setup
	@$(MAKE) --no-print-directory lint test-native test-wasm pkg size-check test-types test-pkg test-node \
		test-bundlers test-sdk test-page

lint:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p feishu-remedy --target wasm32-unknown-unknown --all-targets -- -D warnings

fmt:
	cargo fmt --all

test-native:
	cargo test --workspace

test-wasm:
	scripts/test-wasm.sh

pkg:
	scripts/build-pkg.sh

size-check: pkg
	scripts/size.sh --check

test-types: pkg
	scripts/test-types.sh

test-pkg: pkg
	scripts/test-pkg.sh

test-node: pkg
	scripts/test-node.sh

test-bundlers: pkg
	scripts/test-bundlers.sh

test-sdk:
	scripts/test-sdk.sh

test-page: pkg
	scripts/test-page.sh

size: setup pkg
	scripts/size.sh

bench: setup pkg
	scripts/bench.sh

bench-relay: setup-bench
	scripts/bench-relay.sh

bench-rush: setup pkg
	scripts/bench-rush.sh

relay:
	cargo run --profile relay -p relay -- $(RELAY_ARGS)

demo: setup pkg
	scripts/demo.sh

clean:
	cargo clean
	rm -rf pkg target
