# swift-zeromq — everyday commands. `make demo` and `make test` are all a
# fresh Debian 12 machine with Swift 6.3 needs: both install what is missing.

SWIFT       ?= swift
# The generator is a package of its own (Generator/), run from the repository root.
BINDGEN      = $(SWIFT) run --quiet --package-path Generator zmq-bindgen
CONTRACT    ?= ../shared/contract/run.sh

.PHONY: all bootstrap build demo test test-header-matrix libzmq test-libzmq test-swift test-perf-tools faults soak soak-short load load-short generate check-generated format format-check contract docs docs-browser examples consumer-check sanitize sanitize-address sanitize-thread fuzz bench bench-quick header-matrix clean

all: build

bootstrap:
	@bash scripts/bootstrap

build: bootstrap
	$(SWIFT) build

## demo: the forwarding example end to end (producer → forwarder → subscriber),
## after the library's view of libzmq and the generator's view of zmq.h.
demo: bootstrap
	@echo "== zmq-bindgen dump --summary"
	@$(BINDGEN) dump --summary
	@echo "== zmq-info"
	@$(SWIFT) run --quiet zmq-info
	@bash scripts/demo-forwarding

## test: formatting, generated code up to date, every test target, the example programs,
## a consumer package of the library, the API contract, short versions of the soak and
## the load test, the fault tests, and the package built against the fixture headers.
test: bootstrap format-check check-generated test-swift examples consumer-check test-perf-tools soak-short load-short contract faults test-header-matrix

# Tests that measure waits in wall-clock time run in their own invocation.
# Swift Testing runs synchronous tests on the cooperative thread pool (two
# threads on a two-core machine); while they block in libzmq calls, an async
# test that is ready to continue waits for a free pool thread. The async
# socket tests, the async documentation examples and the example programs'
# end-to-end tests would then see their deadlines expire on a busy CI
# machine although nothing is wrong.
TIMED_TESTS = ZeroMQTests.AsyncTests|ExampleTests|DocAsyncAwaitTests|ZeroMQTests.DroppedSocketTests|DocDroppedSocketsTests
test-swift:
	$(SWIFT) test --package-path Generator --parallel
	$(SWIFT) test --parallel --skip '$(TIMED_TESTS)'
	$(SWIFT) test --filter '$(TIMED_TESTS)'

## examples: build the Examples/ package (a consumer of the library) and run every example
## program end to end, bounded by time-outs (scripts/examples; part of `make test`).
examples: bootstrap
	bash scripts/examples

## test-perf-tools: every perf tool and API variant, Swift and C, with tiny counts; no timing asserted.
test-perf-tools:
	bench/smoke

## faults: the forwarding example and zmq-lazy-pirate across two network namespaces
## while the link is cut and the servers are killed (about 30 s; needs root,
## prints "skipped: <reason>" and succeeds where namespaces cannot be made).
faults: bootstrap
	bash scripts/faults

## soak: zmq-soak (release) for SOAK_SECONDS, failing on growth of memory, descriptors or
## threads and on any accounting error; then SOAK_ASAN_ITERATIONS iterations of a debug build
## under AddressSanitizer, whose LeakSanitizer fails the run on any leak (about 3-5 minutes).
## (Not valgrind: 3.19 crashes in libdispatch's sigsuspend, which Swift's async main uses.)
SOAK_SECONDS ?= 150
SOAK_ASAN_ITERATIONS ?= 1000
SOAK_ASAN_SCRATCH = .build-soak-asan
soak: bootstrap
	$(SWIFT) build -c release --product zmq-soak
	.build/release/zmq-soak --seconds $(SOAK_SECONDS) --iterations 100000000 --warmup 200
	@mkdir -p $(SOAK_ASAN_SCRATCH)
	@echo "== zmq-soak under AddressSanitizer/LeakSanitizer (build log: $(SOAK_ASAN_SCRATCH)/build.log)"
	@$(SWIFT) build -c debug --sanitize=address --scratch-path $(SOAK_ASAN_SCRATCH) --product zmq-soak \
	  > $(SOAK_ASAN_SCRATCH)/build.log 2>&1 || { cat $(SOAK_ASAN_SCRATCH)/build.log; exit 1; }
	@# AddressSanitizer's quarantine holds freed memory, so resident memory is not checked
	@# here: LeakSanitizer's report at exit is the check.
	LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan-suppressions.txt ASAN_OPTIONS=detect_leaks=1 \
	  $(SOAK_ASAN_SCRATCH)/debug/zmq-soak --iterations $(SOAK_ASAN_ITERATIONS) --warmup 20 --max-growth-kib 10000000

