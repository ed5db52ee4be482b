// zmq-subscriber: the receiving end of the three-process forwarding example.
//
// Connects a SUB socket to the forwarder's PUB socket, subscribes to every
// message (the empty prefix) and prints `Received "<message>"` for each one,
// as the JavaScript example's `subscriber.js` does.
//
// Messages published before its subscription reaches the forwarder are
// dropped there, as for every SUB socket.
//
// A connection whose peer vanished without a word (its host crashed or was
// cut off for good) looks like an idle one to TCP, so a subscriber can wait
// on it forever. `--heartbeat MS` makes libzmq ping the forwarder every MS
// and drop the connection, then reconnect, when nothing has come back for
// three times that long.
//
// It stops after `--count` messages or on SIGINT/SIGTERM (`shutDownOnSignals`),
// closing up and exiting 0 either way.

import ExampleSupport
import ZeroMQ

let tool = ExampleTool(
  name: "zmq-subscriber",
  usage: """
    usage: zmq-subscriber [--connect ENDPOINT] [--count N] [--heartbeat MS]

    Subscribes to everything the forwarder publishes and prints
    Received "<message>" for every message.

    options:
      --connect ENDPOINT  the forwarder's backend (default: tcp://localhost:5556)
      --count N           exit after receiving N messages
                          (default: run until SIGINT or SIGTERM)
      --heartbeat MS      ping the forwarder every MS milliseconds and
                          reconnect when it has been silent for 3 × MS
                          (default: no heartbeats)
      -h, --help          show this help

    """)

/// What the command line asked for.
struct Options {
  var endpoint = "tcp://localhost:5556"
  var count: Int? = nil
  var heartbeat: Int32? = nil
}

func parseOptions(_ arguments: ArraySlice<String>) -> Options {
  var options = Options()
  _ = tool.parse(arguments) { flag, value in
    switch flag {
    case "--connect": options.endpoint = value()
    case "--count": options.count = tool.positiveCount(value(), flag: flag)
    case "--heartbeat":
      let text = value()
      guard let heartbeat = Int32(text), heartbeat > 0, heartbeat <= Int32.max / 3 else {
        tool.usageError("--heartbeat needs a positive number of milliseconds, not \"\(text)\"")
      }
      options.heartbeat = heartbeat
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
  if let heartbeat = options.heartbeat {
    try socket.set(.heartbeatIvl, heartbeat)
    try socket.set(.heartbeatTimeout, heartbeat * 3)
  }
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
