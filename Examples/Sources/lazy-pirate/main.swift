// lazy-pirate: reliable request-reply, handled entirely by the client.
//
// A REQ socket that sent a request must receive a reply before it may send
// again. When the server dies or the network loses the message, that reply
// never comes, and the socket would wait for ever. The client here waits a
// bounded time instead (`.rcvtimeo`); when the time is up it throws the
// socket away, opens a new one, connects again and sends the same request
// once more. After a few such retries it stops and reports the server as
// unreachable, rather than hanging.
//
// Replies carry the request's number, and the client only accepts the
// reply to the request it is waiting for.
//
// The server can be told to fail: to stop dead after a number of requests,
// as a crashed process would, or to be slow now and then. Restart a
// crashed server on the same endpoint and the waiting client carries on.
//
//     lazy-pirate server --bind ipc:///tmp/lazy-pirate.sock --crash-after 3
//     lazy-pirate client --connect ipc:///tmp/lazy-pirate.sock --requests 6

import ExampleKit
import ZeroMQ

#if canImport(Glibc)
@preconcurrency import Glibc
#elseif canImport(Musl)
@preconcurrency import Musl
#elseif canImport(Darwin)
@preconcurrency import Darwin
#endif

let arguments = CommandLineArguments(
  usage: """
    usage: lazy-pirate server [--bind ENDPOINT] [--crash-after N] [--slow-every N] [--slow-ms MS]
                              [--idle-exit MS]
           lazy-pirate client --connect ENDPOINT [--requests N] [--timeout MS] [--retries N]

    server  binds a REP socket (default tcp://127.0.0.1:*) and prints the
            endpoint; echoes each request. --crash-after N: on the request
            after the Nth, exit at once with status 3, without answering.
            --slow-every N: wait --slow-ms (default 1500) before every Nth
            answer. Stops after --idle-exit ms (default 30000) without a request.
    client  sends --requests (default 6) numbered requests; waits --timeout ms
            (default 1000) for each reply, and after a timeout reconnects and
            sends again, --retries times (default 3) before giving up (exit 1).
    """)

func runServer(_ arguments: CommandLineArguments) throws {
  let context = try Context()
  let socket = try context.socket(.rep)
  let idleExit = arguments.milliseconds("idle-exit", default: 30_000)
  try socket.set(.rcvtimeo, idleExit)
  try socket.bind(arguments.string("bind", default: "tcp://127.0.0.1:*"))
  let endpoint: String = try socket.get(.lastEndpoint)
  print("server listening on \(endpoint)")

  let crashAfter = arguments.int("crash-after", default: 0)
  let slowEvery = arguments.int("slow-every", default: 0)
  let slowMilliseconds = arguments.int("slow-ms", default: 1500)
  var answered = 0
  while true {
    let request: String
    do {
      request = try socket.recvString() ?? ""
    } catch let error as ZMQError where error == .eagain {
      print("no request for \(idleExit) ms, stopping")
      break
    }
    if crashAfter > 0 && answered == crashAfter {
      print("crashing instead of answering request \(request)")
      exit(3)  // no close, no goodbye: the client just stops hearing from us
    }
    answered += 1
    if slowEvery > 0 && answered % slowEvery == 0 {
      print("being slow with request \(request)")
      pause(milliseconds: slowMilliseconds)
    }
    try socket.send(request)
    print("answered request \(request)")
  }
  try socket.close()
  try context.term()
}

/// A new REQ socket for one try. Linger 0: when the try is abandoned, the
/// request still queued in it is dropped along with the socket.
func connectedSocket(_ context: Context, to endpoint: String, timeout: Int32) throws -> Socket {
  let socket = try context.socket(.req)
  try socket.set(.linger, 0)
  try socket.set(.rcvtimeo, timeout)
  try socket.connect(endpoint)
  return socket
}

func runClient(_ arguments: CommandLineArguments) throws {
  let endpoint = arguments.string("connect")
  let timeout = arguments.milliseconds("timeout", default: 1000)
  let retries = arguments.int("retries", default: 3)
  let count = arguments.int("requests", default: 6)
  let context = try Context()
  var socket = try connectedSocket(context, to: endpoint, timeout: timeout)
  var retried = 0

  for number in 1...max(count, 1) {
    let request = String(number)
    var triesLeft = retries
    try socket.send(request)
    while true {
      do {
        let reply = try socket.recvString()
        if reply == request {
          print("request \(request): answered")
          break
        }
        // A reply to some other request: not ours, keep waiting.
        print("request \(request): ignoring reply \"\(reply ?? "")\"")
        continue
      } catch let error as ZMQError where error == .eagain {
        // No reply in time. This socket must receive before it may send
        // again, so replace it rather than wait for ever.
      }
      try socket.close()
      if triesLeft == 0 {
        fail(
          "request \(request): no reply after \(retries) retries of \(timeout) ms; giving up, the server seems to be down"
        )
      }
      triesLeft -= 1
      retried += 1
      print(
        "request \(request): no reply within \(timeout) ms, reconnecting and retrying (\(triesLeft) \(triesLeft == 1 ? "retry" : "retries") left)"
      )
      socket = try connectedSocket(context, to: endpoint, timeout: timeout)
      try socket.send(request)
    }
  }
  print("client done: \(count) requests answered, \(retried) \(retried == 1 ? "retry" : "retries") needed")
  try socket.close()
  try context.term()
}

switch arguments.role {
case "server": try runServer(arguments)
case "client": try runClient(arguments)
default: arguments.usageError("say server or client")
}
