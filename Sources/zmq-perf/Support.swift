// Clock, output and threads for the perf tools: the same clock and the same
// printf formats as the C twin (bench/c/zmq_perf.c), so the two print
// identical lines.

import Dispatch
import ExampleSupport
import ZeroMQ

/// Microseconds on the monotonic clock, like libzmq's `zmq_stopwatch_start`.
@inline(__always)
func nowMicroseconds() -> UInt64 {
  var time = timespec()
  clock_gettime(CLOCK_MONOTONIC, &time)
  return UInt64(time.tv_sec) &* 1_000_000 &+ UInt64(time.tv_nsec) / 1_000
}

/// `printf`, so numbers are formatted exactly as the C tools format them.
func printC(_ format: String, _ arguments: CVarArg...) {
  _ = withVaList(arguments) { vprintf(format, $0) }
}

/// Prints to standard error and exits with `status`.
func fail(_ message: String, status: Int32 = 1) -> Never {
  fflush(nil)
  printError(message)
  exit(status)
}

/// What libzmq's tools print, and their exit status, when a message of the
/// wrong size arrives.
func wrongSize() -> Never {
  printC("message of incorrect size received\n")
  fflush(nil)
  exit(255)
}

/// The two lines libzmq's `local_thr` and `inproc_thr` end with.
func printThroughput(size: Int, count: Int, elapsed: UInt64) {
  let throughput = UInt(Double(count) / Double(elapsed) * 1_000_000)
  let megabits = Double(throughput &* UInt(size) &* 8) / 1_000_000
  printC("mean throughput: %d [msg/s]\n", Int32(truncatingIfNeeded: throughput))
  printC("mean throughput: %.3f [Mb/s]\n", megabits)
}

/// The line libzmq's `remote_lat` and `inproc_lat` end with: one-way latency.
func printLatency(roundtrips: Int, elapsed: UInt64) {
  let latency = Double(elapsed) / Double(roundtrips * 2)
  printC("average latency: %.3f [us]\n", latency)
}

/// A zeroed buffer of `size` bytes that lives until the process exits (the
/// buffer and zero-copy variants send from it; zero-copy messages may still
/// point into it while the context drains its queues).
func permanentBuffer(size: Int) -> UnsafeMutableRawBufferPointer {
  let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(size, 1), alignment: 64)
  storage.initializeMemory(as: UInt8.self, repeating: 0)
  return UnsafeMutableRawBufferPointer(rebasing: storage[0..<size])
}

/// A joinable POSIX thread running a Swift closure (the worker of the inproc
/// tools, as in libzmq's, which use a plain thread too).
struct WorkerThread {
  private final class Body {
    let run: @Sendable () -> Void
    init(_ run: @escaping @Sendable () -> Void) { self.run = run }
  }

  private var thread = pthread_t()

  init(_ run: @escaping @Sendable () -> Void) {
    let body = Unmanaged.passRetained(Body(run)).toOpaque()
    let result = pthread_create(
      &thread, nil,
      { argument in
        Unmanaged<Body>.fromOpaque(argument!).takeRetainedValue().run()
        return nil
      }, body)
    if result != 0 { fail("pthread_create failed: \(result)") }
  }

  func join() {
    pthread_join(thread, nil)
  }
}

/// Runs `body`; any error it throws ends the process with a message naming
/// `what`, as the C tools' `die` does.
@inline(__always)
func orDie<R>(_ what: String, _ body: () throws -> R) -> R {
  do {
    return try body()
  } catch {
    fail("error in \(what): \(error)")
  }
}

/// The result of a task, handed back to the thread that waits for it.
private final class TaskOutcome<R>: @unchecked Sendable {
  var result: Result<R, any Error>?
  let done = DispatchSemaphore(value: 0)
}

/// Runs `body` in a task on an event loop of its own and blocks the calling
/// thread until it is done (the async variant's bridge from the tools'
/// threads). The task prefers the loop as its executor, so a socket that
/// becomes ready resumes it on the loop's thread: the library's fast path,
/// one wake-up per message. Each tool thread gets its own loop, as each C
/// tool thread blocks on its own.
func runTask<R: Sendable>(_ body: @escaping @Sendable () async throws -> R) throws -> R {
  let outcome = TaskOutcome<R>()
  let loop = ZMQEventLoop(name: "zmq-perf")
  defer { loop.shutdown() }
  Task(executorPreference: loop) {
    do {
      outcome.result = .success(try await body())
    } catch {
      outcome.result = .failure(error)
    }
    outcome.done.signal()
  }
  outcome.done.wait()
  return try outcome.result!.get()
}

/// With `ZMQPERF_HOLD` set, `remote_thr` keeps its connection open after the
/// last send until its standard input reaches end-of-file (bench/run closes
/// it once `local_thr` has printed). libzmq 4.3 can lose the tail of a PUSH
/// stream whose process ends while the peer is still reading, over ipc above
/// all, and `local_thr` then never finishes. Holding does
/// not change the measurement, which is the receiver's. Same as the C twin.
func holdIfAsked() {
  guard getenv("ZMQPERF_HOLD") != nil else { return }
  var buffer = (UInt64(0), UInt64(0), UInt64(0), UInt64(0))
  while withUnsafeMutableBytes(of: &buffer, { read(0, $0.baseAddress, $0.count) }) > 0 {}
}
