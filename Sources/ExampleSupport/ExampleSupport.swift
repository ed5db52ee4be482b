// What the package's command-line programs share: reading flags, reporting
// errors, and stopping cleanly on SIGINT/SIGTERM. Platform.swift holds the
// C-library import and the standard-error writer.

import Dispatch
import ZeroMQ

/// One command-line program of the example: its name and usage text.
public struct ExampleTool: Sendable {
  public let name: String
  public let usage: String

  public init(name: String, usage: String) {
    self.name = name
    self.usage = usage
  }

  /// Prints `message` and the usage to stderr and exits with status 2 (a
  /// command-line error).
  public func usageError(_ message: String) -> Never {
    printError("\(name): \(message)\n\(usage)", terminator: "")
    exit(2)
  }

  /// Reads `--flag value` and `--flag=value` flags by hand (the example
  /// depends on ZeroMQ only). `-h`/`--help` prints the usage and exits 0;
  /// `--` ends the flags. `flag` is called with each flag and a function
  /// that takes its value; it answers whether it knew the flag. Arguments
  /// that are not flags are returned when `positional` is true and are a
  /// usage error otherwise.
  public func parse(
    _ arguments: ArraySlice<String>, positional: Bool = false, unknownHint: String = "",
    flag: (_ name: String, _ value: () -> String) -> Bool
  ) -> [String] {
    var rest = arguments
    var others: [String] = []
    while let argument = rest.popFirst() {
      if argument == "--" {
        others.append(contentsOf: rest)
        break
      }
      guard argument.hasPrefix("-"), argument != "-" else {
        others.append(argument)
        continue
      }
      var name = argument
      var inlineValue: String?
      if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
        name = String(argument[..<equals])
        inlineValue = String(argument[argument.index(after: equals)...])
      }
      if name == "-h" || name == "--help" {
        print(usage, terminator: "")
        exit(0)
      }
      let value = { () -> String in
        if let inlineValue { return inlineValue }
        guard let next = rest.popFirst() else { usageError("\(name) needs a value") }
        return next
      }
      if !flag(name, value) { usageError("unknown option \(argument)\(unknownHint)") }
    }
    if !positional, let first = others.first { usageError("unexpected argument \"\(first)\"") }
    return others
  }

  /// A `--count` value: a positive whole number.
  public func positiveCount(_ text: String, flag: String) -> Int {
    guard let count = Int(text), count > 0 else { usageError("\(flag) needs a positive whole number, not \"\(text)\"") }
    return count
  }

  /// Runs the program with stdout line-buffered (so a parent process sees
  /// each line at once), prints a failure as `error: <description>` on
  /// stderr and exits 1, or exits 0.
  public func run(_ body: () throws -> Void) -> Never {
    lineBufferStandardOutput()
    do {
      try body()
    } catch let failure as ExampleFailure {
      printError("error: \(failure.error.description) (\(failure.doing))")
      exit(1)
    } catch {
      printError("error: \(error)")
      exit(1)
    }
    exit(0)
  }
}

/// A `ZMQError` with the action that caused it.
public struct ExampleFailure: Error {
  public var error: ZMQError
  public var doing: String
}

/// Runs `body`, naming `doing` in the error when libzmq refuses it
/// (`binding tcp://*:5555`).
public func attempt(_ doing: String, _ body: () throws -> Void) throws {
  do {
    try body()
  } catch let error as ZMQError {
    throw ExampleFailure(error: error, doing: doing)
  }
}

/// Turns SIGINT and SIGTERM into `context.shutdown()`, which wakes blocked
/// calls with `ETERM` so the program can close up and exit 0. The shutdown
/// runs on a dispatch queue, not in a signal handler, because libzmq calls
/// are not async-signal-safe. Keep the returned sources until exit.
public func shutDownOnSignals(_ context: Context) -> [any DispatchSourceSignal] {
  [SIGINT, SIGTERM].map { number in
    signal(number, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
    source.setEventHandler { try? context.shutdown() }
    source.resume()
    return source
  }
}
