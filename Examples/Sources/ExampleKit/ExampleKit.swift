// What every example program needs besides ZeroMQ itself: reading
// `--flag value` arguments, stopping with a clear message, line-buffered
// output (so a script reading the output sees each line at once) and a
// clock for deadlines. Nothing here is specific to ZeroMQ; the programs
// keep all of their messaging code in their own main.swift.

import Dispatch

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif

/// The command line of one example program: a role (`server`, `client`,
/// …) followed by `--name value` flags.
public struct CommandLineArguments {
  /// The program's name, for messages.
  public let program: String
  /// The usage text printed by `--help` and after a mistake.
  public let usage: String
  /// The first argument when it is not a flag (`server` in `hello server`).
  public let role: String?
  private var values: [String: String] = [:]

  /// Reads `CommandLine.arguments`. Makes stdout line-buffered, prints the
  /// usage and exits for `-h`/`--help`, and exits with status 2 for an
  /// argument that is not of the form `--name value`.
  public init(usage: String, arguments: [String] = CommandLine.arguments) {
    setvbuf(stdout, nil, _IOLBF, 0)
    program = arguments.first.map { String($0.split(separator: "/").last ?? "") } ?? "example"
    self.usage = usage
    var rest = arguments.dropFirst()
    if let first = rest.first, !first.hasPrefix("-") {
      role = first
      rest = rest.dropFirst()
    } else {
      role = nil
    }
    while let argument = rest.popFirst() {
      if argument == "-h" || argument == "--help" {
        print(usage)
        exit(0)
      }
      guard argument.hasPrefix("--"), let value = rest.popFirst() else {
        Self.usageError(program, usage, "expected --name value, not \"\(argument)\"")
      }
      values[String(argument.dropFirst(2))] = value
    }
  }

  private static func usageError(_ program: String, _ usage: String, _ problem: String) -> Never {
    fputs("\(program): \(problem)\n\n\(usage)\n", stderr)
    exit(2)
  }

  /// Stops the program with a command-line error (exit status 2).
  public func usageError(_ problem: String) -> Never {
    Self.usageError(program, usage, problem)
  }

  /// The text of `--name`, or `fallback` when it was not given; a missing
  /// flag without a fallback is a usage error.
  public func string(_ name: String, default fallback: String? = nil) -> String {
    if let value = values[name] { return value }
    if let fallback { return fallback }
    usageError("--\(name) is required")
  }

  /// The whole number given as `--name`, or `fallback`.
  public func int(_ name: String, default fallback: Int) -> Int {
    guard let text = values[name] else { return fallback }
    guard let value = Int(text), value >= 0 else { usageError("--\(name) needs a whole number ≥ 0, not \"\(text)\"") }
    return value
  }

  /// A number of milliseconds given as `--name`, or `fallback`, in the
  /// `Int32` that socket options such as `.rcvtimeo` take.
  public func milliseconds(_ name: String, default fallback: Int32) -> Int32 {
    guard let text = values[name] else { return fallback }
    guard let value = Int32(text), value >= 0 else { usageError("--\(name) needs milliseconds ≥ 0, not \"\(text)\"") }
    return value
  }
}

/// Prints `message` to stderr and exits with `status`.
public func fail(_ message: String, status: Int32 = 1) -> Never {
  fputs(
    "\(CommandLine.arguments.first.map { String($0.split(separator: "/").last ?? "") } ?? "example"): \(message)\n",
    stderr)
  exit(status)
}

/// A point in time some milliseconds from now, on the monotonic clock.
public struct Deadline: Sendable {
  private let end: UInt64

  /// The deadline `milliseconds` from now.
  public init(milliseconds: Int) {
    end = DispatchTime.now().uptimeNanoseconds + UInt64(max(milliseconds, 0)) * 1_000_000
  }

  /// Whether the deadline has passed.
  public var hasPassed: Bool { DispatchTime.now().uptimeNanoseconds >= end }

  /// Milliseconds left (0 once passed), as the `Int` a `Poller` takes.
  public var millisecondsLeft: Int {
    let now = DispatchTime.now().uptimeNanoseconds
    return now >= end ? 0 : Int((end - now) / 1_000_000)
  }
}

/// Sleeps the calling thread for `milliseconds` (simulated work).
public func pause(milliseconds: Int) {
  guard milliseconds > 0 else { return }
  var delay = timespec(tv_sec: milliseconds / 1000, tv_nsec: (milliseconds % 1000) * 1_000_000)
  var left = timespec()
  while nanosleep(&delay, &left) != 0 && errno == EINTR { delay = left }
}

/// Reads one line from standard input; `nil` at its end.
public func readInputLine() -> String? {
  readLine(strippingNewline: true)
}
