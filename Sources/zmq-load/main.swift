// zmq-load: moves a million messages (by default) through PUSH → PULL and
// PUB → SUB, over tcp and ipc, and checks that every one arrived once, in
// order, intact.
//
//   zmq-load [--count N] [--pipes P] [--only NAME]...
//
// Each scenario has P senders (threads with a socket each, `pipes`)
// connected to one receiver, and moves N messages in all; in the `-async`
// scenario senders and receiver are tasks using the async API. A message is: pipe number (UInt32, little-endian), sequence number
// within its pipe (UInt64), then a payload of 8 to 71 bytes that depends on
// both. The receiver checks that each pipe's sequence numbers arrive as
// 0, 1, 2, … (nothing lost, duplicated or reordered) and keeps a checksum
// (FNV-1a over whole messages) per pipe, compared at the end with the
// sender's. No high-water mark can drop anything: PUB/SUB run without
// limits (0), PUSH blocks at its mark. The publishers only start once the
// subscriber has seen a probe from them and said so over a side REQ/REP
// channel, so the subscription is in place before counting starts.
//
// Every receive and send has a timeout; a stuck scenario fails. Prints one
// line per scenario (messages, bytes, seconds, msg/s, OK or FAIL) and
// exits with status 1 when any scenario failed.

import Foundation
import Synchronization
import ExampleSupport
import ZeroMQ

/// How long any single receive or send may wait.
let timeout: Int32 = 10_000
/// The sequence number of a publisher's probe (never a data message).
let probe = UInt64.max
/// Pipe number (4 bytes) and sequence number (8 bytes).
let headerSize = 12

struct Scenario {
  let pattern: String  // "push-pull" or "pub-sub"
  let transport: String  // "tcp" or "ipc"
  /// Senders and receiver use the async API (tasks that suspend while they
  /// wait) instead of blocking calls on threads.
  var isAsync = false
  var name: String { "\(pattern)-\(transport)\(isAsync ? "-async" : "")" }
  var isPubSub: Bool { pattern == "pub-sub" }
}

let allScenarios = [
  Scenario(pattern: "push-pull", transport: "tcp"), Scenario(pattern: "push-pull", transport: "ipc"),
  Scenario(pattern: "pub-sub", transport: "tcp"), Scenario(pattern: "pub-sub", transport: "ipc"),
  Scenario(pattern: "push-pull", transport: "tcp", isAsync: true),
]

struct LoadFailure: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// FNV-1a, 64 bits.
@inline(__always)
func fnv1a(_ hash: UInt64, _ bytes: UnsafeRawBufferPointer) -> UInt64 {
  var hash = hash
  for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
  return hash
}
let fnvOffset: UInt64 = 0xcbf2_9ce4_8422_2325

/// Writes message `sequence` of `pipe` into `buffer`; returns its length.
@inline(__always)
func compose(_ buffer: UnsafeMutableRawBufferPointer, pipe: UInt32, sequence: UInt64) -> Int {
  buffer.storeBytes(of: pipe.littleEndian, toByteOffset: 0, as: UInt32.self)
  buffer.storeBytes(of: sequence.littleEndian, toByteOffset: 4, as: UInt64.self)
  let payload = 8 + Int(sequence % 64)
  let first = UInt8(truncatingIfNeeded: sequence &* 31 &+ UInt64(pipe) &* 7)
  for index in 0..<payload {
    buffer[headerSize + index] = first &+ UInt8(truncatingIfNeeded: index)
  }
  return headerSize + payload
}

/// A one-way signal between threads, with a deadline.
final class Gate: Sendable {
  private let semaphore = DispatchSemaphore(value: 0)
  func open(_ waiters: Int = 1) { for _ in 0..<waiters { semaphore.signal() } }
  func wait(seconds: Double) -> Bool { semaphore.wait(timeout: .now() + seconds) == .success }
}

