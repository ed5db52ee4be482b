// zmq-forwarder: the middle of the seed's three-process example.
//
// Producers PUSH messages to this process's PULL socket (the "frontend");
// every message is published again, unchanged, on a PUB socket (the
// "backend") that any number of subscribers can connect to. A `Poller`
// watches the frontend and the loop forwards one message per wake-up, as the
// seed's `server.js` does, printing `Forwarded "<message>"` for each.
//
// It runs until it has forwarded `--count` messages, or until SIGINT or
// SIGTERM; both ways end with the sockets closed and the context terminated,
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
  usage: zmq-forwarder [--frontend ENDPOINT] [--backend ENDPOINT] [--count N]

  Receives messages on a PULL socket bound to the frontend endpoint and
  publishes each one on a PUB socket bound to the backend endpoint, printing
  Forwarded "<message>" for every message.

  options:
    --frontend ENDPOINT  where producers connect (default: tcp://*:5555)
    --backend ENDPOINT   where subscribers connect (default: tcp://*:5556)
    --count N            exit after forwarding N messages
                         (default: run until SIGINT or SIGTERM)
    -h, --help           show this help

  """

/// What the command line asked for.
struct Options {
  var frontend = "tcp://*:5555"
  var backend = "tcp://*:5556"
  var count: Int? = nil
}

/// Prints the usage to stderr and exits with status 2 (a command-line error).
func usageError(_ message: String) -> Never {
  fputs("zmq-forwarder: \(message)\n\(usage)", stderr)
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
    case "--frontend":
      options.frontend = value()
    case "--backend":
      options.backend = value()
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
/// `wait`/`recv` with `ETERM` so the main loop can close up and exit. The
/// shutdown runs on a dispatch queue, not inside a signal handler, because
/// libzmq calls are not async-signal-safe.
func shutDownOnSignals(_ ctx: Context) -> [any DispatchSourceSignal] {
  [SIGINT, SIGTERM].map { number in
    signal(number, SIG_IGN)
    let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
    source.setEventHandler { try? ctx.shutdown() }
    source.resume()
    return source
  }
}

/// Runs the forwarder; returns normally when done (count reached or signal).
func forward(_ options: Options) throws {
  let ctx = try Context()
  let signalSources = shutDownOnSignals(ctx)
  defer { signalSources.forEach { $0.cancel() } }

  let frontend = try ctx.socket(.pull)
  let backend = try ctx.socket(.pub)
  // Nothing is ever sent on the PULL side; on the PUB side, give messages
  // still queued at exit a moment to reach the subscribers, but never let a
  // stuck subscriber keep the process alive.
  try frontend.set(.linger, 0)
  try backend.set(.linger, 1000)
  for (socket, endpoint) in [(frontend, options.frontend), (backend, options.backend)] {
    do {
      try socket.bind(endpoint)
    } catch let error as ZMQError {
      throw Failure(error: error, doing: "binding \(endpoint)")
    }
  }

  let poller = Poller()
  try poller.add(frontend, events: .pollIn)

  var forwarded = 0
  do {
    while options.count.map({ forwarded < $0 }) ?? true {
      guard let event = try poller.wait(timeout: -1) else { continue }
      guard let data = try event.socket.recvString() else { continue }
      try backend.send(data)
      print("Forwarded \"\(data)\"")
      forwarded += 1
    }
  } catch let error as ZMQError where error == .eterm {
    // A signal shut the context down: a normal way to stop.
  }

  try backend.close()
  try frontend.close()
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
  try forward(options)
} catch let failure as Failure {
  fputs("error: \(failure.error.description) (\(failure.doing))\n", stderr)
  exit(1)
} catch {
  fputs("error: \(error)\n", stderr)
  exit(1)
}
exit(0)
