// zmq-lazy-pirate: the "Lazy Pirate" pattern of the ZeroMQ guide (reliable
// request-reply on the client side), as a client and a server.
//
// The client numbers its requests 1, 2, 3, … and sends each one on a REQ
// socket. When no reply comes within `--timeout` milliseconds it assumes the
// server (or the network) lost the request or the reply: a REQ socket cannot
// send again before it has received, so the client closes the socket, opens
// a new one, connects again and resends the same request. After `--retries`
// such retries for one request it gives up: it prints why, the summary, and
// exits 1. A reply is only accepted when its body is the number of the
// request it answers; anything else is counted as rejected and treated like
// a lost reply, so the client never takes a reply meant for another request.
//
// The server is a REP socket that answers every request with the request's
// own body. It can pretend to be slow (`--slow-every`, `--slow-ms`), to
// crash (`--crash-after`, which exits at once without closing anything) or
// to mix up its replies (`--wrong-every`, which answers with the number
// before the request's, as a confused server would).
//
// Both print one line per event on stdout (line-buffered) and a summary line
// at the end (`summary: …`), which scripts/faults reads. Every receive has a
// timeout, so neither side can block forever.

import Dispatch
import ExampleSupport
import ZeroMQ

let tool = ExampleTool(
  name: "zmq-lazy-pirate",
  usage: """
    usage: zmq-lazy-pirate client [--connect ENDPOINT] [--requests N] [--timeout MS]
                                  [--retries N] [--interval MS]
           zmq-lazy-pirate server [--bind ENDPOINT] [--crash-after N]
                                  [--slow-every N] [--slow-ms MS] [--wrong-every N]
                                  [--idle-exit MS]

    client: sends requests 1...N on a REQ socket and waits for each reply; when
    none comes within the timeout it reopens the socket and resends, up to the
    retry budget, then gives up and exits 1. Exits 0 when every request was
    answered with its own number.

      --connect ENDPOINT  the server (default: tcp://localhost:5555)
      --requests N        how many requests to send (default: 10)
      --timeout MS        how long to wait for each reply (default: 2500)
      --retries N         retries per request before giving up (default: 3)
      --interval MS       pause between answered requests (default: 0)

    server: answers every request on a REP socket with the request's body,
    until SIGINT or SIGTERM (exit 0).

      --bind ENDPOINT     where clients connect (default: tcp://*:5555)
      --crash-after N     exit at once with status 3 on request N+1, without
                          replying (a simulated crash)
      --slow-every N      take --slow-ms before replying to every Nth request
      --slow-ms MS        the delay of a slow reply (default: 3000)
      --wrong-every N     answer every Nth request with the previous number,
                          a reply to another request (the client must reject it)
      --idle-exit MS      exit 0 after MS without a request (default: never)

      -h, --help          show this help

    """)

/// How often a waiting server wakes up to check its idle time.
let serverPollMilliseconds: Int32 = 200

/// Sleeps for `milliseconds` (usleep's 32-bit microseconds end at about 71 minutes).
func sleep(milliseconds: Int32) {
  var delay = timespec(tv_sec: Int(milliseconds / 1000), tv_nsec: Int(milliseconds % 1000) * 1_000_000)
  var left = timespec()
  while nanosleep(&delay, &left) != 0 && errno == EINTR { delay = left }
}

/// Monotonic milliseconds, for the server's idle deadline.
func nowMilliseconds() -> Int64 {
  Int64(DispatchTime.now().uptimeNanoseconds / 1_000_000)
}

func nonNegative(_ text: String, flag: String) -> Int32 {
  guard let value = Int32(text), value >= 0 else {
    tool.usageError("\(flag) needs a whole number ≥ 0, not \"\(text)\"")
  }
  return value
}

func milliseconds(_ text: String, flag: String) -> Int32 {
  guard let value = Int32(text), value > 0 else {
    tool.usageError("\(flag) needs a positive number of milliseconds, not \"\(text)\"")
  }
  return value
}

// MARK: - Client

struct ClientOptions {
  var endpoint = "tcp://localhost:5555"
  var requests = 10
  var timeout: Int32 = 2500
  var retries = 3
  var interval: Int32 = 0
}

/// What happened during a client run; printed as the summary.
struct ClientTally {
  var requests = 0  // requests started (each counted once, however often sent)
  var sends = 0  // sends, retries included
  var retries = 0  // resends after a timeout or a rejected reply
  var replies = 0  // replies accepted (one per answered request)
  var rejected = 0  // replies whose body was not the request's number
  var reconnects = 0  // sockets closed and opened again

  var line: String {
    "summary: requests=\(requests) sends=\(sends) retries=\(retries) replies=\(replies) rejected=\(rejected) reconnects=\(reconnects)"
  }
}

func parseClient(_ arguments: ArraySlice<String>) -> ClientOptions {
  var options = ClientOptions()
  _ = tool.parse(arguments) { flag, value in
    switch flag {
    case "--connect": options.endpoint = value()
    case "--requests": options.requests = tool.positiveCount(value(), flag: flag)
    case "--timeout": options.timeout = milliseconds(value(), flag: flag)
    case "--retries": options.retries = Int(nonNegative(value(), flag: flag))
    case "--interval": options.interval = nonNegative(value(), flag: flag)
    default: return false
    }
    return true
  }
  return options
}

/// A fresh REQ socket for one attempt: nothing lingers at close, and both
/// directions wait at most the reply timeout.
func openRequester(_ ctx: Context, _ options: ClientOptions) throws -> Socket {
  let socket = try ctx.socket(.req)
  try socket.set(.linger, 0)
  try socket.set(.rcvtimeo, options.timeout)
  try socket.set(.sndtimeo, options.timeout)
  try attempt("connecting to \(options.endpoint)") { try socket.connect(options.endpoint) }
  return socket
}