/// What the senders report back.
final class SenderResults: Sendable {
  private let state: Mutex<(checksums: [UInt64], errors: [String])>
  init(pipes: Int) { state = Mutex((Array(repeating: fnvOffset, count: pipes), [])) }
  func finished(pipe: Int, checksum: UInt64) { state.withLock { $0.checksums[pipe] = checksum } }
  func failed(pipe: Int, _ error: any Error) { state.withLock { $0.errors.append("sender \(pipe): \(error)") } }
  var checksums: [UInt64] { state.withLock { $0.checksums } }
  var errors: [String] { state.withLock { $0.errors } }
}

/// One sender: connects, waits for the start (PUSH) or until the
/// subscriber has seen its probe (PUB), sends `count` messages, and keeps
/// its socket open until the receiver is done.
func sender(
  _ context: Context, _ scenario: Scenario, endpoint: String, syncEndpoint: String, pipe: Int, count: Int,
  start: Gate, receiverDone: Gate, results: SenderResults
) throws {
  let socket = try context.socket(scenario.isPubSub ? .pub : .push)
  try socket.set(.linger, 0)
  try socket.set(.sndtimeo, timeout)
  try socket.set(.sndhwm, scenario.isPubSub ? 0 : 100_000)
  try socket.connect(endpoint)
  let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: headerSize + 72, alignment: 8)
  defer { buffer.deallocate() }

  if scenario.isPubSub {
    // Probe until the subscriber reports, over REQ/REP, that a probe of
    // this pipe arrived: from then on nothing this publisher sends is
    // dropped for want of a subscription.
    let sync = try context.socket(.rep)
    try sync.set(.linger, 0)
    try sync.set(.rcvtimeo, 10)
    try sync.set(.sndtimeo, timeout)
    try sync.bind(syncEndpoint)
    let deadline = Date().addingTimeInterval(Double(timeout) / 1000)
    while true {
      let length = compose(buffer, pipe: UInt32(pipe), sequence: probe)
      try socket.send(UnsafeRawBufferPointer(rebasing: buffer[..<length]))
      do {
        if try sync.recvString() == "ready" { break }
      } catch let error as ZMQError where error == .eagain {
        guard Date() < deadline else { throw LoadFailure("the subscriber never saw a probe") }
      }
    }
    try sync.send("go")
  } else {
    guard start.wait(seconds: Double(timeout) / 1000) else { throw LoadFailure("never started") }
  }

  var checksum = fnvOffset
  for sequence in 0..<UInt64(count) {
    let length = compose(buffer, pipe: UInt32(pipe), sequence: sequence)
    let message = UnsafeRawBufferPointer(rebasing: buffer[..<length])
    checksum = fnv1a(checksum, message)
    try socket.send(message)
  }
  results.finished(pipe: pipe, checksum: checksum)
  // Closing now would discard what is still queued (linger 0): wait.
  _ = receiverDone.wait(seconds: 600)
}

/// One sender of an async scenario, in a task: `sendAsync` suspends while
/// the socket has no room (its high-water mark is small on purpose). When
/// done it closes its socket with a linger period, so that what is still
/// queued is delivered, and never blocks a thread of the shared pool.
func asyncSender(_ context: Context, endpoint: String, pipe: Int, count: Int, results: SenderResults) async throws {
  let socket = try context.socket(.push)
  try socket.set(.linger, timeout)
  try socket.set(.sndtimeo, timeout)
  try socket.set(.sndhwm, 1000)
  try socket.connect(endpoint)
  let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: headerSize + 72, alignment: 8)
  defer { buffer.deallocate() }
  var checksum = fnvOffset
  for sequence in 0..<UInt64(count) {
    let length = compose(buffer, pipe: UInt32(pipe), sequence: sequence)
    let message = UnsafeRawBufferPointer(rebasing: buffer[..<length])
    checksum = fnv1a(checksum, message)
    try await socket.sendAsync(message)
  }
  results.finished(pipe: pipe, checksum: checksum)
  try socket.close()
}

/// Per pipe, what the receiver saw.
struct PipeTally {
  var next: UInt64 = 0
  var checksum = fnvOffset
  var errors = 0
  var firstError: String?
}

struct Outcome {
  var messages = 0
  var bytes = 0
  var seconds = 0.0
  var failures: [String] = []
}

