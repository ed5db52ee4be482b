// zmq-subscriber: the receiving end of the seed's three-process example.
//
// Connects a SUB socket to the forwarder's PUB socket, subscribes to every
// message (the empty prefix) and prints `Received "<message>"` for each one,
// as the seed's `subscriber.js` does.
//
// Like every SUB socket, it only gets messages published after its
// subscription has reached the publisher; messages sent before that are
// dropped by the publisher, by design.
//
// It runs until it has received `--count` messages, or until SIGINT or
// SIGTERM; both ways end with the socket closed and the context terminated,
// and exit status 0.

import Dispatch
import ZeroMQ

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif

let usage = """
  usage: zmq-subscriber [--connect ENDPOINT] [--count N]

  Subscribes to everything the forwarder publishes and prints
  Received "<message>" for every message.

  options:
    --connect ENDPOINT  the forwarder's backend (default: tcp://localhost:5556)
    --count N           exit after receiving N messages
                        (default: run until SIGINT or SIGTERM)
    -h, --help          show this help

  """

/// What the command line asked for.
struct Options {
  var endpoint = "tcp://localhost:5556"
  var count: Int? = nil
}

/// Prints the usage to stderr and exits with status 2 (a command-line error).
func usageError(_ message: String) -> Never {
  fputs("zmq-subscriber: \(message)\n\(usage)", stderr)
  exit(2)
}

/// Reads the flags by hand (`--flag value` or `--flag=value`); this target
/// depends on ZeroMQ only.
func parseOptions(_ arguments: ArraySlice<String>) -> Options {
  var options = Options()
  var rest = arguments
  while let argument = rest.popFirst() {
    var flag = argument
    var inlineValue: String? = nil
    if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
      flag = String(argument[..<equals])
      inlineValue = String(argument[argument.index(after: equals)...])
    }
    func value() -> String {
      if let inlineValue { return inlineValue }
      guard let next = rest.popFirst() else { usageError("\(flag) needs a value") }
      return next
    }
    switch flag {
    case "-h", "--help":
      print(usage, terminator: "")
      exit(0)
    case "--connect":
      options.endpoint = value()
    case "--count":
      let text = value()
      guard let count = Int(text), count > 0 else {
        usageError("--count needs a positive whole number, not \"\(text)\"")
      }
      options.count = count
    default:
      usageError(argument.hasPrefix("-") ? "unknown option \(argument)" : "unexpected argument \"\(argument)\"")
    }
  }
  return options
}

/// Turns SIGINT and SIGTERM into `ctx.shutdown()`, which wakes the blocked
/// `recv` with `ETERM` so the main loop can close up and exit. The shutdown
/// runs on a dispatch queue, not inside a signal handler, because libzmq
/// calls are not async-signal-safe.
func shutDownOnSignals(_ ctx: Context) -> [any DispatchSourceSignal] {
  [SIGINT, SIGTERM].map { number in
    signal(number, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
    source.setEventHandler { try? ctx.shutdown() }
    source.resume()
    return source
  }
}

/// Runs the subscriber; returns normally when done (count reached or signal).
func subscribe(_ options: Options) throws {
  let ctx = try Context()
  let signalSources = shutDownOnSignals(ctx)
  defer { signalSources.forEach { $0.cancel() } }

  let socket = try ctx.socket(.sub)
  // A SUB socket only ever sends subscriptions: nothing worth waiting for.
  try socket.set(.linger, 0)
  do {
    try socket.connect(options.endpoint)
  } catch let error as ZMQError {
    throw Failure(error: error, doing: "connecting to \(options.endpoint)")
  }
  try socket.set(.subscribe, "")

  var received = 0
  do {
    while options.count.map({ received < $0 }) ?? true {
      guard let data = try socket.recvString() else { continue }
      print("Received \"\(data)\"")
      received += 1
    }
  } catch let error as ZMQError where error == .eterm {
    // A signal shut the context down: a normal way to stop.
  }

  try socket.close()
  try ctx.term()
}

/// A `ZMQError` with the action that caused it.
struct Failure: Error {
  var error: ZMQError
  var doing: String
}

setvbuf(stdout, nil, _IOLBF, 0)
let options = parseOptions(CommandLine.arguments.dropFirst())
do {
  try subscribe(options)
} catch let failure as Failure {
  fputs("error: \(failure.error.description) (\(failure.doing))\n", stderr)
  exit(1)
} catch {
  fputs("error: \(error)\n", stderr)
  exit(1)
}
exit(0)