## soak-short: zmq-soak (release) for at most 1000 iterations or 15 seconds (part of `make test`).
soak-short:
	$(SWIFT) build -c release --product zmq-soak
	.build/release/zmq-soak --iterations 1000 --seconds 15 --warmup 100

## load: zmq-load (release): LOAD_COUNT messages (a million) through each of PUSH→PULL and
## PUB→SUB over tcp and ipc, and PUSH→PULL over tcp with the async API, two senders each;
## fails on any lost, repeated, reordered or corrupted message.
LOAD_COUNT ?= 1000000
load: bootstrap
	$(SWIFT) build -c release --product zmq-load
	.build/release/zmq-load --count $(LOAD_COUNT)

## load-short: zmq-load with 100 000 messages per scenario (part of `make test`).
load-short:
	$(SWIFT) build -c release --product zmq-load
	.build/release/zmq-load --count 100000

## bench: libzmq's perf tools in Swift and C side by side; writes bench/results.md and
## bench/throughput-latency.png (about 30 minutes; run it on a quiet machine).
bench: bootstrap
	bench/run

## bench-quick: a one-minute subset (64 B and 64 KiB, short runs) into bench/tmp/quick/.
bench-quick: bootstrap
	bench/run --quick

## generate: rewrite Sources/ZeroMQ/Generated (and generated tests) from zmq.h and spec/.
generate: bootstrap
	$(BINDGEN) generate

## check-generated: fail when the committed generated files, or spec/derived/options.yaml against
## the installed man pages, are stale.
check-generated: bootstrap
	$(BINDGEN) check

## format: rewrite every hand-written Swift file in place with swift-format (.swift-format).
## format-check: fail, naming each file and line, where a hand-written Swift file is not formatted.
# The generated files are left out: zmq-bindgen writes them, and check-generated holds them
# to its output byte for byte. find, not a recursive run, so that nothing under .build is read.
FORMAT_FILES = $(shell find Package.swift Sources Tests Generator Fuzz $(wildcard Examples) \
  -name '*.swift' -not -path '*/Generated/*' -not -path '*/Fixtures/*' -not -path '*/.build/*' | sort)
format:
	$(SWIFT) format format --in-place --parallel $(FORMAT_FILES)
format-check:
	$(SWIFT) format lint --strict --parallel $(FORMAT_FILES)

## header-matrix: regenerate a scratch copy from each shape fixture (models of a 4.1, 4.2, 4.3
## and master zmq.h, stable and draft: 8 variants) and build the ZeroMQ library against it
## (about 5 minutes on 2 cores). HEADER_MATRIX_FLAGS=--all builds the whole package, tests
## and tools included, and links it (about 2.5 minutes a variant; see scripts/header-matrix).
HEADER_MATRIX_FLAGS ?=
header-matrix: bootstrap
	bash scripts/header-matrix $(HEADER_MATRIX_FLAGS)

## test-header-matrix (part of `make test`): the whole package, tests, tools and Examples/
## included, against the oldest stable and the newest draft fixture; the library against
## the other six (about 9 minutes on 2 cores).
HEADER_MATRIX_WHOLE ?= 4.1-stable master-draft
HEADER_MATRIX_LIBRARY ?= 4.1-draft 4.2-stable 4.2-draft 4.3-stable 4.3-draft master-stable
test-header-matrix: bootstrap
	bash scripts/header-matrix --examples $(HEADER_MATRIX_WHOLE) --lib $(HEADER_MATRIX_LIBRARY)

## contract: an external API-contract program (CONTRACT, when present) run against this checkout.
contract:
	@if [ -f "$(CONTRACT)" ]; then bash "$(CONTRACT)" "$(CURDIR)"; \
	else echo "contract: $(CONTRACT) not found; skipped"; fi

