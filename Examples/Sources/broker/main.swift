// broker: a request-reply broker built from a ROUTER, a DEALER and a Poller.
//
//     REQ clients ──▶ ROUTER (frontend) │ broker │ DEALER (backend) ──▶ REP workers
//
// Clients and workers each know only the broker's address, so either side
// can grow or shrink without the other noticing. The ROUTER socket prefixes
// every request with the identity of the client it came from; the DEALER
// passes requests on to the workers in turn and replies back as they come.
// The broker never looks inside a message: it moves whole multipart
// messages, envelope and all, so each reply finds its way back to the
// client that asked. A Poller tells it which side has something to move.
//
//     broker broker
//     broker worker --connect tcp://127.0.0.1:BACKEND --name w1
//     broker client --connect tcp://127.0.0.1:FRONTEND --name c1 --requests 5

import ExampleKit
import ZeroMQ

let arguments = CommandLineArguments(
  usage: """
    usage: broker broker [--frontend ENDPOINT] [--backend ENDPOINT] [--idle-exit MS]
           broker worker --connect ENDPOINT [--name NAME] [--idle-exit MS]
           broker client --connect ENDPOINT [--name NAME] [--requests N] [--timeout MS]

    broker  binds a ROUTER for clients and a DEALER for workers (defaults
            tcp://127.0.0.1:*), prints both endpoints and relays messages
            between them; stops after --idle-exit ms (default 0: never)
            without traffic.
    worker  connects a REP socket to the broker's backend and answers each
            request, saying who answered; stops after --idle-exit ms
            (default 30000) without a request.
    client  connects a REQ socket to the broker's frontend, sends --requests
            (default 5) requests and checks each reply; waits at most
            --timeout ms (default 3000) for each.
    """)

func runBroker(_ arguments: CommandLineArguments) throws {
  let context = try Context()
  let frontend = try context.socket(.router)
  try frontend.bind(arguments.string("frontend", default: "tcp://127.0.0.1:*"))
  let backend = try context.socket(.dealer)
  try backend.bind(arguments.string("backend", default: "tcp://127.0.0.1:*"))
  let frontendEndpoint: String = try frontend.get(.lastEndpoint)
  let backendEndpoint: String = try backend.get(.lastEndpoint)
  print("clients connect to \(frontendEndpoint)")
  print("workers connect to \(backendEndpoint)")

  let poller = Poller()
  try poller.add(frontend, events: .pollIn, userData: "requests")
  try poller.add(backend, events: .pollIn, userData: "replies")
  let idleExit = arguments.int("idle-exit", default: 0)
  var relayed = ["requests": 0, "replies": 0]
  while true {
    // -1 waits as long as it takes; otherwise at most the idle limit.
    guard let event = try poller.wait(timeout: idleExit > 0 ? idleExit : -1) else {
      print("no traffic for \(idleExit) ms, stopping")
      break
    }
    let (from, to) = event.socket === frontend ? (frontend, backend) : (backend, frontend)
    // Readable now, so the whole message is there: move it as it is.
    guard let message = try from.recvMultipart(flags: .dontWait) else { continue }
    try to.sendMultipart(message)
    relayed[event.userData as? String ?? "", default: 0] += 1
  }
  print("broker done: \(relayed["requests"]!) requests and \(relayed["replies"]!) replies relayed")
  try frontend.close()
  try backend.close()
  try context.term()
}

func runWorker(_ arguments: CommandLineArguments) throws {
  let name = arguments.string("name", default: "worker")
  let idleExit = arguments.milliseconds("idle-exit", default: 30_000)
  let context = try Context()
  let socket = try context.socket(.rep)
  try socket.set(.rcvtimeo, idleExit)
  try socket.connect(arguments.string("connect"))
  print("\(name) ready")
  var answered = 0
  while true {
    let request: String
    do {
      request = try socket.recvString() ?? ""
    } catch let error as ZMQError where error == .eagain {
      print("\(name): no request for \(idleExit) ms, stopping")
      break
    }
    // A REP socket sees only the request; the envelope that says which
    // client sent it stays with the socket, which puts it on the reply.
    try socket.send("\(request) answered by \(name)")
    answered += 1
  }
  print("\(name) done: \(answered) requests answered")
  try socket.close()
  try context.term()
}

func runClient(_ arguments: CommandLineArguments) throws {
  let name = arguments.string("name", default: "client")
  let timeout = arguments.milliseconds("timeout", default: 3000)
  let context = try Context()
  let socket = try context.socket(.req)
  try socket.set(.rcvtimeo, timeout)
  try socket.set(.linger, 0)
  try socket.connect(arguments.string("connect"))
  let count = arguments.int("requests", default: 5)
  for number in 1...max(count, 1) {
    let request = "\(name) request \(number)"
    try socket.send(request)
    let reply: String
    do {
      reply = try socket.recvString() ?? ""
    } catch let error as ZMQError where error == .eagain {
      fail("no reply to \"\(request)\" within \(timeout) ms")
    }
    guard reply.hasPrefix("\(request) answered by ") else { fail("reply \"\(reply)\" is not for \"\(request)\"") }
    print(reply)
  }
  print("\(name) done: \(count) replies")
  try socket.close()
  try context.term()
}

switch arguments.role {
case "broker": try runBroker(arguments)
case "worker": try runWorker(arguments)
case "client": try runClient(arguments)
default: arguments.usageError("say broker, worker or client")
}
