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

import ExampleSupport
import ZeroMQ

let tool = ExampleTool(name: "zmq-subscriber", usage: """
  usage: zmq-subscriber [--connect ENDPOINT] [--count N]

  Subscribes to everything the forwarder publishes and prints
  Received "<message>" for every message.

  options:
    --connect ENDPOINT  the forwarder's backend (default: tcp://localhost:5556)
    --count N           exit after receiving N messages
                        (default: run until SIGINT or SIGTERM)
    -h, --help          show this help

  """)

/// What the command line asked for.
struct Options {
  var endpoint = "tcp://localhost:5556"
  var count: Int? = nil
}

func parseOptions(_ arguments: ArraySlice<String>) -> Options {
  var options = Options()
  _ = tool.parse(arguments) { flag, value in
    switch flag {
    case "--connect": options.endpoint = value()
    case "--count": options.count = tool.positiveCount(value(), flag: flag)
    default: return false
    }
    return true
  }
  return options
}

/// Runs the subscriber; returns normally when done (count reached or signal).
func subscribe(_ options: Options) throws {
  let ctx = try Context()
  let signalSources = shutDownOnSignals(ctx)
  defer { signalSources.forEach { $0.cancel() } }

  let socket = try ctx.socket(.sub)
  // A SUB socket only ever sends subscriptions: nothing worth waiting for.
  try socket.set(.linger, 0)
  try attempt("connecting to \(options.endpoint)") { try socket.connect(options.endpoint) }
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

let options = parseOptions(CommandLine.arguments.dropFirst())
tool.run { try subscribe(options) }
