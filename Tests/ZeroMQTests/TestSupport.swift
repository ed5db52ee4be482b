import Foundation
import Synchronization
import Testing
@testable import ZeroMQ

/// A fresh in-process endpoint, unique across parallel tests.
func uniqueInproc(_ label: String = #function) -> String {
  "inproc://\(label.filter { $0.isLetter || $0.isNumber })-\(UUID().uuidString)"
}

/// How much longer than usual the tests may wait before they call
/// something lost: `ZMQ_TEST_TIME_SCALE` (a whole number, 1 when unset).
/// The sanitizers run everything several times slower, and tests that all
/// start at once share the cooperative pool's threads with the ones that
/// block them, so a task can wait its turn for many seconds; `make
/// sanitize` sets a larger scale. Only the limits of what should happen
/// scale, never the durations a test asserts.
let testTimeScale: Int32 = {
  guard let text = ProcessInfo.processInfo.environment["ZMQ_TEST_TIME_SCALE"], let scale = Int32(text), scale > 0
  else { return 1 }
  return scale
}()

/// Waits until `condition` holds, checking every millisecond; records an
/// issue naming `what` and throws when it does not within `seconds`
/// (scaled by ``testTimeScale``), so that a helper task waiting for an
/// event that will never come fails instead of hanging the run.
nonisolated(nonsending) func eventually(
  _ what: String, within seconds: Int = 20, sourceLocation: SourceLocation = #_sourceLocation,
  _ condition: () -> Bool
) async throws {
  let limit = seconds * Int(testTimeScale)
  let deadline = ContinuousClock.now + .seconds(limit)
  while !condition() {
    guard ContinuousClock.now < deadline else {
      Issue.record("\(what) within \(limit) s", sourceLocation: sourceLocation)
      throw CancellationError()
    }
    try await Task.sleep(for: .milliseconds(1))
  }
}

/// A socket that cannot block a test for long: receive and send time out
/// (after `timeout` milliseconds, times ``testTimeScale`` for a timeout
/// over a second: shorter ones are what the test measures).
func makeSocket(_ ctx: Context, _ type: SocketType, timeout: Int32 = 2000) throws -> Socket {
  let socket = try ctx.socket(type)
  let limit = timeout > 1000 ? timeout * testTimeScale : timeout
  try socket.set(.rcvtimeo, limit)
  try socket.set(.sndtimeo, limit)
  try socket.set(.linger, 0)
  return socket
}

/// Two connected sockets over inproc (`first` binds, `second` connects).
func connectedPair(_ ctx: Context, _ first: SocketType = .pair, _ second: SocketType = .pair) throws -> (Socket, Socket)
{
  let a = try makeSocket(ctx, first)
  let b = try makeSocket(ctx, second)
  let endpoint = uniqueInproc()
  try a.bind(endpoint)
  try b.connect(endpoint)
  return (a, b)
}

/// Binds to a free TCP port on the loopback and returns the resolved endpoint.
func bindTCP(_ socket: Socket) throws -> String {
  try socket.bind("tcp://127.0.0.1:*")
  let endpoint: String = try socket.get(.lastEndpoint)
  return endpoint
}

/// Runs `body` on a new thread; `wait(timeout:)` reports whether it finished.
/// Sockets are not Sendable: create them inside `body`.
final class BackgroundThread: Sendable {
  private let done = DispatchSemaphore(value: 0)
  private let outcome = Mutex<Result<Void, any Error>?>(nil)

  init(_ body: @escaping @Sendable () throws -> Void) {
    let thread = Thread { [self] in
      let result = Result { try body() }
      outcome.withLock { $0 = result }
      done.signal()
    }
    thread.start()
  }

  /// Waits up to `seconds` for the thread; `nil` when it is still running.
  func wait(seconds: Double) -> Result<Void, any Error>? {
    guard done.wait(timeout: .now() + seconds) == .success else { return nil }
    done.signal()  // let later waits succeed too
    return outcome.withLock { $0 }
  }
}

/// A one-shot signal between threads.
final class Flag: Sendable {
  private let semaphore = DispatchSemaphore(value: 0)
  func raise() { semaphore.signal() }
  func wait(seconds: Double) -> Bool { semaphore.wait(timeout: .now() + seconds) == .success }
}

/// Expects `body` to throw exactly `expected`.
func expectZMQError(_ expected: ZMQError, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void)
{
  #expect(throws: expected, sourceLocation: sourceLocation) { try body() }
}

/// Runs `body` on its own thread and fails the test — instead of hanging
/// it — when the body does not finish within `seconds` (for scenarios where
/// a regression would make libzmq block forever, such as `term()` waiting
/// on a socket that lingers).
func expectFinishes(
  within seconds: Double, _ what: String, sourceLocation: SourceLocation = #_sourceLocation,
  _ body: @escaping @Sendable () throws -> Void
) {
  let worker = BackgroundThread(body)
  switch worker.wait(seconds: seconds) {
  case nil: Issue.record("\(what) did not finish within \(seconds) s", sourceLocation: sourceLocation)
  case .failure(let error)?: Issue.record(error, "\(what) failed", sourceLocation: sourceLocation)
  case .success?: break
  }
}

/// A C name `.requires` was given that spec/availability.yaml does not list.
struct UnlistedRequirement: Error, CustomStringConvertible {
  var name: String
  var description: String {
    "\(name) is not listed in spec/availability.yaml, so whether this zmq.h declares it is not known here"
  }
}

extension Trait where Self == ConditionTrait {
  /// Runs the test only where this binding's `zmq.h` declares every one of
  /// `names` (C macros and functions of spec/availability.yaml) at the API
  /// level it was generated for; elsewhere Swift Testing reports the test as
  /// skipped, naming what is missing. A name the spec does not list fails
  /// the test instead of skipping it.
  static func requires(_ names: String..., sourceLocation: SourceLocation = #_sourceLocation) -> Self {
    let comment = Comment(
      rawValue: "needs \(names.joined(separator: ", ")), which this binding's zmq.h does not all declare")
    return .enabled(comment, sourceLocation: sourceLocation) { [names] in
      try names.allSatisfy { name in
        guard let declared = ZMQ.Available.declared[name] else { throw UnlistedRequirement(name: name) }
        return declared
      }
    }
  }
}