/// Runs the client. Returns the exit status: 0 when every request was
/// answered, 1 when it gave up on one (or was interrupted).
func runClient(_ options: ClientOptions) throws -> Int32 {
  let ctx = try Context()
  let signalSources = shutDownOnSignals(ctx)
  defer { signalSources.forEach { $0.cancel() } }

  var tally = ClientTally()
  var status: Int32 = 0
  var socket = try openRequester(ctx, options)

  requests: for sequence in 1...options.requests {
    let request = String(sequence)
    tally.requests += 1
    var retriesLeft = options.retries
    while true {
      var answered = false
      do {
        if try socket.send(request) != nil {
          tally.sends += 1
          print("sent \(request)")
          let reply = try socket.recvString()
          if reply == request {
            answered = true
          } else {
            tally.rejected += 1
            print("rejected reply \"\(reply ?? "")\" to request \(request)")
          }
        }
      } catch let error as ZMQError where error == .eagain {
        print("no reply to request \(request) within \(options.timeout) ms")
      } catch let error as ZMQError where error == .eterm {
        printError("zmq-lazy-pirate: interrupted during request \(request)")
        status = 1
        break requests
      }
      if answered {
        tally.replies += 1
        print("reply \(request) ok")
        break
      }
      // The REQ socket is stuck waiting for a reply that may never come:
      // throw it away (with anything still queued in it) and start over.
      try socket.close()
      if retriesLeft == 0 {
        printError(
          "zmq-lazy-pirate: no reply to request \(request) after \(options.retries) retries of \(options.timeout) ms; "
            + "the server at \(options.endpoint) seems to be offline, giving up")
        status = 1
        break requests
      }
      retriesLeft -= 1
      tally.retries += 1
      tally.reconnects += 1
      print("reconnecting and resending request \(request) (\(retriesLeft) retries left)")
      socket = try openRequester(ctx, options)
    }
    if options.interval > 0 && sequence < options.requests { sleep(milliseconds: options.interval) }
  }

  try socket.close()
  try ctx.term()
  print(tally.line)
  return status
}

// MARK: - Server

struct ServerOptions {
  var endpoint = "tcp://*:5555"
  var crashAfter: Int? = nil
  var slowEvery: Int? = nil
  var slowMilliseconds: Int32 = 3000
  var wrongEvery: Int? = nil
  var idleExit: Int32? = nil
}

func parseServer(_ arguments: ArraySlice<String>) -> ServerOptions {
  var options = ServerOptions()
  _ = tool.parse(arguments) { flag, value in
    switch flag {
    case "--bind": options.endpoint = value()
    case "--crash-after": options.crashAfter = Int(nonNegative(value(), flag: flag))
    case "--wrong-every": options.wrongEvery = tool.positiveCount(value(), flag: flag)
    case "--slow-every": options.slowEvery = tool.positiveCount(value(), flag: flag)
    case "--slow-ms": options.slowMilliseconds = milliseconds(value(), flag: flag)
    case "--idle-exit": options.idleExit = milliseconds(value(), flag: flag)
    default: return false
    }
    return true
  }
  return options
}

/// Runs the server until a signal (or the idle limit); returns the exit status.
func runServer(_ options: ServerOptions) throws -> Int32 {
  let ctx = try Context()
  let signalSources = shutDownOnSignals(ctx)
  defer { signalSources.forEach { $0.cancel() } }

  let socket = try ctx.socket(.rep)
  try socket.set(.linger, 0)
  // Wake up regularly, so a server nobody talks to notices its idle limit
  // and no receive waits without bound.
  try socket.set(.rcvtimeo, serverPollMilliseconds)
  try attempt("binding \(options.endpoint)") { try socket.bind(options.endpoint) }
  print("listening on \(options.endpoint)")

  var requests = 0
  var lastRequest = nowMilliseconds()
  do {
    while true {
      let request: String
      do {
        guard let received = try socket.recvString() else { continue }
        request = received
      } catch let error as ZMQError where error == .eagain {
        if let idle = options.idleExit, nowMilliseconds() - lastRequest >= Int64(idle) {
          print("idle for \(idle) ms, exiting")
          break
        }
        continue
      }
      lastRequest = nowMilliseconds()
      if let crashAfter = options.crashAfter, requests >= crashAfter {
        print("simulating a crash on request \(request)")
        exit(3)
      }
      requests += 1
      if let every = options.slowEvery, requests % every == 0 {
        print("slow reply to request \(request) (\(options.slowMilliseconds) ms)")
        sleep(milliseconds: options.slowMilliseconds)
      }
      if let every = options.wrongEvery, requests % every == 0 {
        let wrong = Int(request).map { String($0 - 1) } ?? "?"
        try socket.send(wrong)
        print("wrong reply \(wrong) to request \(request)")
      } else {
        try socket.send(request)
        print("replied \(request)")
      }
    }
  } catch let error as ZMQError where error == .eterm {
    // A signal shut the context down: a normal way to stop.
  }

  try socket.close()
  try ctx.term()
  print("summary: requests=\(requests)")
  return 0
}

// MARK: - Main

var arguments = CommandLine.arguments.dropFirst()
let mode = arguments.popFirst()
tool.run {
  let status: Int32
  switch mode {
  case "client": status = try runClient(parseClient(arguments))
  case "server": status = try runServer(parseServer(arguments))
  case "-h", "--help": print(tool.usage, terminator: ""); status = 0
  case nil: tool.usageError("say client or server")
  case let other?: tool.usageError("unknown mode \"\(other)\" (say client or server)")
  }
  if status != 0 { exit(status) }
}
