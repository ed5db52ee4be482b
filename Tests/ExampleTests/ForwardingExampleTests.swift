// End-to-end tests of the three-process forwarding example: the real
// `zmq-forwarder`, `zmq-subscriber` and `zmq-producer` executables, run as
// child processes and judged by what they print and how they exit.
//
// Every wait in here has a deadline and every child is killed on every path
// out of a test, so a broken build can make these tests fail but never hang.

import Foundation
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("The forwarding example (producer → forwarder → subscriber)")
struct ForwardingExampleTests {
  @Test("hello world goes from the producer through the forwarder to the subscriber, in order")
  func endToEnd() async throws {
    let endpoints = try Endpoints()
    defer { endpoints.remove() }

    let forwarder = try Child(.forwarder, ["--frontend", endpoints.frontend, "--backend", endpoints.backend])
    defer { forwarder.killIfRunning() }
    let subscriber = try Child(.subscriber, ["--connect", endpoints.backend])
    defer { subscriber.killIfRunning() }

    // PUB drops messages until the subscriber's subscription has reached it,
    // so keep sending warm-up messages until one arrives.
    let warmedUp = try await warmUp(through: endpoints.frontend, forwarder: forwarder, subscriber: subscriber)
    try #require(
      warmedUp,
      "no warm-up message reached the subscriber within 30 s\n\(forwarder.report)\n\(subscriber.report)")

