import Dispatch
import Foundation
import Synchronization
import Testing
import ZeroMQ

// The forwarding example with foreign peers at both ends: a pyzmq
// publisher → the Swift forwarder (XSUB/XPUB through `ZMQ.proxySteerable`)
// → a pyzmq subscriber. Subscriptions travel upstream through the Swift
// proxy and the filtered publications downstream, byte for byte.

/// What the forwarder thread reports back.
private final class ForwarderState: Sendable {
  let ready = DispatchSemaphore(value: 0)
  let finished = DispatchSemaphore(value: 0)
  let backend = Mutex<String?>(nil)
  let outcome = Mutex<Result<ProxyExit, any Error>?>(nil)
  let done = Atomic<Bool>(false)
}

@Suite("Interop with pyzmq: the Swift forwarder between pyzmq peers", needsPyzmq, .timeLimit(.minutes(1)))
struct ForwarderInteropTests {
  static let published: [Parts] = [
    [b("weather.rome"), b("21C")],
    [b("traffic.a1"), b("jam")],
    [b("weather.lima"), b("18C"), []],
  ]
  static let matching: [Parts] = [published[0], published[2]]

  @Test("pyzmq PUB → Swift XSUB/XPUB proxy → pyzmq SUB")
  func swiftForwarder() throws {
    let ctx = try Context()
    defer { try? ctx.destroy(linger: 0) }
    let publisher = try PythonPeer("pub", ["--bind", "--send", json(Self.published)])
    defer { publisher.kill() }
    let frontendEndpoint = try publisher.endpoint()

    let controller = try ProxyController(context: ctx, timeout: 2000)
    let controlEndpoint = controller.endpoint
    let state = ForwarderState()
    // Sockets are not Sendable: the forwarder makes its own on its thread.
    Thread {
      do {
        let xsub = try ctx.socket(.xsub)
        try xsub.set(.linger, 0)
        try xsub.connect(frontendEndpoint)
        let xpub = try ctx.socket(.xpub)
        try xpub.set(.linger, 0)
        let backend = try bindLoopback(xpub)
        let control = try ctx.socket(.pair)
        try control.set(.linger, 0)
        try control.connect(controlEndpoint)
        state.backend.withLock { $0 = backend }
        state.ready.signal()
        let exit = try ZMQ.proxySteerable(frontend: xsub, backend: xpub, control: control)
        state.outcome.withLock { $0 = .success(exit) }
        try xsub.close()
        try xpub.close()
        try control.close()
      } catch {
        state.outcome.withLock { $0 = .failure(error) }
        state.ready.signal()
      }
      state.done.store(true, ordering: .releasing)
      state.finished.signal()
    }.start()
    // Runs before ctx.destroy: the proxy must be over before its sockets
    // are closed from this thread.
    defer {
      if !state.done.load(ordering: .acquiring) {
        try? controller.terminate()
        _ = state.finished.wait(timeout: .now() + 5)
      }
    }

    #expect(state.ready.wait(timeout: .now() + 5) == .success, "the forwarder started")
    let backendEndpoint = try #require(
      state.backend.withLock { $0 }, "forwarder: \(String(describing: state.outcome.withLock { $0 }))")

    let subscriber = try PythonPeer(
      "sub", ["--connect", backendEndpoint, "--subscribe", hex(b("weather.")), "--expect", json(Self.matching)])
    subscriber.run {
      // The subscriber's "ctl." subscription went up through the proxy and
      // the publisher's warm-up came down: the path is open both ways.
      _ = try subscriber.require("WARM")
      publisher.write("GO")
    }
    publisher.expectPass()

    try controller.terminate()
    #expect(state.finished.wait(timeout: .now() + 5) == .success, "the forwarder stopped")
    let outcome = state.outcome.withLock { $0 }
    guard case .success(.terminated) = outcome else {
      Issue.record("the forwarder ended with \(String(describing: outcome))")
      return
    }
  }
}