## sanitize: the runtime's tests under AddressSanitizer (with LeakSanitizer) and ThreadSanitizer.
# allocator_may_return_null: the misuse matrix asks for messages of
# Int.max bytes and expects ENOMEM; the sanitizers' allocators would
# otherwise abort the process on such a request instead of failing it.
# ZMQ_TEST_TIME_SCALE: the sanitizers slow every test several times over, and
# all of them start at once on a cooperative pool as wide as the machine, so
# a test's helper task can wait its turn far longer than usual; the limits
# after which a test calls something lost (socket timeouts, `within`,
# `eventually`) are multiplied by it. Durations the tests assert are not.
SANITIZE_FILTER ?= ZeroMQTests
SANITIZE_TIME_SCALE ?= 4
sanitize: sanitize-address sanitize-thread

sanitize-address: bootstrap
	ZMQ_TEST_TIME_SCALE=$(SANITIZE_TIME_SCALE) ASAN_OPTIONS=allocator_may_return_null=1 \
	LSAN_OPTIONS=suppressions=$(CURDIR)/scripts/lsan-suppressions.txt \
	  $(SWIFT) test --sanitize=address --scratch-path .build-asan --filter '$(SANITIZE_FILTER)'

sanitize-thread: bootstrap
	ZMQ_TEST_TIME_SCALE=$(SANITIZE_TIME_SCALE) TSAN_OPTIONS=halt_on_error=1:allocator_may_return_null=1:suppressions=$(CURDIR)/scripts/tsan-suppressions.txt \
	  $(SWIFT) test --sanitize=thread --scratch-path .build-tsan --filter '$(SANITIZE_FILTER)'

## fuzz: every libFuzzer target of Fuzz/ for FUZZ_SECONDS each, on the committed corpus: the
## generator's readers and the runtime's decoders (Fuzz/runtime-targets.sh lists those).
FUZZ_SECONDS ?= 60
fuzz: bootstrap
	bash scripts/fuzz $(FUZZ_SECONDS)

## docs: build the DocC reference (Sources/ZeroMQ/ZeroMQ.docc) into .build/docs; warnings fail.
# With the toolchain's own docc and SwiftPM's symbol-graph dump, so the package needs no
# documentation plugin (which every consumer would otherwise resolve).
SYMBOL_GRAPHS = .build/docs-symbol-graphs
docs: bootstrap
	$(SWIFT) package dump-symbol-graph --minimum-access-level public --skip-synthesized-members --emit-extension-block-symbols >/dev/null
	@rm -rf $(SYMBOL_GRAPHS) && mkdir -p $(SYMBOL_GRAPHS)
	@cp "$$($(SWIFT) build --show-bin-path)/../symbolgraph"/ZeroMQ*.symbols.json $(SYMBOL_GRAPHS)/
	docc convert Sources/ZeroMQ/ZeroMQ.docc --additional-symbol-graph-dir $(SYMBOL_GRAPHS) \
	  --fallback-display-name ZeroMQ --fallback-bundle-identifier org.swift-zeromq.ZeroMQ \
	  --warnings-as-errors --output-path .build/docs --transform-for-static-hosting
	@echo "docs: .build/docs/index.html"

## docs-browser: `make docs`, then the site served on 127.0.0.1 and opened in headless Chromium
## (installed from Debian's packages when missing): the landing page and the socket reference
## must show their title and first code example; screenshots in .build/docs-screenshots/.
docs-browser: docs
	python3 scripts/docs-browser-check

## consumer-check: a package that depends on the ZeroMQ product builds and runs, and resolves
## nothing of the generator; with CONSUMER_PREFIX=<libzmq prefix>, it finds that libzmq through
## PKG_CONFIG_PATH alone (scripts/consumer-check).
consumer-check:
	bash scripts/consumer-check $(CONSUMER_PREFIX)

## libzmq: libzmq VERSION (4.3.4: Debian 12's zeromq3 source package; 4.3.5: Debian 13's) built
## from source into .build-libzmq/VERSION-stable, or VERSION-draft with DRAFT=1 (the draft API);
## reused when present. The prefix keeps zmq.h and the AsciiDoc documentation sources.
VERSION ?= 4.3.4
DRAFT ?= 0
libzmq:
	@bash scripts/build-libzmq $(VERSION) $(DRAFT)

## test-libzmq: a copy of the tree regenerated from that build's zmq.h and documentation, built
## against it, and its runtime, conformance, documentation and interop suites run (see scripts/test-libzmq).
test-libzmq:
	@SWIFT=$(SWIFT) bash scripts/test-libzmq $(VERSION) $(DRAFT)

clean:
	$(SWIFT) package clean