func run(_ scenario: Scenario, count: Int, pipes: Int) async -> Outcome {
  var outcome = Outcome()
  let context: Context
  do { context = try Context() } catch {
    outcome.failures.append("no context: \(error)")
    return outcome
  }
  // The context ends once every sender thread has let go of its socket.
  var sendersFinished = true
  defer { if sendersFinished { try? context.term() } }
  let start = Gate(), receiverDone = Gate()
  let results = SenderResults(pipes: pipes)
  let senderDone = Gate()
  let perPipe = (0..<pipes).map { count / pipes + ($0 < count % pipes ? 1 : 0) }
  var tallies = Array(repeating: PipeTally(), count: pipes)

  do {
    let receiver = try context.socket(scenario.isPubSub ? .sub : .pull)
    defer { try? receiver.close() }
    try receiver.set(.linger, 0)
    try receiver.set(.rcvtimeo, timeout)
    try receiver.set(.rcvhwm, scenario.isPubSub ? 0 : 100_000)
    if scenario.isPubSub { try receiver.set(.subscribe, "") }
    try receiver.bind(scenario.transport == "tcp" ? "tcp://127.0.0.1:*" : "ipc://*")
    let endpoint: String = try receiver.get(.lastEndpoint)

    let syncEndpoints = (0..<pipes).map { "inproc://load-sync-\(scenario.name)-\($0)" }
    var began = Date()
    for pipe in 0..<pipes {
      let count = perPipe[pipe], syncEndpoint = syncEndpoints[pipe]
      if scenario.isAsync {
        // The senders run on the shared event loop (resumed on its thread);
        // the receiver runs where this function does, so both the loop's
        // own path and the path through another executor carry the load.
        Task(executorPreference: ZMQEventLoop.shared) {
          do {
            try await asyncSender(context, endpoint: endpoint, pipe: pipe, count: count, results: results)
          } catch {
            results.failed(pipe: pipe, error)
          }
          senderDone.open()
        }
        continue
      }
      let thread = Thread {
        do {
          try sender(
            context, scenario, endpoint: endpoint, syncEndpoint: syncEndpoint, pipe: pipe, count: count,
            start: start, receiverDone: receiverDone, results: results)
        } catch {
          results.failed(pipe: pipe, error)
        }
        senderDone.open()
      }
      thread.start()
    }
    // Closes the senders' sockets and waits for their threads, whatever
    // happened; only then can the context end.
    defer {
      receiverDone.open(pipes)
      for _ in 0..<pipes where !senderDone.wait(seconds: 30) {
        outcome.failures.append("a sender thread did not finish")
        sendersFinished = false
      }
    }

    var syncs: [Socket] = []
    if scenario.isPubSub {
      for syncEndpoint in syncEndpoints {
        let sync = try context.socket(.req)
        try sync.set(.linger, 0)
        try sync.set(.rcvtimeo, timeout)
        try sync.set(.sndtimeo, timeout)
        try sync.connect(syncEndpoint)
        syncs.append(sync)
      }
    }
    var synced = Array(repeating: !scenario.isPubSub, count: pipes)
    var message = Message()
    var finishedPipes = perPipe.filter { $0 == 0 }.count
    start.open(pipes)

    while finishedPipes < pipes {
      do {
        if scenario.isAsync {
          message = try await receiver.recvMessageAsync()
        } else {
          try receiver.recv(into: message)
        }
      } catch let error as ZMQError where error == .eagain {
        throw LoadFailure("timed out after \(outcome.messages) of \(count) messages")
      }
      let size = message.size
      guard size >= headerSize else {
        tallies[0].errors += 1
        continue
      }
      let (pipeNumber, sequence) = message.withUnsafeBytes { bytes in
        (
          Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self))),
          UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt64.self))
        )
      }
      guard pipeNumber < pipes else { throw LoadFailure("a message from pipe \(pipeNumber), which does not exist") }
      if sequence == probe {
        if !synced[pipeNumber] {
          if !synced.contains(true) { began = Date() }  // the first publisher starts now
          synced[pipeNumber] = true
          try syncs[pipeNumber].send("ready")
          guard try syncs[pipeNumber].recvString() == "go" else { throw LoadFailure("bad answer from publisher") }
        }
        continue
      }
      outcome.messages += 1
      outcome.bytes += size
      var tally = tallies[pipeNumber]
      if sequence != tally.next {
        tally.errors += 1
        if tally.firstError == nil {
          let kind = sequence > tally.next ? "lost \(sequence - tally.next)" : "duplicate or out of order"
          tally.firstError = "pipe \(pipeNumber): expected #\(tally.next), got #\(sequence) (\(kind))"
        }
      }
      tally.next = max(tally.next, sequence &+ 1)
      tally.checksum = message.withUnsafeBytes { fnv1a(tally.checksum, $0) }
      if sequence == UInt64(perPipe[pipeNumber] - 1) { finishedPipes += 1 }
      tallies[pipeNumber] = tally
    }
    outcome.seconds = Date().timeIntervalSince(began)
    if try receiver.recv(flags: .dontWait) != nil { outcome.failures.append("more messages than were sent") }
  } catch {
    outcome.failures.append("\(error)")
  }

  outcome.failures += results.errors
  let sent = results.checksums
  for (pipe, tally) in tallies.enumerated() {
    if let first = tally.firstError { outcome.failures.append("\(first); \(tally.errors) sequence error(s) in all") }
    if tally.next != UInt64(perPipe[pipe]) && tally.firstError == nil {
      outcome.failures.append("pipe \(pipe): \(tally.next) of \(perPipe[pipe]) messages")
    }
    if tally.checksum != sent[pipe] && outcome.failures.isEmpty {
      outcome.failures.append("pipe \(pipe): checksum \(tally.checksum) received, \(sent[pipe]) sent")
    }
  }
  if outcome.failures.isEmpty && outcome.messages != count {
    outcome.failures.append("\(outcome.messages) messages received, \(count) sent")
  }
  return outcome
}

