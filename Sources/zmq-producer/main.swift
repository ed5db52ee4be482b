// zmq-producer: the sending end of the three-process forwarding example.
//
// Connects a PUSH socket to the forwarder's PULL socket and sends each
// command-line argument as one message, printing `Sent "<message>"` for
// each, as the JavaScript example's `producer.js` does. `send` only queues a message;
// closing the socket keeps its linger period and terminating the context
// waits for it, so the messages are on their way to the forwarder by the
// time the process exits.
//
// With `--stdin` it also sends every line of its standard input, as it
// arrives, until the input ends: one long-lived connection that a script
// can feed (scripts/faults uses it to watch the producer reconnect).

import ExampleSupport
import ZeroMQ

let tool = ExampleTool(
  name: "zmq-producer",
  usage: """
    usage: zmq-producer [--connect ENDPOINT] [--linger MS] [--stdin] [--] MESSAGE...

    Sends each MESSAGE to the forwarder and prints Sent "<message>" for it.

    options:
      --connect ENDPOINT  the forwarder's frontend (default: tcp://localhost:5555)
      --linger MS         how long to wait at exit for queued messages to
                          reach the forwarder, in milliseconds; -1 waits
                          forever (default: 5000)
      --stdin             after the MESSAGEs, send each line of standard input
                          as it arrives, until the input ends
      --                  treat every later argument as a message, even when it
                          starts with "-"
      -h, --help          show this help

    """)

/// What the command line asked for.
struct Options {
  var endpoint = "tcp://localhost:5555"
  var linger: Int32 = 5000
  var messages: [String] = []
  var stdin = false
}

func parseOptions(_ arguments: ArraySlice<String>) -> Options {
  var options = Options()
  options.messages = tool.parse(
    arguments, positional: true,
    unknownHint: " (use -- before a message that starts with \"-\")"
  ) { flag, value in
    switch flag {
    case "--connect":
      options.endpoint = value()
    case "--linger":
      let text = value()
      guard let linger = Int32(text), linger >= -1 else {
        tool.usageError("--linger needs a number of milliseconds or -1, not \"\(text)\"")
      }
      options.linger = linger
    case "--stdin":
      options.stdin = true
    default:
      return false
    }
    return true
  }
  if options.messages.isEmpty && !options.stdin { tool.usageError("nothing to send: give at least one MESSAGE") }
  return options
}

/// Sends the messages, then closes the socket and terminates the context,
/// which waits (up to the linger period) until they have left the process.
func produce(_ options: Options) throws {
  let ctx = try Context()
  let socket = try ctx.socket(.push)
  try socket.set(.linger, options.linger)
  try attempt("connecting to \(options.endpoint)") { try socket.connect(options.endpoint) }
  for data in options.messages {
    try socket.send(data)
    print("Sent \"\(data)\"")
  }
  while options.stdin, let data = readLine() {
    try socket.send(data)
    print("Sent \"\(data)\"")
  }
  try socket.close()
  try ctx.term()
}

let options = parseOptions(CommandLine.arguments.dropFirst())
tool.run { try produce(options) }