    let producer = try Child(.producer, ["--connect", endpoints.frontend, "hello", "world"])
    defer { producer.killIfRunning() }
    let producerStatus = try #require(
      await producer.exitStatus(within: .seconds(10)), "the producer did not exit\n\(producer.report)")
    #expect(producerStatus == .exited(0), "\(producer.report)")
    #expect(producer.stdoutLines == ["Sent \"hello\"", "Sent \"world\""], "\(producer.report)")

    let arrived = await subscriber.waitForLine(where: { $0 == "Received \"world\"" }, within: .seconds(10))
    #expect(arrived, "the subscriber never printed Received \"world\"\n\(subscriber.report)")
    #expect(
      forwarder.stdoutLines.filter { !$0.hasPrefix("Forwarded \"warmup") }
        == ["Forwarded \"hello\"", "Forwarded \"world\""],
      "\(forwarder.report)")
    #expect(
      subscriber.stdoutLines.filter { !$0.hasPrefix("Received \"warmup") }
        == ["Received \"hello\"", "Received \"world\""],
      "\(subscriber.report)")

    // SIGTERM shuts the context down; both must close up and exit with 0.
    forwarder.terminate()
    subscriber.terminate()
    let forwarderStatus = await forwarder.exitStatus(within: .seconds(5))
    let subscriberStatus = await subscriber.exitStatus(within: .seconds(5))
    #expect(forwarderStatus == .exited(0), "forwarder after SIGTERM\n\(forwarder.report)")
    #expect(subscriberStatus == .exited(0), "subscriber after SIGTERM\n\(subscriber.report)")
    #expect(forwarder.stderrText.isEmpty, "\(forwarder.report)")
    #expect(subscriber.stderrText.isEmpty, "\(subscriber.report)")
  }

  @Test("--count makes the forwarder exit with 0 after that many messages")
  func forwarderCount() async throws {
    let endpoints = try Endpoints()
    defer { endpoints.remove() }

    let forwarder = try Child(
      .forwarder, ["--frontend", endpoints.frontend, "--backend", endpoints.backend, "--count", "2"])
    defer { forwarder.killIfRunning() }
    // PUSH → PULL loses nothing, so no warm-up is needed on this side. The
    // forwarder may be gone before "three" leaves the producer, so keep the
    // producer's linger short.
    let producer = try Child(.producer, ["--connect", endpoints.frontend, "--linger", "1000", "one", "two", "three"])
    defer { producer.killIfRunning() }

    #expect(await producer.exitStatus(within: .seconds(10)) == .exited(0), "\(producer.report)")
    #expect(await forwarder.exitStatus(within: .seconds(10)) == .exited(0), "\(forwarder.report)")
    #expect(forwarder.stdoutLines == ["Forwarded \"one\"", "Forwarded \"two\""], "\(forwarder.report)")
  }

  @Test("--stdin sends the arguments, then each line of standard input, and exits 0 at its end")
  func producerStdin() async throws {
    let endpoints = try Endpoints()
    defer { endpoints.remove() }

    let forwarder = try Child(
      .forwarder, ["--frontend", endpoints.frontend, "--backend", endpoints.backend, "--count", "3"])
    defer { forwarder.killIfRunning() }
    let producer = try Child(
      .producer, ["--connect", endpoints.frontend, "--linger", "1000", "--stdin", "one"], input: "two\nthree\n")
    defer { producer.killIfRunning() }

    #expect(await producer.exitStatus(within: .seconds(10)) == .exited(0), "\(producer.report)")
    #expect(producer.stdoutLines == ["Sent \"one\"", "Sent \"two\"", "Sent \"three\""], "\(producer.report)")
    #expect(await forwarder.exitStatus(within: .seconds(10)) == .exited(0), "\(forwarder.report)")
    #expect(
      forwarder.stdoutLines == ["Forwarded \"one\"", "Forwarded \"two\"", "Forwarded \"three\""],
      "\(forwarder.report)")
  }

  @Test("SIGINT stops a subscriber that is waiting for a message, with status 0")
  func subscriberInterrupt() async throws {
    let endpoints = try Endpoints()
    defer { endpoints.remove() }

    let subscriber = try Child(.subscriber, ["--connect", endpoints.backend, "--count", "5"])
    defer { subscriber.killIfRunning() }
    // Give it time to start, install its signal handling and block in recv.
    try await Task.sleep(for: .seconds(1))
    subscriber.sendSignal(SIGINT)
    #expect(await subscriber.exitStatus(within: .seconds(5)) == .exited(0), "\(subscriber.report)")
    #expect(subscriber.stdoutLines.isEmpty, "\(subscriber.report)")
  }

  @Test("an unknown flag prints the usage to stderr and exits with 2", arguments: Tool.allCases)
  func unknownFlag(_ tool: Tool) async throws {
    let child = try Child(tool, ["--no-such-flag", "x"])
    defer { child.killIfRunning() }
    #expect(await child.exitStatus(within: .seconds(10)) == .exited(2), "\(child.report)")
    #expect(child.stderrText.contains("--no-such-flag"), "\(child.report)")
    #expect(child.stderrText.contains("usage: \(tool.rawValue)"), "\(child.report)")
    #expect(child.stdoutLines.isEmpty, "\(child.report)")
  }

  @Test(
    "a flag without its value is a usage error",
    arguments: [
      (Tool.forwarder, "--frontend"), (.forwarder, "--backend"), (.forwarder, "--count"),
      (.subscriber, "--connect"), (.subscriber, "--count"), (.producer, "--connect"), (.producer, "--linger"),
    ])
  func missingValue(_ tool: Tool, _ flag: String) async throws {
    let child = try Child(tool, [flag])
    defer { child.killIfRunning() }
    #expect(await child.exitStatus(within: .seconds(10)) == .exited(2), "\(child.report)")
    #expect(child.stderrText.contains("usage: \(tool.rawValue)"), "\(child.report)")
  }

  @Test(
    "bad values are usage errors",
    arguments: [
      (Tool.forwarder, ["--count", "0"]), (.forwarder, ["--count", "many"]), (.forwarder, ["extra"]),
      (.subscriber, ["--count", "-3"]), (.subscriber, ["extra"]), (.subscriber, ["--heartbeat", "0"]),
      (.producer, []), (.producer, ["--linger", "-2"]), (.producer, ["--connect", "ipc:///x"]),
    ])
  func badValues(_ tool: Tool, _ arguments: [String]) async throws {
    let child = try Child(tool, arguments)
    defer { child.killIfRunning() }
    #expect(await child.exitStatus(within: .seconds(10)) == .exited(2), "\(child.report)")
    #expect(child.stderrText.contains("usage: \(tool.rawValue)"), "\(child.report)")
  }

  @Test("--help prints the usage to stdout and exits with 0", arguments: Tool.allCases)
  func help(_ tool: Tool) async throws {
    let child = try Child(tool, ["--help"])
    defer { child.killIfRunning() }
    #expect(await child.exitStatus(within: .seconds(10)) == .exited(0), "\(child.report)")
    #expect(child.stdoutLines.first == "usage: \(tool.rawValue) " + tool.usageTail, "\(child.report)")
    #expect(child.stderrText.isEmpty, "\(child.report)")
  }

  @Test(
    "a libzmq failure prints error: <description> and exits with 1",
    arguments: [
      (Tool.forwarder, ["--frontend", "bogus://x"]),
      (.subscriber, ["--connect", "bogus://x"]),
      (.producer, ["--connect", "bogus://x", "hello"]),
    ])
  func zmqError(_ tool: Tool, _ arguments: [String]) async throws {
    let child = try Child(tool, arguments)
    defer { child.killIfRunning() }
    #expect(await child.exitStatus(within: .seconds(10)) == .exited(1), "\(child.report)")
    #expect(child.stderrText.hasPrefix("error: Protocol not supported"), "\(child.report)")
    #expect(child.stdoutLines.isEmpty, "\(child.report)")
  }

  @Test("a forwarder whose port is taken reports it and exits with 1")
  func addressInUse() async throws {
    let taken = try ListeningPort()
    defer { taken.release() }
    let endpoints = try Endpoints()
    defer { endpoints.remove() }
    let forwarder = try Child(
      .forwarder, ["--frontend", "tcp://127.0.0.1:\(taken.port)", "--backend", endpoints.backend])
    defer { forwarder.killIfRunning() }
    #expect(await forwarder.exitStatus(within: .seconds(10)) == .exited(1), "\(forwarder.report)")
    #expect(
      forwarder.stderrText == "error: Address already in use (binding tcp://127.0.0.1:\(taken.port))\n",
      "\(forwarder.report)")
  }

  /// Runs `zmq-producer warmup-N` every 200 ms for at most 30 s until the
  /// subscriber prints one of them; `false` if none arrived. Fails early
  /// when the forwarder or the subscriber has died. (The subscription
  /// usually arrives within the first two attempts; the long bound is for a
  /// loaded machine, where starting a process can take seconds.)
  private func warmUp(through frontend: String, forwarder: Child, subscriber: Child) async throws -> Bool {
    let deadline = ContinuousClock.now + .seconds(30)
    var attempt = 0
    while ContinuousClock.now < deadline {
      try #require(forwarder.isRunning, "the forwarder died\n\(forwarder.report)")
      try #require(subscriber.isRunning, "the subscriber died\n\(subscriber.report)")
      attempt += 1
      let producer = try Child(.producer, ["--connect", frontend, "--linger", "1000", "warmup-\(attempt)"])
      defer { producer.killIfRunning() }
      let status = await producer.exitStatus(within: .seconds(5))
      try #require(status == .exited(0), "warm-up producer\n\(producer.report)")
      if await subscriber.waitForLine(where: { $0.hasPrefix("Received \"warmup-") }, within: .milliseconds(200)) {
        return true
      }
    }
    return false
  }
}

