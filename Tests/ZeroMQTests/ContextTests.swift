import Foundation
import Testing
@testable import ZeroMQ

@Suite struct ContextTests {
  @Test func createsAndTerminates() throws {
    let ctx = try Context()
    try ctx.term()
  }

  @Test func createsEveryClassicSocketType() throws {
    let ctx = try Context()
    let types: [SocketType] = [.pair, .pub, .sub, .req, .rep, .dealer, .router, .pull, .push, .xpub, .xsub, .stream]
    for type in types {
      let socket = try ctx.socket(type)
      #expect(socket.type == type)
      #expect(try socket.get(.type) == type.rawValue)
      #expect(socket.context === ctx)
      try socket.close()
    }
    try ctx.term()
  }

  @Test func unknownSocketTypeThrowsEinval() throws {
    let ctx = try Context()
    expectZMQError(.einval) { _ = try ctx.socket(SocketType(rawValue: 999)) }
    try ctx.term()
  }

  @Test(.requires("ZMQ_BLOCKY", "ZMQ_MAX_MSGSZ")) func typedOptionsRoundTrip() throws {
    let ctx = try Context()
    try ctx.set(.blocky, 0)
    #expect(try ctx.get(.blocky) == 0)
    try ctx.set(.blocky, 1)
    #expect(try ctx.get(.blocky) == 1)
    try ctx.set(.ioThreads, 2)
    #expect(try ctx.get(.ioThreads) == 2)
    try ctx.set(.maxSockets, 64)
    #expect(try ctx.get(.maxSockets) == 64)
    try ctx.set(.maxMsgsz, 4096)
    let max: Int32 = try ctx.get(.maxMsgsz)
    #expect(max == 4096)
    try ctx.term()
  }

  @Test(.requires("ZMQ_MSG_T_SIZE", "ZMQ_MAX_MSGSZ")) func readOnlyOptionsRead() throws {
    let ctx = try Context()
    #expect(try ctx.get(.msgTSize) == 64)  // sizeof(zmq_msg_t)
    #expect(try ctx.get(.socketLimit) > 0)
    #expect(try ctx.get(.maxMsgsz) == Int32.max)
    try ctx.term()
  }

  @Test(.requires("ZMQ_BLOCKY")) func booleanContextOptionsGoThroughAsZeroOrOne() throws {
    let ctx = try Context()
    let blocky = ContextOption<Bool, ReadWrite>(rawValue: ContextOption<Int32, ReadWrite>.blocky.rawValue)
    try ctx.set(blocky, false)
    #expect(try ctx.get(blocky) == false)
    #expect(try ctx.get(.blocky) == 0)
    try ctx.set(blocky, true)
    #expect(try ctx.get(.blocky) == 1)
    try ctx.term()
  }

  @Test func invalidValuesAndUnknownOptionsThrowEinval() throws {
    let ctx = try Context()
    expectZMQError(.einval) { try ctx.set(.ioThreads, -1) }
    let unknown = ContextOption<Int32, ReadWrite>(rawValue: 9999)
    expectZMQError(.einval) { try ctx.set(unknown, 1) }
    expectZMQError(.einval) { _ = try ctx.get(unknown) }
    try ctx.term()
  }

  @Test func optionWhoseValueIsMinusOneIsNotAnError() throws {
    // ZMQ_THREAD_SCHED_POLICY reads -1 by default; -1 must not be taken for a failure.
    let ctx = try Context()
    let policy = ContextOption<Int32, ReadWrite>(rawValue: ZMQ.THREAD_SCHED_POLICY)
    #expect(try ctx.get(policy) == -1)
    try ctx.term()
  }

  @Test func termAndShutdownAreIdempotent() throws {
    let ctx = try Context()
    try ctx.shutdown()
    try ctx.shutdown()
    try ctx.term()
    try ctx.term()
    try ctx.shutdown()
    try ctx.destroy(linger: 0)
  }

  @Test func everyCallAfterTermThrowsEterm() throws {
    let ctx = try Context()
    try ctx.term()
    expectZMQError(.eterm) { _ = try ctx.socket(.push) }
    expectZMQError(.eterm) { try ctx.set(.blocky, 0) }
    expectZMQError(.eterm) { _ = try ctx.get(.maxMsgsz) }
    expectZMQError(.eterm) { _ = try ctx.get(.ioThreads) }
  }

