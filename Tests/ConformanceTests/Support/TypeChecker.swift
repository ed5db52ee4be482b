import Foundation
import Testing

/// Type-checks Swift snippets against the `ZeroMQ` module this test run was
/// built with, so tests can prove that misuse does not compile.
struct TypeChecker {
  /// The result of type-checking one snippet.
  struct Outcome {
    var compiled: Bool
    var diagnostics: String
  }

  /// The build directory holding `Modules/ZeroMQ.swiftmodule` (next to the test bundle).
  let buildDirectory: URL
  let packageRoot: URL
  let swiftc: String

  init() throws {
    var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
    // Walk up from the test binary (inside *.xctest on Linux) to the directory holding Modules/.
    while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("Modules/ZeroMQ.swiftmodule").path) {
      let parent = directory.deletingLastPathComponent()
      guard parent.path != directory.path else {
        throw CheckerError("ZeroMQ.swiftmodule not found above \(CommandLine.arguments[0])")
      }
      directory = parent
    }
    buildDirectory = directory
    packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    swiftc = ProcessInfo.processInfo.environment["SWIFTC"] ?? "swiftc"
  }

  struct CheckerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
  }

  /// Type-checks `source` (which should `import ZeroMQ`).
  func check(_ source: String) throws -> Outcome {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("zmq-typecheck-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let file = directory.appendingPathComponent("snippet.swift")
    try source.write(to: file, atomically: true, encoding: .utf8)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      swiftc, "-typecheck", "-swift-version", "6",
      "-I", buildDirectory.appendingPathComponent("Modules").path,
      "-I", packageRoot.appendingPathComponent("Sources/CZeroMQ").path,
      file.path,
    ]
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Outcome(compiled: process.terminationStatus == 0, diagnostics: String(decoding: data, as: UTF8.self))
  }

  /// The imports every checked file starts with.
  static let header = "import ZeroMQ\nimport Foundation\n"
}
