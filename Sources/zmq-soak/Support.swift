// Bookkeeping for the soak: the zero-copy ledger, process measurements
// (resident memory, open descriptors, threads), the stall watchdog and the
// helpers every scenario uses.

import Foundation
import Synchronization
import ExampleSupport
import ZeroMQ

/// A check of the soak that did not hold: what was expected and what happened.
struct SoakFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// Throws a `SoakFailure` unless `condition` holds.
func check(_ condition: Bool, _ what: @autoclosure () -> String) throws {
  if !condition { throw SoakFailure(what()) }
}

/// Every receive and send of the soak gives up after this long, so a lost
/// message fails the run instead of hanging it.
let socketTimeout: Int32 = 5000

/// A socket that never blocks for long and never lingers on close.
func makeSocket(_ context: Context, _ type: SocketType) throws -> Socket {
  let socket = try context.socket(type)
  try socket.set(.linger, 0)
  try socket.set(.rcvtimeo, socketTimeout)
  try socket.set(.sndtimeo, socketTimeout)
  return socket
}

/// Binds to a free loopback TCP port (or a fresh `ipc://*` path) and
/// returns the endpoint the peer connects to.
func bindAnywhere(_ socket: Socket, _ transport: String) throws -> String {
  try socket.bind(transport == "tcp" ? "tcp://127.0.0.1:*" : "ipc://*")
  let endpoint: String = try socket.get(.lastEndpoint)
  return endpoint
}

/// A fresh inproc name, unique within the process.
func uniqueInproc(_ label: String) -> String {
  "inproc://soak-\(label)-\(inprocCounter.add(1, ordering: .relaxed).newValue)"
}
private let inprocCounter = Atomic<Int>(0)

// MARK: - Zero-copy accounting

/// Hands out zero-copy messages and counts their deallocators: each must
/// run exactly once, with the buffer it was given.
final class ZeroCopyLedger: Sendable {
  struct Totals {
    var created = 0
    var released = 0
    /// Deallocators that ran for a message already released.
    var repeated = 0
    /// Deallocators called with another address or size than their buffer's.
    var mismatched = 0
  }

  private struct State {
    var nextID = 0
    var outstanding: Set<Int> = []
    var totals = Totals()
  }

  private let state = Mutex(State())

  /// A zero-copy message of `size` bytes, every one `fill`.
  func message(size: Int, fill: UInt8) throws -> Message {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 16)
    buffer.initializeMemory(as: UInt8.self, repeating: fill)
    let id = state.withLock { state in
      state.nextID += 1
      state.outstanding.insert(state.nextID)
      state.totals.created += 1
      return state.nextID
    }
    let address = UInt(bitPattern: buffer.baseAddress)
    return try Message(noCopy: buffer) { [self] returned in
      let first = state.withLock { state -> Bool in
        guard state.outstanding.remove(id) != nil else {
          state.totals.repeated += 1
          return false
        }
        state.totals.released += 1
        if UInt(bitPattern: returned.baseAddress) != address || returned.count != size {
          state.totals.mismatched += 1
        }
        return true
      }
      // Free only once, so that a repeated call is counted, not a crash.
      if first { returned.deallocate() }
    }
  }

  var totals: Totals { state.withLock { $0.totals } }
  var outstanding: Int { state.withLock { $0.outstanding.count } }
}

// MARK: - Process measurements

/// A field of /proc/self/status in kB (`VmRSS`) or as a count (`Threads`).
func procStatus(_ field: String) -> Int {
  guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
  for line in text.split(separator: "\n") where line.hasPrefix(field + ":") {
    let number = line.dropFirst(field.count + 1).split(whereSeparator: \.isWhitespace).first
    return number.flatMap { Int($0) } ?? -1
  }
  return -1
}

/// The number of open file descriptors of this process.
func openDescriptors() -> Int {
  (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? -1
}

/// Resident memory, open descriptors and threads at one moment.
struct Sample: CustomStringConvertible {
  let rssKiB: Int
  let descriptors: Int
  let threads: Int

  /// Returns the heap's free memory to the system first (glibc keeps
  /// freed blocks otherwise), so that resident memory follows what is
  /// actually in use rather than the allocator's high-water mark.
  static func now() -> Sample {
    #if canImport(Glibc)
    _ = mallocTrim(0)
    #endif
    return Sample(rssKiB: procStatus("VmRSS"), descriptors: openDescriptors(), threads: procStatus("Threads"))
  }

  var description: String { "RSS \(rssKiB) KiB, \(descriptors) fds, \(threads) threads" }
}

#if canImport(Glibc)
/// glibc's `malloc_trim` (declared in malloc.h, which the Glibc module
/// does not export).
@_silgen_name("malloc_trim")
func mallocTrim(_ pad: Int) -> Int32
#endif

// MARK: - Watchdog

/// Ends the process when the soak makes no progress for too long: every
/// wait here has a timeout, so a stall means something in the library (or
/// libzmq) blocks where it should not, and a hang would hide it.
final class Watchdog: Sendable {
  private let beats = Atomic<Int>(0)
  private let phase = Mutex("starting")

  init(stallSeconds: Int) {
    let thread = Thread { [self] in
      var last = -1
      var quiet = 0
      while true {
        sleep(1)
        let now = beats.load(ordering: .relaxed)
        quiet = now == last ? quiet + 1 : 0
        last = now
        if quiet >= stallSeconds {
          let where_ = phase.withLock { $0 }
          printError("zmq-soak: FAIL: no progress for \(stallSeconds) s, stuck in \(where_)")
          _exit(3)
        }
      }
    }
    thread.stackSize = 256 * 1024
    thread.start()
  }

  /// Notes progress and what the soak is doing now.
  func enter(_ what: String) {
    phase.withLock { $0 = what }
    beats.add(1, ordering: .relaxed)
  }
}

/// Prints a line to standard output at once (also when it is a pipe).
func say(_ line: String) {
  print(line)
  fflush(nil)
}

/// Seconds on the monotonic clock.
func monotonicSeconds() -> Double {
  var time = timespec()
  clock_gettime(CLOCK_MONOTONIC, &time)
  return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}