  @Test func socketCreationAfterShutdownThrowsEterm() throws {
    let ctx = try Context()
    try ctx.shutdown()
    expectZMQError(.eterm) { _ = try ctx.socket(.push) }
    try ctx.term()
  }

  @Test func operationsOnOpenSocketsAfterShutdownThrowEterm() throws {
    let ctx = try Context()
    let (a, b) = try connectedPair(ctx)
    try ctx.shutdown()
    expectZMQError(.eterm) { try a.send("x") }
    expectZMQError(.eterm) { _ = try b.recv() }
    expectZMQError(.eterm) { _ = try b.recv(flags: .dontWait) }
    expectZMQError(.eterm) { try a.bind(uniqueInproc()) }
    try a.close()
    try b.close()
    try ctx.term()
  }

  @Test(.timeLimit(.minutes(1)))
  func termBlocksUntilEverySocketIsClosed() throws {
    let ctx = try Context()
    let socket = try ctx.socket(.pull)
    let terminator = BackgroundThread { try ctx.term() }
    #expect(terminator.wait(seconds: 0.3) == nil, "term() returned while a socket was open")
    // The socket is woken like any blocking call: it now answers ETERM.
    expectZMQError(.eterm) { _ = try socket.recv(flags: .dontWait) }
    try socket.close()
    let outcome = terminator.wait(seconds: 5)
    #expect(outcome != nil, "term() did not return after the last socket was closed")
    if case .failure(let error)? = outcome { Issue.record(error) }
    expectZMQError(.eterm) { _ = try ctx.socket(.push) }
  }

  @Test func destroyClosesEverySocketThenTerminates() throws {
    let ctx = try Context()
    let (a, b) = try connectedPair(ctx, .push, .pull)
    let c = try ctx.socket(.pub)
    try a.set(.linger, -1)
    try a.send("pending")  // would block term() forever with linger -1
    expectFinishes(within: 5, "destroy(linger: 0)") { try ctx.destroy(linger: 0) }
    for socket in [a, b, c] {
      #expect(socket.isClosed)
      expectZMQError(.enotsock) { try socket.send("x") }
      try socket.close()  // still idempotent
    }
    expectZMQError(.eterm) { _ = try ctx.socket(.push) }
  }

  @Test func destroyWithoutLingerKeepsEachSocketsOwnLinger() throws {
    let ctx = try Context()
    let socket = try ctx.socket(.push)
    try socket.set(.linger, 0)
    try socket.connect("tcp://127.0.0.1:1")  // nobody listens: messages stay queued
    try socket.send("queued")
    expectFinishes(within: 5, "destroy() of a socket whose own linger is 0") { try ctx.destroy() }
    #expect(socket.isClosed)
  }

  @Test func destroyAfterSocketsWereClosedIsFine() throws {
    let ctx = try Context()
    let socket = try ctx.socket(.req)
    try socket.close()
    try ctx.destroy(linger: 0)
    try ctx.destroy(linger: 0)
  }

  @Test func contextIsUsableFromManyThreadsAtOnce() async throws {
    let ctx = try Context()
    try await withThrowingTaskGroup(of: Int.self) { group in
      for index in 0..<16 {
        group.addTask {
          let (a, b) = try connectedPair(ctx)
          try a.send(Int32(index))
          let value = try #require(try b.recvInt())
          try a.close()
          try b.close()
          return Int(value)
        }
      }
      var seen: Set<Int> = []
      for try await value in group { seen.insert(value) }
      #expect(seen == Set(0..<16))
    }
    try ctx.term()
  }

  @Test func socketKeepsItsContextAlive() throws {
    weak var weakContext: Context?
    let socket: Socket
    do {
      let ctx = try Context()
      weakContext = ctx
      socket = try ctx.socket(.pair)
    }
    #expect(weakContext != nil)
    try socket.bind(uniqueInproc())
    try socket.close()
    #expect(weakContext != nil, "the Socket object still refers to its context")
  }

  @Test func contextIsReleasedAndTerminatedWithItsLastSocket() throws {
    expectFinishes(within: 5, "releasing a context whose dropped socket had a queued message") {
      weak var weakContext: Context?
      do {
        let ctx = try Context()
        weakContext = ctx
        let socket = try ctx.socket(.push)
        try socket.connect("tcp://127.0.0.1:1")
        try socket.send("dropped")  // a dropped socket lingers at most a second, so the implicit term ends
      }
      #expect(weakContext == nil)
    }
  }
}
