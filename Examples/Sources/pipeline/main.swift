// pipeline: fan work out to parallel workers and collect the results.
//
//     ventilator ──PUSH──▶ worker, worker, … ──PUSH──▶ sink
//                                 ▲                     │
//                                 └────────SUB──── PUB ─┘ "stop"
//
// The ventilator hands out tasks on a PUSH socket, which deals them to the
// connected workers in turn. Each worker does its task (here: sleeps for
// the task's number of milliseconds) and pushes the result to the sink,
// whose PULL socket gathers the results of all workers fairly. When the
// sink has every result it broadcasts "stop" on a PUB socket, and the
// workers, which wait on their task and control sockets together with a
// Poller, end.
//
// PUSH deals tasks only to workers already connected, so the ventilator
// waits for Enter before it starts: start the sink, the ventilator and the
// workers, then press Enter in the ventilator's terminal.
//
//     pipeline sink
//     pipeline ventilator --sink tcp://127.0.0.1:RESULTS --tasks 20
//     pipeline worker --tasks-from tcp://127.0.0.1:TASKS --results-to tcp://127.0.0.1:RESULTS \
//                     --control tcp://127.0.0.1:CONTROL --name w1

import ExampleKit
import ZeroMQ

let arguments = CommandLineArguments(
  usage: """
    usage: pipeline sink [--bind ENDPOINT] [--control-bind ENDPOINT] [--timeout MS]
           pipeline ventilator --sink ENDPOINT [--bind ENDPOINT] [--tasks N] [--max-ms MS]
           pipeline worker --tasks-from ENDPOINT --results-to ENDPOINT --control ENDPOINT
                           [--name NAME] [--idle-exit MS]

    sink        binds a PULL socket for results and a PUB socket for the stop
                signal (defaults tcp://127.0.0.1:*) and prints both endpoints;
                collects one batch, checks every task came back once, prints
                who did what, then tells the workers to stop. Gives up after
                --timeout ms (default 10000) without a message.
    ventilator  binds a PUSH socket for tasks (default tcp://127.0.0.1:*),
                prints its endpoint, waits for a line on standard input, then
                announces --tasks N (default 20) to the sink and sends N tasks
                of 1 to --max-ms (default 40) milliseconds of work each.
    worker      does tasks until the sink says stop, or --idle-exit ms
                (default 30000) pass without a task or signal.
    """)

func runSink(_ arguments: CommandLineArguments) throws {
  let context = try Context()
  let results = try context.socket(.pull)
  let timeout = arguments.milliseconds("timeout", default: 10_000)
  try results.set(.rcvtimeo, timeout)
  try results.bind(arguments.string("bind", default: "tcp://127.0.0.1:*"))
  let control = try context.socket(.pub)
  try control.set(.linger, 1000)
  try control.bind(arguments.string("control-bind", default: "tcp://127.0.0.1:*"))
  let resultsEndpoint: String = try results.get(.lastEndpoint)
  let controlEndpoint: String = try control.get(.lastEndpoint)
  print("results on \(resultsEndpoint)")
  print("control on \(controlEndpoint)")

  func next(_ what: String) throws -> String {
    do {
      return try results.recvString() ?? ""
    } catch let error as ZMQError where error == .eagain {
      fail("nothing arrived within \(timeout) ms while waiting for \(what)")
    }
  }

  // The ventilator's first message says how many results to expect.
  let announcement = try next("the batch size").split(separator: " ")
  guard announcement.count == 2, announcement[0] == "batch", let total = Int(announcement[1]) else {
    fail("expected \"batch N\" first")
  }
  print("expecting \(total) results")
  var seen = Set<Int>()
  var perWorker: [String: Int] = [:]
  while seen.count < total {
    // Each result reads "<task> <worker>".
    let fields = try next("result \(seen.count + 1) of \(total)").split(separator: " ")
    guard fields.count == 2, let task = Int(fields[0]) else { fail("malformed result \(fields)") }
    guard seen.insert(task).inserted else { fail("task \(task) came back twice") }
    perWorker[String(fields[1]), default: 0] += 1
  }
  let tally = perWorker.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
  print("all \(total) results in; tasks per worker: \(tally)")

  // Every worker subscribed to everything on the control socket.
  try control.send("stop")
  print("sink done")
  try results.close()
  try control.close()
  try context.term()
}

func runVentilator(_ arguments: CommandLineArguments) throws {
  let context = try Context()
  let tasks = try context.socket(.push)
  // On close, give queued tasks two seconds to leave, not for ever.
  try tasks.set(.linger, 2000)
  try tasks.bind(arguments.string("bind", default: "tcp://127.0.0.1:*"))
  let endpoint: String = try tasks.get(.lastEndpoint)
  print("tasks on \(endpoint)")
  let sink = try context.socket(.push)
  try sink.set(.linger, 2000)
  try sink.connect(arguments.string("sink"))

  print("press Enter when the workers are ready")
  guard readInputLine() != nil else { fail("standard input ended before Enter") }

  let count = arguments.int("tasks", default: 20)
  let longest = max(arguments.int("max-ms", default: 40), 1)
  try sink.send("batch \(count)")
  var totalWork = 0
  for task in 1...max(count, 1) {
    let work = Int.random(in: 1...longest)
    totalWork += work
    try tasks.send("\(task) \(work)")
  }
  print("ventilator done: \(count) tasks, \(totalWork) ms of work in all")
  try tasks.close()
  try sink.close()
  try context.term()
}

func runWorker(_ arguments: CommandLineArguments) throws {
  let name = arguments.string("name", default: "worker")
  let context = try Context()
  let tasks = try context.socket(.pull)
  try tasks.connect(arguments.string("tasks-from"))
  let results = try context.socket(.push)
  try results.set(.linger, 2000)
  try results.connect(arguments.string("results-to"))
  let control = try context.socket(.sub)
  try control.set(.subscribe, "")
  try control.connect(arguments.string("control"))
  print("\(name) ready")

  // One wait covers both inputs; whichever is ready is served.
  let poller = Poller()
  try poller.add(tasks, events: .pollIn)
  try poller.add(control, events: .pollIn)
  let idleExit = arguments.int("idle-exit", default: 30_000)
  var done = 0
  while true {
    guard let event = try poller.wait(timeout: idleExit) else {
      print("\(name): nothing for \(idleExit) ms, stopping")
      break
    }
    if event.socket === control {
      _ = try control.recvString(flags: .dontWait)
      print("\(name) told to stop")
      break
    }
    // The poller said a task is waiting, so this receive does not block.
    guard let task = try tasks.recvString(flags: .dontWait) else { continue }
    let fields = task.split(separator: " ")
    guard fields.count == 2, let work = Int(fields[1]) else { fail("malformed task \"\(task)\"") }
    pause(milliseconds: work)
    try results.send("\(fields[0]) \(name)")
    done += 1
  }
  print("\(name) done: \(done) tasks")
  try tasks.close()
  try results.close()
  try control.close()
  try context.term()
}

switch arguments.role {
case "sink": try runSink(arguments)
case "ventilator": try runVentilator(arguments)
case "worker": try runWorker(arguments)
default: arguments.usageError("say sink, ventilator or worker")
}
