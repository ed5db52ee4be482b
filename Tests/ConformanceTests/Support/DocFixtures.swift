import Foundation
import Synchronization
import Testing
import ZeroMQ

/// The fixtures documentation examples ask for (`<!-- doctest: fixture=NAME -->`),
/// listed in spec/doctest-fixtures.yaml. Each builds what its summary says,
/// runs the example, and tears everything down, whatever the example did.
/// Every socket has 2-second send and receive timeouts.
enum DocFixtures {
  /// A unique inproc endpoint for one fixture.
  static func endpoint(_ name: String) -> String { "inproc://doctest-\(name)-\(UUID().uuidString)" }

  static func configured(_ socket: Socket) throws -> Socket {
    try socket.set(.rcvtimeo, 2000)
    try socket.set(.sndtimeo, 2000)
    try socket.set(.linger, 0)
    return socket
  }

  static func context(_ body: (Context) throws -> Void) throws {
    let context = try Context()
    defer { try? context.destroy(linger: 0) }
    try body(context)
  }

  /// Two sockets of `types`, the first bound and the second connected.
  static func connected(_ first: SocketType, _ second: SocketType, _ body: (Context, Socket, Socket) throws -> Void)
    throws
  {
    try context { context in
      let bound = try configured(context.socket(first)), connecting = try configured(context.socket(second))
      let endpoint = endpoint("\(first)")
      try bound.bind(endpoint)
      try connecting.connect(endpoint)
      try body(context, bound, connecting)
    }
  }

  static func pair(_ body: (Context, Socket, Socket) throws -> Void) throws {
    try connected(.pair, .pair, body)
  }

  static func pushPull(_ body: (Context, Socket, Socket) throws -> Void) throws {
    try connected(.pull, .push) { context, pull, push in try body(context, push, pull) }
  }

  static func reqRep(_ body: (Context, Socket, Socket) throws -> Void) throws {
    try connected(.rep, .req) { context, rep, req in try body(context, req, rep) }
  }

  static func queued(_ body: (Context, Socket) throws -> Void) throws {
    try connected(.pull, .push) { context, pull, push in
      try push.send("hello")
      // Wait until the message has arrived, so a .dontWait receive sees it.
      let poller = Poller()
      try poller.add(pull, events: .pollIn)
      _ = try poller.wait(timeout: 2000)
      try body(context, pull)
    }
  }

  static func poller(_ body: (Context, Poller, Socket, Socket) throws -> Void) throws {
    try pair { context, socket, peer in try body(context, Poller(), socket, peer) }
  }

  /// How long an async example may wait before its context is shut down.
  static let asyncDeadline: Duration = .seconds(10)

  /// A context for an example that awaits. A watchdog task shuts the
  /// context down after ``asyncDeadline``, which ends every pending wait on
  /// its sockets with `ETERM`: a broken example fails instead of hanging.
  static func asyncContext(_ body: (Context) async throws -> Void) async throws {
    let context = try Context()
    let watchdog = Task {
      try await Task.sleep(for: asyncDeadline)
      try context.shutdown()
    }
    defer {
      watchdog.cancel()
      try? context.destroy(linger: 0)
    }
    try await body(context)
  }
}

/// What a documentation example printed, line by line (examples may print
/// from several threads).
final class PrintedLines: Sendable {
  private let storage = Mutex(([String](), ""))

  var lines: [String] {
    storage.withLock { state in state.1.isEmpty ? state.0 : state.0 + [state.1] }
  }

  func record(_ items: [Any], separator: String, terminator: String) {
    let text = items.map { "\($0)" }.joined(separator: separator) + terminator
    storage.withLock { state in
      var parts = (state.1 + text).components(separatedBy: "\n")
      state.1 = parts.removeLast()
      state.0 += parts
    }
  }

  /// Compares with the expected lines: exact text, or a whole-line regular
  /// expression for `// prints matching:` lines.
  func mismatch(_ expected: [(text: String, isPattern: Bool)]) -> String? {
    let lines = self.lines
    guard lines.count == expected.count else {
      return
        "printed \(lines.count) line(s), expected \(expected.count):\nprinted: \(lines)\nexpected: \(expected.map(\.text))"
    }
    for (line, want) in zip(lines, expected) {
      if want.isPattern {
        guard line.range(of: "^(?:\(want.text))$", options: .regularExpression) != nil else {
          return "line \"\(line)\" does not match /\(want.text)/"
        }
      } else if line != want.text {
        return "printed \"\(line)\", expected \"\(want.text)\""
      }
    }
    return nil
  }

  /// Records an issue at the example's place in its Markdown file when
  /// what it printed differs from `expected`.
  func expect(_ expected: [(text: String, isPattern: Bool)], file: String, line: Int) {
    guard let mismatch = mismatch(expected) else { return }
    let name = file.split(separator: "/").last.map(String.init) ?? file
    Issue.record(
      Comment(rawValue: "\(file):\(line): " + mismatch),
      sourceLocation: SourceLocation(fileID: "ZeroMQ/" + name, filePath: file, line: line, column: 1))
  }
}
