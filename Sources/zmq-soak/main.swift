// zmq-soak: creates and releases everything the library manages, over and
// over, and checks that nothing accumulates.
//
//   zmq-soak [--iterations N] [--seconds S] [--warmup W] [--max-growth-kib K]
//            [--stall-seconds T] [--report-seconds R]
//
// Each iteration (see Cycle.swift) makes a context with sockets of several
// types over inproc, ipc and tcp, a poller, zero-copy and multipart
// messages, a monitor, an authenticator with a PLAIN and a CURVE handshake,
// async sends and receives and a cancelled receive, and ends the context.
// The run stops after N iterations or S seconds, whichever comes first.
//
// Resident memory (VmRSS), open descriptors and threads are sampled after
// W warm-up iterations and at the end. The run fails (exit status 1) when
// resident memory grew by more than K KiB, descriptors or threads grew by
// more than a few, a zero-copy deallocator did not run exactly once with
// its own buffer, or any message was missing or wrong. With no progress for T seconds it
// stops with status 3 (every wait has a timeout, so that is a hang).

import Foundation
import ExampleSupport
import ZeroMQ

func usage() -> Never {
  printError(
    """
    usage: zmq-soak [--iterations N] [--seconds S] [--warmup W] [--max-growth-kib K]
                    [--stall-seconds T] [--report-seconds R]
    """)
  exit(2)
}

/// The command line's settings.
struct Options {
  var iterations = 200
  var seconds = 0.0
  var warmup: Int?
  var maxGrowthKiB = 4096
  var stallSeconds = 60
  var reportSeconds = 15.0

  init(_ arguments: [String]) {
    var arguments = arguments
    while !arguments.isEmpty {
      let option = arguments.removeFirst()
      guard !arguments.isEmpty, let value = Double(arguments.removeFirst()), value >= 0 else { usage() }
      switch option {
      case "--iterations": iterations = Int(value)
      case "--seconds": seconds = value
      case "--warmup": warmup = Int(value)
      case "--max-growth-kib": maxGrowthKiB = Int(value)
      case "--stall-seconds": stallSeconds = Int(value)
      case "--report-seconds": reportSeconds = value
      default: usage()
      }
    }
  }
}

/// The soak itself; returns the exit status. (A function rather than
/// top-level code, so that everything it made is released before the
/// process exits and LeakSanitizer sees only what the library keeps.)
func soak(_ options: Options) async -> Int32 {
  let iterations = options.iterations, seconds = options.seconds, maxGrowthKiB = options.maxGrowthKiB
  // Warm-up: long enough for the allocator's arenas, the cooperative thread
  // pool and the library's helper thread to exist before the first sample.
  let warmupIterations = options.warmup ?? max(2, min(iterations / 10, 100))
  guard iterations > warmupIterations else {
    printError("zmq-soak: --iterations must be larger than the warm-up (\(warmupIterations))")
    return 2
  }
  let watchdog = Watchdog(stallSeconds: options.stallSeconds)
  let ledger = ZeroCopyLedger()
  let started = monotonicSeconds()
  var lastReport = started
  var completed = 0
  var messages = 0
  var baseline: Sample?

  say(
    "zmq-soak: libzmq \(ZMQ.version().map(String.init).joined(separator: ".")), "
      + "up to \(iterations) iterations\(seconds > 0 ? " or \(seconds) s" : ""), warm-up \(warmupIterations)")
  let first = Sample.now()
  say("start:     \(first)")
  do {
    while completed < iterations
      && (completed < warmupIterations || seconds == 0 || monotonicSeconds() - started < seconds)
    {
      var cycle = Cycle(iteration: completed, ledger: ledger, watchdog: watchdog)
      try await cycle.run()
      messages += cycle.received
      completed += 1
      if completed == warmupIterations {
        baseline = Sample.now()
        say("warmed up: \(baseline!) after \(completed) iterations")
      }
      if monotonicSeconds() - lastReport >= options.reportSeconds {
        lastReport = monotonicSeconds()
        say(String(format: "%8.1f s:   ", lastReport - started) + "\(Sample.now()) after \(completed) iterations")
      }
    }
  } catch {
    say("zmq-soak: FAIL in iteration \(completed): \(error)")
    return 1
  }
  watchdog.enter("final checks")

  let final = Sample.now()
  let elapsed = monotonicSeconds() - started
  guard let before = baseline else { fatalError("unreachable: the loop always passes the warm-up") }
  let growth = final.rssKiB - before.rssKiB
  let totals = ledger.totals
  var failures: [String] = []
  let slack = 4
  if growth > maxGrowthKiB { failures.append("resident memory grew by \(growth) KiB (limit \(maxGrowthKiB) KiB)") }
  // A little slack: the runtime may start another pool thread (with its
  // descriptors) late. A leak per iteration would be in the hundreds.
  if final.descriptors > before.descriptors + slack {
    failures.append("open descriptors grew from \(before.descriptors) to \(final.descriptors)")
  }
  if final.threads > before.threads + slack {
    failures.append("threads grew from \(before.threads) to \(final.threads)")
  }
  if totals.created != totals.released || ledger.outstanding != 0 {
    failures.append("zero-copy messages: \(totals.created) created, \(totals.released) deallocated")
  }
  if totals.repeated > 0 { failures.append("\(totals.repeated) zero-copy deallocator(s) ran more than once") }
  if totals.mismatched > 0 { failures.append("\(totals.mismatched) deallocator(s) got another buffer than their own") }

  let measured = completed - warmupIterations
  say("end:       \(final) after \(completed) iterations")
  say(
    String(
      format: "iterations: %d in %.1f s (%.1f/s); messages checked: %d", completed, elapsed,
      Double(completed) / elapsed, messages))
  say(
    "zero-copy: \(totals.created) created, \(totals.released) deallocated, \(totals.repeated) repeated, \(totals.mismatched) mismatched"
  )
  say(
    "RSS:       \(before.rssKiB) KiB after warm-up, \(final.rssKiB) KiB at the end, growth \(growth) KiB"
      + String(
        format: " (%.1f B/iteration over %d iterations; limit %d KiB)",
        Double(growth * 1024) / Double(max(measured, 1)), measured, maxGrowthKiB))
  if failures.isEmpty {
    say("zmq-soak: OK")
    return 0
  }
  for failure in failures { say("zmq-soak: FAIL: \(failure)") }
  return 1
}

exit(await soak(Options(Array(CommandLine.arguments.dropFirst()))))