// MARK: - Endpoints

/// A fresh directory with two `ipc://` endpoints in it, so parallel tests and
/// other programs on the machine never collide.
struct Endpoints {
  let directory: URL
  var frontendPath: String { directory.appendingPathComponent("front").path }
  var backendPath: String { directory.appendingPathComponent("back").path }
  var frontend: String { "ipc://" + frontendPath }
  var backend: String { "ipc://" + backendPath }

  init() throws {
    // ipc paths are limited to ~107 bytes (sockaddr_un), so stay short: /tmp.
    let base = URL(fileURLWithPath: "/tmp", isDirectory: true)
    directory = base.appendingPathComponent("zmq-ex-\(UUID().uuidString.prefix(8))", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
  }

  func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// A TCP port on 127.0.0.1 that this process is listening on, so nobody
/// else can bind it.
struct ListeningPort {
  let fd: Int32
  let port: UInt16

  init() throws {
    #if canImport(Glibc)
    fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let socket = fd
    let ok = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
        bind(socket, address, length) == 0 && listen(socket, 1) == 0
          && getsockname(socket, address, &length) == 0
      }
    }
    guard ok else {
      let code = errno
      close(socket)
      throw POSIXError(.init(rawValue: code) ?? .EIO)
    }
    port = UInt16(bigEndian: address.sin_port)
  }

  func release() { _ = close(fd) }
}

