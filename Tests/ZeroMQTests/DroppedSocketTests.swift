import Foundation
import Testing
@testable import ZeroMQ

@Suite("Dropped sockets linger, boundedly") struct DroppedSocketTests {
  /// An endpoint nobody has bound: a fresh IPC path. (A TCP port found by
  /// binding to `*` and closing again is not safe here: libzmq closes the
  /// listener some time after `close()` returns, and a sender connecting in
  /// that window hands its message to the closing probe.)
  func freeEndpoint() -> String {
    "ipc:///tmp/swiftzmq-dropped-\(UUID().uuidString)"
  }

  /// The pattern that used to lose its message: connect, send, return.
  func sendAndForget(_ ctx: Context, to endpoint: String, _ text: String) throws {
    let push = try ctx.socket(.push)
    // Retry the connection often, so the peer that binds later is reached
    // well inside the one-second bound even on a busy machine.
    try push.set(.reconnectIvl, 10)
    try push.connect(endpoint)
    try push.send(text)
  }

  @Test(.timeLimit(.minutes(1)))
  func aDroppedSocketDeliversOnceAPeerBindsWithinTheBound() throws {
    let ctx = try Context()
    let endpoint = freeEndpoint()
    try sendAndForget(ctx, to: endpoint, "not lost")
    // The socket is gone; its message waits for a peer.
    let pull = try makeSocket(ctx, .pull, timeout: 3000)
    try pull.bind(endpoint)
    #expect(try pull.recvString() == "not lost")
  }

  @Test(.timeLimit(.minutes(1)))
  func releasingTheContextWaitsAtMostTheBound() throws {
    let start = ContinuousClock.now
    expectFinishes(within: 10, "releasing a context whose dropped socket has no peer") {
      let ctx = try Context()
      try sendAndForget(ctx, to: "tcp://127.0.0.1:1", "nobody listens")
      // `ctx` is released here: its termination waits for the dropped socket.
    }
    let elapsed = ContinuousClock.now - start
    #expect(elapsed >= .milliseconds(900), "the dropped socket did not linger: \(elapsed)")
    #expect(elapsed < .seconds(4), "the dropped socket lingered past the bound: \(elapsed)")
    #expect(Socket.droppedSocketLinger == .seconds(1))
  }

  @Test(.timeLimit(.minutes(1)))
  func termWaitsAtMostTheBoundEvenWithAnInfiniteLinger() throws {
    let ctx = try Context()
    do {
      let push = try ctx.socket(.push)
      try push.set(.linger, -1)
      try push.connect("tcp://127.0.0.1:1")
      try push.send("nobody listens")
    }
    let start = ContinuousClock.now
    expectFinishes(within: 10, "term() after dropping a socket with linger -1") { try ctx.term() }
    #expect(ContinuousClock.now - start < .seconds(4))
  }

  @Test(.timeLimit(.minutes(1)))
  func aShorterLingerOfTheUsersIsKept() throws {
    let ctx = try Context()
    do {
      let push = try ctx.socket(.push)
      try push.set(.linger, 0)
      try push.connect("tcp://127.0.0.1:1")
      try push.send("discarded at once")
    }
    let start = ContinuousClock.now
    try ctx.term()
    #expect(ContinuousClock.now - start < .milliseconds(500))
  }

  @Test(.timeLimit(.minutes(1)))
  func anExplicitCloseKeepsTheFullLinger() throws {
    let ctx = try Context()
    let push = try ctx.socket(.push)
    try push.set(.linger, 1500)
    try push.connect("tcp://127.0.0.1:1")
    try push.send("waits for its linger")
    try push.close()
    let start = ContinuousClock.now
    try ctx.term()
    #expect(ContinuousClock.now - start >= .milliseconds(1400))
  }
}
