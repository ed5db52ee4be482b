// load-balancer: a ROUTER-to-ROUTER broker that gives each request to the
// worker that has been idle longest.
//
// A plain DEALER (see the broker example) hands requests out in turn,
// whether or not a worker is still busy with the last one. Here the workers
// ask for work instead: each one is a REQ socket that starts by sending
// "ready" and then sends every reply as its next request for work. The
// broker keeps the identities of the idle workers in a queue, oldest first,
// and only reads from the clients while that queue is not empty. A slow
// worker therefore never has a pile of requests waiting for it.
//
// Both sides of the broker are ROUTER sockets, so the broker sees and
// writes the envelopes itself. A REQ socket's message arrives at a ROUTER
// as [sender identity, "", body…]; to answer, the ROUTER sends
// [identity, "", reply], and the identity part picks the peer.
//
// The clients and workers run on threads of this one process and talk to
// the broker over inproc://, so a single command shows the whole pattern:
//
//     load-balancer --clients 4 --workers 3 --requests 5

import Dispatch
import ExampleKit
import Foundation
import ZeroMQ

let arguments = CommandLineArguments(
  usage: """
    usage: load-balancer [--clients N] [--workers N] [--requests N] [--timeout MS]

    Starts --workers (default 3) worker threads, each slower than the one
    before, and --clients (default 4) client threads, each sending --requests
    (default 5) requests through the broker, which runs on the main thread.
    Prints who served what and exits 0 once every request was answered;
    gives up after --timeout ms (default 5000) without traffic.
    """)

/// What the command line asked for, shared by every thread.
struct Setup: Sendable {
  var clients: Int
  var workers: Int
  var requests: Int
  var timeout: Int32
  static let frontend = "inproc://load-balancer-clients"
  static let backend = "inproc://load-balancer-workers"
}

let setup = Setup(
  clients: max(arguments.int("clients", default: 4), 1),
  workers: max(arguments.int("workers", default: 3), 1),
  requests: max(arguments.int("requests", default: 5), 1),
  timeout: arguments.milliseconds("timeout", default: 5000))

/// A worker: asks for work, does it, and sends the result as its next ask.
func worker(_ number: Int, _ context: Context, _ setup: Setup) throws {
  let socket = try context.socket(.req)
  // The identity the broker sees; without one, ROUTER makes one up.
  try socket.set(.routingId, "worker-\(number)")
  try socket.connect(Setup.backend)
  try socket.send("ready")
  do {
    while true {
      // [client identity, "", request]: REQ has already removed the empty
      // part in front of it.
      guard let parts = try socket.recvMultipart(), parts.count == 3 else { fail("worker-\(number): odd message") }
      pause(milliseconds: 2 * number)  // worker-3 takes three times as long as worker-1
      let reply = "\(String(decoding: parts[2], as: UTF8.self)), served by worker-\(number)"
      try socket.sendMultipart([parts[0], [], Array(reply.utf8)])
    }
  } catch let error as ZMQError where error == .eterm {
    // The broker shut the context down: time to go.
  }
  try socket.close()
}

/// A client: a REQ socket sending its requests one after another.
func client(_ number: Int, _ context: Context, _ setup: Setup) throws {
  let socket = try context.socket(.req)
  try socket.set(.routingId, "client-\(number)")
  try socket.set(.rcvtimeo, setup.timeout)
  try socket.connect(Setup.frontend)
  for request in 1...setup.requests {
    let text = "request \(request) of client-\(number)"
    try socket.send(text)
    do {
      guard let reply = try socket.recvString(), reply.hasPrefix(text + ",") else {
        fail("client-\(number): wrong reply")
      }
      print(reply)
    } catch let error as ZMQError where error == .eagain {
      fail("client-\(number): no reply within \(setup.timeout) ms")
    }
  }
  try socket.close()
}

let context = try Context()
let frontend = try context.socket(.router)
try frontend.bind(Setup.frontend)
let backend = try context.socket(.router)
try backend.bind(Setup.backend)

// Each thread creates and uses its own sockets (a socket belongs to one
// thread at a time); the context is shared.
func start(_ group: DispatchGroup, _ body: @escaping @Sendable () throws -> Void) {
  group.enter()
  Thread.detachNewThread {
    do { try body() } catch { fail("thread failed: \(error)") }
    group.leave()
  }
}
let workers = DispatchGroup(), clients = DispatchGroup()
for number in 1...setup.workers { start(workers) { try worker(number, context, setup) } }
for number in 1...setup.clients { start(clients) { try client(number, context, setup) } }

let poller = Poller()
try poller.add(backend, events: .pollIn)
var idleWorkers: [[UInt8]] = []  // identities, the longest idle first
var served: [String: Int] = [:]
var replies = 0
let expected = setup.clients * setup.requests
var listeningToClients = false

while replies < expected {
  // Take new requests only while some worker can do them; until then they
  // wait in the frontend's queue.
  if !idleWorkers.isEmpty && !listeningToClients {
    try poller.add(frontend, events: .pollIn)
    listeningToClients = true
  } else if idleWorkers.isEmpty && listeningToClients {
    try poller.remove(frontend)
    listeningToClients = false
  }
  guard let event = try poller.wait(timeout: Int(setup.timeout)) else {
    fail("nothing happened for \(setup.timeout) ms (\(replies) of \(expected) replies)")
  }
  guard let parts = try event.socket.recvMultipart(flags: .dontWait) else { continue }
  if event.socket === backend {
    // [worker, "", "ready"] or [worker, "", client, "", reply]
    let workerIdentity = parts[0]
    idleWorkers.append(workerIdentity)
    if parts.count == 5 {
      try frontend.sendMultipart([parts[2], [], parts[4]])
      served[String(decoding: workerIdentity, as: UTF8.self), default: 0] += 1
      replies += 1
    }
  } else {
    // [client, "", request]: to the worker idle longest.
    let workerIdentity = idleWorkers.removeFirst()
    try backend.sendMultipart([workerIdentity, [], parts[0], [], parts[2]])
  }
}

// The last replies may still be on their way to the clients: let the
// clients finish, then wake the workers, which wait for work that will not
// come, by shutting the context down (their receives throw ETERM).
clients.wait()
let tally = served.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
print("load balancer done: \(replies) replies; requests per worker: \(tally)")
try context.shutdown()
try frontend.close()
try backend.close()
workers.wait()
try context.term()