// MARK: - The executables

/// One of the three example executables.
enum Tool: String, CaseIterable, Sendable, CustomTestStringConvertible {
  case forwarder = "zmq-forwarder"
  case subscriber = "zmq-subscriber"
  case producer = "zmq-producer"
  case lazyPirate = "zmq-lazy-pirate"

  var testDescription: String { rawValue }

  /// The rest of the first usage line after the tool's name.
  var usageTail: String {
    switch self {
    case .forwarder: "[--frontend ENDPOINT] [--backend ENDPOINT] [--count N]"
    case .subscriber: "[--connect ENDPOINT] [--count N] [--heartbeat MS]"
    case .producer: "[--connect ENDPOINT] [--linger MS] [--stdin] [--] MESSAGE..."
    case .lazyPirate: "client [--connect ENDPOINT] [--requests N] [--timeout MS]"
    }
  }

  /// Where the executable is. SwiftPM builds executable targets that a test
  /// target depends on into the same products directory as the test bundle
  /// (`.build/debug/` or the `--scratch-path` equivalent), so this looks
  /// next to the running test binary.
  var url: URL {
    get throws {
      guard let directory = Tool.productsDirectory else {
        throw LocateError(searched: Tool.candidateDirectories.map(\.path))
      }
      return directory.appendingPathComponent(rawValue)
    }
  }

  /// The first candidate directory that holds all three executables.
  static let productsDirectory: URL? = candidateDirectories.first { directory in
    allCases.allSatisfy {
      FileManager.default.isExecutableFile(atPath: directory.appendingPathComponent($0.rawValue).path)
    }
  }

  /// Places to look, best first:
  /// 1. `$ZMQ_EXAMPLES_BIN_DIR`, to test executables built elsewhere;
  /// 2. the directory of the running binary (`/proc/self/exe`, then
  ///    `argv[0]`): on Linux `swift test` runs
  ///    `<products>/swift-zeromqPackageTests.xctest`, an executable;
  /// 3. the directories around `Bundle.main` and every loaded bundle,
  ///    walking up a few levels (on macOS the test bundle is
  ///    `<products>/X.xctest/Contents/MacOS/X`, loaded by `xctest`).
  static var candidateDirectories: [URL] {
    var starts: [URL] = []
    if let override = ProcessInfo.processInfo.environment["ZMQ_EXAMPLES_BIN_DIR"] {
      starts.append(URL(fileURLWithPath: override, isDirectory: true))
    }
    if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
      starts.append(URL(fileURLWithPath: exe).deletingLastPathComponent())
    }
    if let argv0 = ProcessInfo.processInfo.arguments.first {
      starts.append(URL(fileURLWithPath: argv0).deletingLastPathComponent())
    }
    starts.append(Bundle.main.bundleURL)
    starts.append(contentsOf: Bundle.allBundles.map(\.bundleURL))
    var result: [URL] = []
    for start in starts {
      var directory = start.standardizedFileURL
      for _ in 0..<4 {
        if !result.contains(directory) { result.append(directory) }
        directory = directory.deletingLastPathComponent()
      }
    }
    return result
  }
}

struct LocateError: Error, CustomStringConvertible {
  var searched: [String]
  var description: String {
    "zmq-forwarder, zmq-subscriber and zmq-producer not found; looked in:\n  "
      + searched.joined(separator: "\n  ")
  }
}

// MARK: - Child processes

/// How a child process ended.
enum ExitStatus: Equatable, CustomStringConvertible {
  case exited(Int32)
  case signalled(Int32)

  var description: String {
    switch self {
    case .exited(let code): "exit status \(code)"
    case .signalled(let signal): "killed by signal \(signal)"
    }
  }
}

/// A running example executable whose stdout and stderr are collected, line
/// by line, as they arrive.
final class Child {
  let tool: Tool
  let arguments: [String]
  private let process: Process
  private let stdout: Collector
  private let stderr: Collector

