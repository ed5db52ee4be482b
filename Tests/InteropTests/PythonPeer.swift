import Foundation
import Testing
import ZeroMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The harness of the interop suite: runs `peer.py` (pyzmq, a ZeroMQ peer
// nobody here wrote) as a child process, reads its line protocol with
// deadlines, and kills it on every path.

/// Where the foreign peer comes from.
enum Pyzmq {
  /// Debian's interpreter, not a pyenv one that may be first on PATH:
  /// `python3-zmq` is installed for this one.
  static let python = "/usr/bin/python3"

  /// `peer.py`, copied into the test bundle.
  static var script: String {
    Bundle.module.url(forResource: "peer", withExtension: "py")!.path
  }

  /// `pyzmq_version zmq_version` when `/usr/bin/python3` can import zmq,
  /// `nil` otherwise.
  static let versions: String? = {
    guard FileManager.default.isExecutableFile(atPath: python) else { return nil }
    let process = Process()
    let output = Pipe()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = ["-c", "import zmq, zmq.auth.thread; print(zmq.pyzmq_version(), zmq.zmq_version())"]
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    do { try process.run() } catch { return nil }
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    guard process.terminationStatus == 0 else { return nil }
    return text.trimmingCharacters(in: .whitespacesAndNewlines)
  }()

  static var isAvailable: Bool { versions != nil }
}

/// Something the peer did not do, with everything it printed.
struct PeerError: Error, CustomStringConvertible {
  let description: String
}

/// One run of `peer.py ROLE ARGS…`.
///
/// Output lines are collected by a reader thread; `line(_:within:)` and
/// `require(_:within:)` wait for a line with a given prefix, never longer
/// than their deadline. `kill()` (also run by `run(_:)` and `deinit`) ends
/// the child with SIGKILL if it is still running.
final class PythonPeer: @unchecked Sendable {
  let role: String
  private let process = Process()
  private let stdinPipe = Pipe()
  private let stdoutPipe = Pipe()
  private let stderrPipe = Pipe()

  // Guarded by `condition`.
  private let condition = NSCondition()
  private var lines: [String] = []
  private var cursor = 0
  private var stdoutOpen = true
  private var stderrText = ""
  private var launched = false

  /// Starts the peer. `deadline` (seconds) is passed to the peer's
  /// `signal.alarm`, so it exits by then whatever happens.
  init(_ role: String, _ arguments: [String] = [], deadline: Int = 10) throws {
    _ = Self.ignoreSIGPIPE
    self.role = role
    process.executableURL = URL(fileURLWithPath: Pyzmq.python)
    process.arguments = ["-u", Pyzmq.script, role, "--deadline", "\(deadline)"] + arguments
    process.standardInput = stdinPipe
    process.standardOutput = stdoutPipe
    process.standardError = stderrPipe
    try process.run()
    condition.withLock { launched = true }
    startReader(stdoutPipe.fileHandleForReading, isStdout: true)
    startReader(stderrPipe.fileHandleForReading, isStdout: false)
  }

  deinit { kill() }

  /// Writing to the stdin of a peer that has already exited must fail with
  /// EPIPE, not kill the test process.
  private static let ignoreSIGPIPE: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

  private func startReader(_ handle: FileHandle, isStdout: Bool) {
    let thread = Thread { [self] in
      var pending: [UInt8] = []
      var buffer = [UInt8](repeating: 0, count: 65536)
      while true {
        // read(2) itself: FileHandle.read(upToCount:) waits for the whole
        // count (or EOF) on Linux, which would hold lines back until exit.
        let count = buffer.withUnsafeMutableBytes { readFD(handle.fileDescriptor, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        let chunk = count > 0 ? buffer[..<count] : []
        condition.lock()
        guard !chunk.isEmpty else {
          if isStdout {
            if !pending.isEmpty { lines.append(String(decoding: pending, as: UTF8.self)) }
            stdoutOpen = false
          }
          condition.broadcast()
          condition.unlock()
          return
        }
        if isStdout {
          pending.append(contentsOf: chunk)
          while let newline = pending.firstIndex(of: 0x0A) {
            lines.append(String(decoding: pending[..<newline], as: UTF8.self))
            pending.removeSubrange(...newline)
          }
        } else {
          stderrText += String(decoding: chunk, as: UTF8.self)
        }
        condition.broadcast()
        condition.unlock()
      }
    }
    thread.start()
  }

  /// Everything the peer printed so far, for failure messages.
  var transcript: String {
    condition.withLock {
      let out = lines.map { "  | \($0)" }.joined(separator: "\n")
      let err = stderrText.split(separator: "\n", omittingEmptySubsequences: false).map { "  ! \($0)" }.joined(
        separator: "\n")
      return "peer.py \(role) (\(Pyzmq.versions ?? "pyzmq missing")):\n\(out)\(stderrText.isEmpty ? "" : "\n" + err)"
    }
  }

  /// The next unread line starting with `prefix` (earlier unread lines
  /// with other prefixes stay unread), or `nil` after `timeout`.
  ///
  /// - Throws: ``PeerError`` when the peer printed a failing verdict or
  ///   ended without printing the line.
  func line(_ prefix: String, within timeout: Duration) throws -> String? {
    let limit = Date(timeIntervalSinceNow: timeout.seconds)
    condition.lock()
    defer { condition.unlock() }
    while true {
      if let index = lines[cursor...].firstIndex(where: { $0.hasPrefix(prefix) }) {
        let found = lines[index]
        if index == cursor {
          cursor += 1
        } else {
          lines.remove(at: index); lines.insert(found, at: cursor); cursor += 1
        }
        return found
      }
      if lines.contains(where: { $0.hasPrefix("VERDICT FAIL") }) || !stdoutOpen {
        condition.unlock()
        let message = "peer.py \(role) ended before printing \"\(prefix)\"\n\(transcript)"
        condition.lock()
        throw PeerError(description: message)
      }
      if !condition.wait(until: limit) { return nil }
    }
  }

  /// The next line starting with `prefix`, waiting at most `timeout`.
  func require(_ prefix: String, within timeout: Duration = .seconds(8)) throws -> String {
    guard let found = try line(prefix, within: timeout) else {
      throw PeerError(description: "peer.py \(role) printed no \"\(prefix)\" line within \(timeout)\n\(transcript)")
    }
    return found
  }

  /// The endpoint of the peer's `READY <endpoint>` line.
  func endpoint() throws -> String {
    String(try require("READY ").dropFirst("READY ".count))
  }

  /// Writes a line to the peer's standard input.
  func write(_ line: String) {
    try? stdinPipe.fileHandleForWriting.write(contentsOf: Data((line + "\n").utf8))
  }

  /// Waits (at most `timeout`) for the peer to exit and records an issue
  /// unless it printed `VERDICT PASS` and exited with status 0.
  func expectPass(within timeout: Duration = .seconds(8), sourceLocation: SourceLocation = #_sourceLocation) {
    let limit = Date(timeIntervalSinceNow: timeout.seconds)
    let ended: Bool = condition.withLock {
      while stdoutOpen {
        if !condition.wait(until: limit) { return false }
      }
      return true
    }
    // stdout closes when the process exits; reaping follows at once.
    while ended && process.isRunning && Date() < limit.addingTimeInterval(2) { usleep(2000) }
    if !ended || process.isRunning {
      kill()
      Issue.record(
        "peer.py \(role) did not finish within \(timeout); killed\n\(transcript)", sourceLocation: sourceLocation)
      return
    }
    let verdict = condition.withLock { lines.last(where: { $0.hasPrefix("VERDICT ") }) }
    if verdict?.hasPrefix("VERDICT PASS") != true || process.terminationStatus != 0 {
      Issue.record(
        "peer.py \(role) exited with status \(process.terminationStatus), verdict \(verdict.map { "\"\($0)\"" } ?? "none")\n\(transcript)",
        sourceLocation: sourceLocation)
    }
  }

  /// Runs the Swift side of the exchange, then checks the peer's verdict.
  /// A Swift-side error is recorded with the peer's transcript (and the
  /// verdict is not awaited); the peer is killed on every path.
  func run(
    verdictWithin timeout: Duration = .seconds(8), sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
  ) {
    defer { kill() }
    do {
      try body()
    } catch {
      Issue.record(error, "Swift side failed; \(transcript)", sourceLocation: sourceLocation)
      return
    }
    expectPass(within: timeout, sourceLocation: sourceLocation)
  }

  /// ``run(verdictWithin:sourceLocation:_:)`` for an async Swift side.
  nonisolated(nonsending)
    func runAsync(
      verdictWithin timeout: Duration = .seconds(8), sourceLocation: SourceLocation = #_sourceLocation,
      _ body: () async throws -> Void
    ) async
  {
    defer { kill() }
    do {
      try await body()
    } catch {
      Issue.record(error, "Swift side failed; \(transcript)", sourceLocation: sourceLocation)
      return
    }
    expectPass(within: timeout, sourceLocation: sourceLocation)
  }

  /// Ends the child now (SIGKILL) if it is still running, and reaps it.
  func kill() {
    guard condition.withLock({ launched }) else { return }
    if process.isRunning {
      _ = sendSignal(process.processIdentifier, SIGKILL)
      let limit = Date(timeIntervalSinceNow: 2)
      while process.isRunning && Date() < limit { usleep(1000) }
    }
    try? stdinPipe.fileHandleForWriting.close()
  }
}

extension Duration {
  var seconds: Double {
    let (seconds, attoseconds) = components
    return Double(seconds) + Double(attoseconds) / 1e18
  }
}

// MARK: - Messages on the command line

/// A message: its parts, as bytes.
typealias Parts = [[UInt8]]

/// The UTF-8 bytes of a string.
func b(_ string: String) -> [UInt8] { Array(string.utf8) }

/// `count` bytes of a pattern both sides can make (`i % 251`), for parts
/// too large for a command line. On the command line such a part is `*count`.
func pattern(_ count: Int) -> [UInt8] {
  count <= patternStock.count ? Array(patternStock[..<count]) : (0..<count).map { UInt8($0 % 251) }
}
private let patternStock: [UInt8] = (0..<(1 << 20)).map { UInt8($0 % 251) }

/// The hex of some bytes, as peer.py takes them (`--identity`, `--subscribe`).
func hex(_ bytes: [UInt8]) -> String {
  let digits = Array("0123456789abcdef".utf8)
  var text: [UInt8] = []
  text.reserveCapacity(bytes.count * 2)
  for byte in bytes {
    text.append(digits[Int(byte >> 4)])
    text.append(digits[Int(byte & 0x0f)])
  }
  return String(decoding: text, as: UTF8.self)
}

/// Messages as peer.py's JSON: a list of messages, each a list of hex
/// parts; a part equal to ``pattern(_:)`` of its size travels as `*size`.
func json(_ messages: [Parts]) -> String {
  let encoded = messages.map { parts in
    "["
      + parts.map { part in
        part.count > 1024 && part == pattern(part.count) ? "\"*\(part.count)\"" : "\"\(hex(part))\""
      }.joined(separator: ",") + "]"
  }
  return "[" + encoded.joined(separator: ",") + "]"
}

// MARK: - The Swift side

/// A socket whose every wait ends: receive and send time out after
/// `timeout` ms.
func socket(_ ctx: Context, _ type: SocketType, timeout: Int32 = 5000) throws -> Socket {
  let socket = try ctx.socket(type)
  try socket.set(.rcvtimeo, timeout)
  try socket.set(.sndtimeo, timeout)
  try socket.set(.linger, 1000)
  return socket
}

/// Binds `tcp://127.0.0.1:*` and returns the endpoint libzmq chose.
func bindLoopback(_ socket: Socket) throws -> String {
  try socket.bind("tcp://127.0.0.1:*")
  return try socket.get(.lastEndpoint)
}

/// Sends the parts as one message with `sendMultipart` (pyzmq's
/// `send_multipart`). The part-by-part API (`.sndMore`, `.rcvmore`) is
/// exercised on its own in MultipartTests and EncodingTests.
func sendParts(_ socket: Socket, _ parts: Parts) throws {
  try socket.sendMultipart(parts)
}

/// Receives one whole message with `recvMultipart` (pyzmq's
/// `recv_multipart`).
func recvParts(_ socket: Socket) throws -> Parts {
  guard let parts = try socket.recvMultipart() else {
    throw PeerError(description: "recvMultipart returned nil without .dontWait")
  }
  return parts
}

/// Shows parts readably in expectations.
func show(_ parts: Parts) -> String {
  "["
    + parts.map { $0.count > 64 ? "<\($0.count) bytes>" : "\"\(String(decoding: $0, as: UTF8.self))\"(\(hex($0)))" }
    .joined(separator: ", ") + "]"
}

/// Bytes from hex text.
func bytes(hex text: some StringProtocol) -> [UInt8] {
  let digits = Array(text.utf8)
  return stride(from: 0, to: digits.count - 1, by: 2).map {
    UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)!
  }
}

