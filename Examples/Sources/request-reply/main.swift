// request-reply: the simplest ZeroMQ pattern. A REP server answers each
// request with the request's text in capitals; a REQ client sends numbered
// greetings and checks every answer.
//
// A REQ socket strictly alternates send, receive, send, …; a REP socket
// receive, send, receive, …. Each side may start first: the client's
// requests wait in its queue until the server is there.
//
//     request-reply server --bind tcp://127.0.0.1:*
//     request-reply client --connect tcp://127.0.0.1:PORT --requests 3

import ExampleKit
import ZeroMQ

let arguments = CommandLineArguments(
  usage: """
    usage: request-reply server [--bind ENDPOINT] [--requests N] [--idle-exit MS] [--work-ms MS]
           request-reply client --connect ENDPOINT [--requests N] [--timeout MS]

    server  binds a REP socket (default tcp://127.0.0.1:*, a free port) and
            prints the endpoint it got; answers each request with its text in
            capitals, taking --work-ms (default 0) per request. Stops after
            --requests answers or --idle-exit ms without a request (0: never).
    client  connects a REQ socket, sends --requests (default 3) greetings and
            waits at most --timeout ms (default 2000) for each answer.
    """)

func runServer(_ arguments: CommandLineArguments) throws {
  let context = try Context()
  let socket = try context.socket(.rep)
  // Wake up four times a second even when nobody asks, so the idle limit
  // is noticed; a receive that times out throws ZMQError.eagain.
  try socket.set(.rcvtimeo, 250)
  try socket.bind(arguments.string("bind", default: "tcp://127.0.0.1:*"))
  let endpoint: String = try socket.get(.lastEndpoint)
  print("listening on \(endpoint)")

  let limit = arguments.int("requests", default: 0)
  let idleExit = arguments.int("idle-exit", default: 0)
  let work = arguments.int("work-ms", default: 0)
  var answered = 0
  var idle = Deadline(milliseconds: idleExit)
  while limit == 0 || answered < limit {
    let request: String
    do {
      guard let text = try socket.recvString() else { continue }
      request = text
    } catch let error as ZMQError where error == .eagain {
      if idleExit > 0 && idle.hasPassed {
        print("nobody asked for \(idleExit) ms, stopping")
        break
      }
      continue
    }
    pause(milliseconds: work)  // stands in for real work
    try socket.send(request.uppercased())
    answered += 1
    idle = Deadline(milliseconds: idleExit)
    print("answered \"\(request)\"")
  }
  print("server done: \(answered) requests answered")
  try socket.close()
  try context.term()
}

func runClient(_ arguments: CommandLineArguments) throws {
  let context = try Context()
  let socket = try context.socket(.req)
  let timeout = arguments.milliseconds("timeout", default: 2000)
  try socket.set(.rcvtimeo, timeout)
  // Do not keep an unanswered request around once the client gives up.
  try socket.set(.linger, 0)
  try socket.connect(arguments.string("connect"))

  let count = arguments.int("requests", default: 3)
  for number in 1...max(count, 1) {
    let request = "hello \(number)"
    try socket.send(request)
    let reply: String?
    do {
      reply = try socket.recvString()
    } catch let error as ZMQError where error == .eagain {
      fail("no answer to \"\(request)\" within \(timeout) ms; is the server running?")
    }
    guard reply == request.uppercased() else { fail("unexpected answer \"\(reply ?? "")\" to \"\(request)\"") }
    print("sent \"\(request)\", got \"\(reply!)\"")
  }
  print("client done: \(count) answers")
  try socket.close()
  try context.term()
}

switch arguments.role {
case "server": try runServer(arguments)
case "client": try runClient(arguments)
default: arguments.usageError("say server or client")
}