  /// Starts `tool`; its standard input is `input`, then its end, or empty.
  init(_ tool: Tool, _ arguments: [String], input: String? = nil) throws {
    self.tool = tool
    self.arguments = arguments
    let process = Process()
    process.executableURL = try tool.url
    process.arguments = arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let inputPipe = input.map { _ in Pipe() }
    process.standardInput = inputPipe ?? FileHandle.nullDevice
    self.process = process
    stdout = Collector(reading: out)
    stderr = Collector(reading: err)
    try process.run()
    if let inputPipe, let input {
      try inputPipe.fileHandleForWriting.write(contentsOf: Array(input.utf8))
      try inputPipe.fileHandleForWriting.close()
    }
  }

  deinit { killIfRunning() }

  var isRunning: Bool { process.isRunning }

  /// What the child printed so far, as complete lines.
  var stdoutLines: [String] { stdout.lines }
  var stderrText: String { stderr.text }

  /// Everything known about the child, for failure messages.
  var report: String {
    let status = process.isRunning ? "running" : "\(Child.status(of: process))"
    return """
      \(tool.rawValue) \(arguments.joined(separator: " ")) — \(status)
      --- stdout:
      \(stdout.text)--- stderr:
      \(stderr.text)---
      """
  }

  /// Sends SIGTERM.
  func terminate() { sendSignal(SIGTERM) }

  /// Sends `number` to the child, if it is still running.
  func sendSignal(_ number: Int32) {
    if process.isRunning { _ = kill(process.processIdentifier, number) }
  }

  /// Waits until the child has exited and its output has been read to the
  /// end; `nil` when it is still running after `timeout`.
  func exitStatus(within timeout: Duration) async -> ExitStatus? {
    let deadline = ContinuousClock.now + timeout
    while process.isRunning {
      guard ContinuousClock.now < deadline else { return nil }
      try? await Task.sleep(for: .milliseconds(10))
    }
    // The child has flushed everything it wrote; give the readers a moment
    // to reach end-of-file.
    let drained = ContinuousClock.now + .seconds(2)
    while !(stdout.finished && stderr.finished), ContinuousClock.now < drained {
      try? await Task.sleep(for: .milliseconds(5))
    }
    return Child.status(of: process)
  }

  /// Waits until a line of stdout satisfies `predicate`; `false` after
  /// `timeout` or when the child exits without printing one.
  func waitForLine(where predicate: (String) -> Bool, within timeout: Duration) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while true {
      if stdout.lines.contains(where: predicate) { return true }
      if stdout.finished || ContinuousClock.now >= deadline { return false }
      try? await Task.sleep(for: .milliseconds(10))
    }
  }

  /// Kills the child with SIGKILL if it is still running and waits (briefly)
  /// for it to go away. Safe to call any number of times.
  func killIfRunning() {
    guard process.isRunning else { return }
    _ = kill(process.processIdentifier, SIGKILL)
    let deadline = ContinuousClock.now + .seconds(5)
    while process.isRunning, ContinuousClock.now < deadline { usleep(5_000) }
  }

  private static func status(of process: Process) -> ExitStatus {
    switch process.terminationReason {
    case .exit: .exited(process.terminationStatus)
    case .uncaughtSignal: .signalled(process.terminationStatus)
    @unknown default: .exited(process.terminationStatus)
    }
  }
}

/// Reads one pipe on its own thread until end-of-file, keeping everything
/// read so far.
final class Collector: Sendable {
  private struct State {
    var bytes: [UInt8] = []
    var finished = false
  }

  private let state = Mutex(State())

  init(reading pipe: Pipe) {
    // A descriptor of our own, so the thread never reads one that the Pipe
    // has closed (or that was reused) after the Child went away.
    let fd = dup(pipe.fileHandleForReading.fileDescriptor)
    let thread = Thread { [self] in
      defer { close(fd) }
      var buffer = [UInt8](repeating: 0, count: 4096)
      while true {
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count < 0 && errno == EINTR { continue }
        if count <= 0 { break }
        state.withLock { $0.bytes.append(contentsOf: buffer[0..<count]) }
      }
      state.withLock { $0.finished = true }
    }
    thread.start()
  }

  /// Whether the writer has closed its end and everything has been read.
  var finished: Bool { state.withLock { $0.finished } }

  var text: String { state.withLock { String(decoding: $0.bytes, as: UTF8.self) } }

  /// Complete lines (those ended by a newline) read so far.
  var lines: [String] {
    let text = text
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    lines.removeLast()  // after the last newline: empty or an incomplete line
    return lines
  }
}