// MARK: - CURVE keys made by pyzmq

/// A key pair made by pyzmq (`zmq.curve_keypair()`), as pyzmq printed it:
/// Z85 text, and the 32 bytes of each key as pyzmq's own (pure Python) Z85
/// decoder gives them.
struct PyzmqKeyPair {
  let publicZ85: String
  let secretZ85: String
  let publicBytes: [UInt8]
  let secretBytes: [UInt8]

  /// Runs `peer.py keygen`.
  static func make() throws -> PyzmqKeyPair {
    let peer = try PythonPeer("keygen")
    defer { peer.kill() }
    let fields = try peer.require("KEYPAIR ").split(separator: " ")
    let publicHex = try peer.require("PUBLICHEX ").split(separator: " ")
    let secretHex = try peer.require("SECRETHEX ").split(separator: " ")
    peer.expectPass()
    guard fields.count == 3, publicHex.count == 2, secretHex.count == 2 else {
      throw PeerError(description: "bad keygen output\n\(peer.transcript)")
    }
    return PyzmqKeyPair(
      publicZ85: String(fields[1]), secretZ85: String(fields[2]),
      publicBytes: bytes(hex: publicHex[1]), secretBytes: bytes(hex: secretHex[1]))
  }
}

/// The condition of every interop suite: `/usr/bin/python3` imports pyzmq.
/// Where it does not, the suites are skipped with this message, and
/// `PyzmqEnvironmentTests` fails saying what to install.
let needsPyzmq: ConditionTrait = .enabled(
  if: Pyzmq.isAvailable, "needs /usr/bin/python3 with pyzmq (Debian: python3-zmq; scripts/bootstrap installs it)")

#if canImport(Glibc)
private let sendSignal = Glibc.kill
private let readFD = Glibc.read
#elseif canImport(Darwin)
private let sendSignal = Darwin.kill
private let readFD = Darwin.read
#endif
