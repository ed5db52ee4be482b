// The six tools of libzmq's perf/ directory, with its arguments and output
// lines, generic over the API that moves the bytes.

import ZeroMQ

/// What every tool gets from the command line.
struct ToolArguments {
  var endpoint: String  // unused by the inproc tools
  var size: Int
  var count: Int  // messages, or roundtrips
}

/// A context, and its orderly end: sockets closed explicitly (so their
/// queued messages are delivered under the default linger, as in C),
/// then `zmq_ctx_term`.
private func finish(_ sockets: Socket..., context: Context) {
  orDie("zmq_close") { for socket in sockets { try socket.close() } }
  orDie("zmq_ctx_term") { try context.term() }
}

private func open(_ context: Context, _ type: SocketType, _ endpoint: String, bind: Bool) -> Socket {
  let socket = orDie("zmq_socket") { try context.socket(type) }
  if bind {
    orDie("zmq_bind") { try socket.bind(endpoint) }
  } else {
    orDie("zmq_connect") { try socket.connect(endpoint) }
  }
  return socket
}

/// `local_thr <bind-to> <message-size> <message-count>`: PULL, prints throughput.
func localThr<API: PerfAPI>(_: API.Type, _ arguments: ToolArguments) {
  let context = orDie("zmq_ctx_new") { try Context() }
  let socket = open(context, .pull, arguments.endpoint, bind: true)
  let elapsed = orDie("recv") { try API.receiveLoop(socket, size: arguments.size, count: arguments.count) }
  printC("message size: %d [B]\n", Int32(arguments.size))
  printC("message count: %d\n", Int32(arguments.count))
  printThroughput(size: arguments.size, count: arguments.count, elapsed: elapsed)
  finish(socket, context: context)
}

/// `remote_thr <connect-to> <message-size> <message-count>`: PUSH.
func remoteThr<API: PerfAPI>(_: API.Type, _ arguments: ToolArguments) {
  let context = orDie("zmq_ctx_new") { try Context() }
  let socket = open(context, .push, arguments.endpoint, bind: false)
  orDie("send") { try API.sendLoop(socket, size: arguments.size, count: arguments.count) }
  holdIfAsked()
  finish(socket, context: context)
}

/// `local_lat <bind-to> <message-size> <roundtrip-count>`: REP echo.
func localLat<API: PerfAPI>(_: API.Type, _ arguments: ToolArguments) {
  let context = orDie("zmq_ctx_new") { try Context() }
  let socket = open(context, .rep, arguments.endpoint, bind: true)
  orDie("echo") { try API.echoLoop(socket, size: arguments.size, roundtrips: arguments.count) }
  finish(socket, context: context)
}

/// `remote_lat <connect-to> <message-size> <roundtrip-count>`: REQ, prints
/// the one-way latency.
func remoteLat<API: PerfAPI>(_: API.Type, _ arguments: ToolArguments) {
  let context = orDie("zmq_ctx_new") { try Context() }
  let socket = open(context, .req, arguments.endpoint, bind: false)
  let elapsed = orDie("ping") { try API.pingLoop(socket, size: arguments.size, roundtrips: arguments.count) }
  printC("message size: %d [B]\n", Int32(arguments.size))
  printC("roundtrip count: %d\n", Int32(arguments.count))
  printLatency(roundtrips: arguments.count, elapsed: elapsed)
  finish(socket, context: context)
}

/// `inproc_thr <message-size> <message-count>`: a PUSH thread feeding PULL.
func inprocThr<API: PerfAPI>(_: API.Type, _ arguments: ToolArguments) {
  let context = orDie("zmq_ctx_new") { try Context() }
  let socket = open(context, .pull, "inproc://thr_test", bind: true)
  let (size, count) = (arguments.size, arguments.count)
  let worker = WorkerThread {
    let socket = open(context, .push, "inproc://thr_test", bind: false)
    orDie("send") { try API.sendLoop(socket, size: size, count: count) }
    orDie("zmq_close") { try socket.close() }
  }
  printC("message size: %d [B]\n", Int32(size))
  printC("message count: %d\n", Int32(count))
  let elapsed = orDie("recv") { try API.receiveLoop(socket, size: size, count: count) }
  worker.join()
  finish(socket, context: context)
  printThroughput(size: size, count: count, elapsed: elapsed)
}

/// `inproc_lat <message-size> <roundtrip-count>`: REQ here, a REP echo thread.
func inprocLat<API: PerfAPI>(_: API.Type, _ arguments: ToolArguments) {
  let context = orDie("zmq_ctx_new") { try Context() }
  let socket = open(context, .req, "inproc://lat_test", bind: true)
  let (size, roundtrips) = (arguments.size, arguments.count)
  let worker = WorkerThread {
    let socket = open(context, .rep, "inproc://lat_test", bind: false)
    orDie("echo") { try API.echoLoop(socket, size: size, roundtrips: roundtrips) }
    orDie("zmq_close") { try socket.close() }
  }
  printC("message size: %d [B]\n", Int32(size))
  printC("roundtrip count: %d\n", Int32(roundtrips))
  let elapsed = orDie("ping") { try API.pingLoop(socket, size: size, roundtrips: roundtrips) }
  worker.join()
  finish(socket, context: context)
  printLatency(roundtrips: roundtrips, elapsed: elapsed)
}