// MARK: - Command line

func usage() -> Never {
  printError("usage: zmq-load [--count N] [--pipes P] [--only \(allScenarios.map(\.name).joined(separator: "|"))]...")
  exit(2)
}

var count = 1_000_000
var pipes = 2
var only: [String] = []
var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
  let option = arguments.removeFirst()
  guard let value = arguments.first else { usage() }
  arguments.removeFirst()
  switch option {
  case "--count": count = Int(value) ?? -1
  case "--pipes": pipes = Int(value) ?? -1
  case "--only":
    guard allScenarios.contains(where: { $0.name == value }) else { usage() }
    only.append(value)
  default: usage()
  }
}
guard count >= 1, pipes >= 1, pipes <= 64 else { usage() }

/// Runs the scenarios; returns the exit status. (A function, not top-level
/// code, so that its values are released before exit and LeakSanitizer,
/// when the program runs under it, reports only what outlives them.)
func runAll(count: Int, pipes: Int, only: [String]) async -> Int32 {
  print(
    "zmq-load: libzmq \(ZMQ.version().map(String.init).joined(separator: ".")), \(count) messages per scenario, \(pipes) pipes"
  )
  print("scenario              messages       bytes  seconds       msg/s  result")
  var anyFailed = false
  for scenario in allScenarios where only.isEmpty || only.contains(scenario.name) {
    let outcome = await run(scenario, count: count, pipes: pipes)
    let rate = outcome.seconds > 0 ? Double(outcome.messages) / outcome.seconds : 0
    let result = outcome.failures.isEmpty ? "OK" : "FAIL"
    print(
      scenario.name.padding(toLength: 20, withPad: " ", startingAt: 0)
        + String(format: " %9d %11d %8.2f %11.0f  ", outcome.messages, outcome.bytes, outcome.seconds, rate) + result)
    for failure in outcome.failures { print("  \(failure)") }
    fflush(nil)
    anyFailed = anyFailed || !outcome.failures.isEmpty
  }
  print(anyFailed ? "zmq-load: FAIL" : "zmq-load: OK")
  return anyFailed ? 1 : 0
}

exit(await runAll(count: count, pipes: pipes, only: only))
