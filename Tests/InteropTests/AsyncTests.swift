import Foundation
import Testing
import ZeroMQ

// The async/await API (Socket+Async.swift, AsyncMessages.swift) against
// pyzmq: suspending receives and sends, and `for try await` over a socket.

/// How long an async exchange may take. The async API resumes waiting
/// tasks through the cooperative pool (see ``DedicatedThreadExecutor``),
/// which the synchronous tests of the process keep busy — on a two-core
/// host for seconds at a time — so the async tests allow far more than the
/// exchange needs (normally a few milliseconds); both sides use it.
private let asyncWindow: Int32 = 30_000

@Suite("Interop with pyzmq: async/await", needsPyzmq, .timeLimit(.minutes(1)))
struct AsyncInteropTests {
  @Test("pyzmq REQ → Swift REP with await receive…/sendAsync")
  @InteropActor
  func asyncRep() async throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let rep = try socket(ctx, .rep, timeout: asyncWindow)
    let endpoint = try bindLoopback(rep)
    let requests: [Parts] = [[b("ask 1")], [b("ask 2"), b("more")], [[0x0a, 0, 0, 0]]]
    let replies: [Parts] = [[b("answer 1")], [b("answer 2"), []], [[0x0a, 0, 0, 0, 0, 0, 0, 0]]]
    let peer = try PythonPeer(
      "req",
      ["--connect", endpoint, "--send", json(requests), "--expect", json(replies), "--timeout", "\(asyncWindow)"],
      deadline: 45)
    await peer.runAsync(verdictWithin: .seconds(45)) {
      #expect(try await rep.recvStringAsync() == "ask 1")
      #expect(try rep.get(.rcvmore) == false)
      try await rep.sendAsync("answer 1")

      #expect(try await rep.recvAsync() == b("ask 2"))
      #expect(try rep.get(.rcvmore))
      #expect(try await rep.recvStringAsync() == "more")
      try await rep.sendAsync("answer 2", flags: .sndMore)
      try await rep.sendAsync()

      #expect(try await rep.recvIntAsync() == 10)
      try await rep.sendAsync(Int64(10))
    }
  }

  @Test("pyzmq PUSH → Swift for try await over .strings")
  @InteropActor
  func asyncSequence() async throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let sent: [Parts] = [[b("one")], [b("tw\u{F6}")], [[0xff, 0x41]], [b("last\0")]]
    let peer = try PythonPeer(
      "push", ["--bind", "--send", json(sent), "--timeout", "\(asyncWindow)"], deadline: 45)
    await peer.runAsync(verdictWithin: .seconds(45)) {
      let pull = try socket(ctx, .pull, timeout: asyncWindow)
      try pull.connect(try peer.endpoint())
      var got: [String] = []
      for try await text in pull.strings {
        got.append(text)
        if got.count == sent.count { break }
      }
      #expect(got == ["one", "tw\u{F6}", "\u{FFFD}A", "last"])
    }
  }
}

// MARK: - A thread of their own

/// A serial executor running its jobs on one dedicated thread.
///
/// Swift Testing runs the synchronous tests of the whole process on the
/// cooperative pool (two threads on a two-core host), where they block in
/// receives and in waits for peers. The async tests run on ``InteropActor``
/// so that their own code never waits for that pool.
///
/// Their sockets' wake-ups still do, for now: the library's async wait
/// (`FDReactor.wait` in Socket+Async.swift) arms its continuation inside a
/// `withTaskCancellationHandler` operation that runs on the global
/// concurrent executor, and the resumed task comes back through it. While
/// the pool is blocked, an `await recvAsync()` on this actor's thread is
/// resumed seconds late — hence ``asyncWindow``.
final class DedicatedThreadExecutor: SerialExecutor, @unchecked Sendable {
  private let condition = NSCondition()
  private var jobs: [UnownedJob] = []

  init(name: String) {
    let thread = Thread { [self] in
      while true {
        condition.lock()
        while jobs.isEmpty { condition.wait() }
        let job = jobs.removeFirst()
        condition.unlock()
        job.runSynchronously(on: asUnownedSerialExecutor())
      }
    }
    thread.name = name
    thread.start()
  }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    condition.withLock {
      jobs.append(job)
      condition.signal()
    }
  }

  func asUnownedSerialExecutor() -> UnownedSerialExecutor {
    UnownedSerialExecutor(ordinary: self)
  }
}

/// The actor the async interop tests run on: its executor is a dedicated
/// thread (see ``DedicatedThreadExecutor``).
@globalActor
actor InteropActor {
  static let shared = InteropActor()
  private static let executor = DedicatedThreadExecutor(name: "InteropActor")

  nonisolated var unownedExecutor: UnownedSerialExecutor {
    Self.executor.asUnownedSerialExecutor()
  }
}
