// zmq-forwarder: the middle of the three-process forwarding example
// (the JavaScript `zmq` module's example, in Swift).
//
// Producers PUSH messages to this process's PULL socket (the "frontend");
// every message is published again, unchanged, on a PUB socket (the
// "backend") that any number of subscribers can connect to. A `Poller`
// watches the frontend and the loop forwards one message per wake-up, as the
// JavaScript example's `server.js` does, printing `Forwarded "<message>"` for each.
//
// It stops after `--count` messages or on SIGINT/SIGTERM (`shutDownOnSignals`),
// closing up and exiting 0 either way.

import ExampleSupport
import ZeroMQ

let tool = ExampleTool(
  name: "zmq-forwarder",
  usage: """
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

    """)

/// What the command line asked for.
struct Options {
  var frontend = "tcp://*:5555"
  var backend = "tcp://*:5556"
  var count: Int? = nil
}

func parseOptions(_ arguments: ArraySlice<String>) -> Options {
  var options = Options()
  _ = tool.parse(arguments) { flag, value in
    switch flag {
    case "--frontend": options.frontend = value()
    case "--backend": options.backend = value()
    case "--count": options.count = tool.positiveCount(value(), flag: flag)
    default: return false
    }
    return true
  }
  return options
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
    try attempt("binding \(endpoint)") { try socket.bind(endpoint) }
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

let options = parseOptions(CommandLine.arguments.dropFirst())
tool.run { try forward(options) }
