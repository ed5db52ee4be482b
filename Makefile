# swift-zeromq — everyday commands. `make demo` and `make test` are all a
# fresh Debian 12 machine with Swift 6.3 needs: both install what is missing.

SWIFT       ?= swift
BINDGEN      = $(SWIFT) run --quiet zmq-bindgen
CONTRACT    ?= ../shared/contract/run.sh

.PHONY: all bootstrap build demo test test-swift test-perf-tools generate check-generated contract docs sanitize fuzz bench bench-quick clean

all: build

bootstrap:
	@bash scripts/bootstrap

build: bootstrap
	$(SWIFT) build

## demo: the seed's forwarding example end to end (producer → forwarder → subscriber),
## after the library's view of libzmq and the generator's view of zmq.h.
demo: bootstrap
	@echo "== zmq-bindgen dump --summary"
	@$(BINDGEN) dump --summary
	@echo "== zmq-info"
	@$(SWIFT) run --quiet zmq-info
	@bash scripts/demo-forwarding

## test: generated code up to date, every test target, the API contract.
test: bootstrap check-generated test-swift test-perf-tools contract

# Tests that measure waits in wall-clock time run in their own invocation.
# Swift Testing runs synchronous tests on the cooperative thread pool (two
# threads on a two-core machine); while they block in libzmq calls, an async
# test that is ready to continue waits for a free pool thread. The async
# socket tests and the example programs' end-to-end tests would then see
# their deadlines expire on a busy CI machine although nothing is wrong.
TIMED_TESTS = ZeroMQTests.AsyncTests|ExampleTests
test-swift:
	$(SWIFT) test --parallel --skip '$(TIMED_TESTS)'
	$(SWIFT) test --filter '$(TIMED_TESTS)'

## test-perf-tools: every perf tool and API variant, Swift and C, with tiny counts; no timing asserted.
test-perf-tools:
	bench/smoke

## bench: libzmq's perf tools in Swift and C side by side; writes bench/results.md and
## bench/throughput-latency.png (about 25 minutes; run it on a quiet machine).
bench: bootstrap
	bench/run

## bench-quick: a one-minute subset (64 B and 64 KiB, short runs) into bench/tmp/quick/.
bench-quick: bootstrap
	bench/run --quick

## generate: rewrite Sources/ZeroMQ/Generated (and generated tests) from zmq.h and spec/.
generate: bootstrap
	$(BINDGEN) generate

## check-generated: fail when the committed generated files are stale.
check-generated: bootstrap
	$(BINDGEN) check

## contract: build and run DESIGN §4's smoke program against this checkout.
contract:
	@if [ -f "$(CONTRACT)" ]; then bash "$(CONTRACT)" "$(CURDIR)"; \
	else echo "contract: $(CONTRACT) not found; skipped"; fi

## sanitize: the runtime's tests under AddressSanitizer (with LeakSanitizer) and ThreadSanitizer.
SANITIZE_FILTER ?= ZeroMQTests
sanitize: bootstrap
	LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan-suppressions.txt \
	  $(SWIFT) test --sanitize=address --scratch-path .build-asan --filter '$(SANITIZE_FILTER)'
	TSAN_OPTIONS=halt_on_error=1 \
	  $(SWIFT) test --sanitize=thread --scratch-path .build-tsan --filter '$(SANITIZE_FILTER)'

## fuzz: every libFuzzer target of Fuzz/ for FUZZ_SECONDS each, on the committed corpus: the
## generator's readers and the runtime's decoders (Fuzz/runtime-targets.sh lists those).
FUZZ_SECONDS ?= 60
fuzz: bootstrap
	bash scripts/fuzz $(FUZZ_SECONDS)

## docs: build the DocC reference (Sources/ZeroMQ/ZeroMQ.docc) into .build/docs; warnings fail.
docs: bootstrap
	$(SWIFT) package --allow-writing-to-directory .build/docs generate-documentation --target ZeroMQ \
	  --warnings-as-errors --output-path .build/docs --transform-for-static-hosting
	@echo "docs: .build/docs/index.html"

clean:
	$(SWIFT) package clean
