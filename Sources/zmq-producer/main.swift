// zmq-producer: the sending end of the seed's three-process example.
//
// Connects a PUSH socket to the forwarder's PULL socket and sends each
// command-line argument as one message, printing `Sent "<message>"` for
// each, as the seed's `producer.js` does. `send` only queues a message;
// closing the socket keeps its linger period and terminating the context
// waits for it, so the messages are on their way to the forwarder by the
// time the process exits.

import ZeroMQ

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif

let usage = """
  usage: zmq-producer [--connect ENDPOINT] [--linger MS] [--] MESSAGE...

  Sends each MESSAGE to the forwarder and prints Sent "<message>" for it.

  options:
    --connect ENDPOINT  the forwarder's frontend (default: tcp://localhost:5555)
    --linger MS         how long to wait at exit for queued messages to
                        reach the forwarder, in milliseconds; -1 waits
                        forever (default: 5000)
    --                  treat every later argument as a message, even when it
                        starts with "-"
    -h, --help          show this help

  """

/// What the command line asked for.
struct Options {
  var endpoint = "tcp://localhost:5555"
  var linger: Int32 = 5000
  var messages: [String] = []
}

/// Prints the usage to stderr and exits with status 2 (a command-line error).
func usageError(_ message: String) -> Never {
  fputs("zmq-producer: \(message)\n\(usage)", stderr)
  exit(2)
}

/// Reads the flags and messages by hand (`--flag value` or `--flag=value`);
/// this target depends on ZeroMQ only.
func parseOptions(_ arguments: ArraySlice<String>) -> Options {
  var options = Options()
  var rest = arguments
  while let argument = rest.popFirst() {
    if argument == "--" {
      options.messages.append(contentsOf: rest)
      break
    }
    guard argument.hasPrefix("-"), argument != "-" else {
      options.messages.append(argument)
      continue
    }
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
    case "--linger":
      let text = value()
      guard let linger = Int32(text), linger >= -1 else {
        usageError("--linger needs a number of milliseconds or -1, not \"\(text)\"")
      }
      options.linger = linger
    default:
      usageError("unknown option \(argument) (use -- before a message that starts with \"-\")")
    }
  }
  if options.messages.isEmpty { usageError("nothing to send: give at least one MESSAGE") }
  return options
}

/// Sends the messages, then closes the socket and terminates the context,
/// which waits (up to the linger period) until they have left the process.
func produce(_ options: Options) throws {
  let ctx = try Context()
  let socket = try ctx.socket(.push)
  try socket.set(.linger, options.linger)
  do {
    try socket.connect(options.endpoint)
  } catch let error as ZMQError {
    throw Failure(error: error, doing: "connecting to \(options.endpoint)")
  }
  for data in options.messages {
    try socket.send(data)
    print("Sent \"\(data)\"")
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
  try produce(options)
} catch let failure as Failure {
  fputs("error: \(failure.error.description) (\(failure.doing))\n", stderr)
  exit(1)
} catch {
  fputs("error: \(error)\n", stderr)
  exit(1)
}
exit(0)
