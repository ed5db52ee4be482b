// zmq-perf: libzmq's perf tools over the Swift binding.
//
//   zmq-perf [--api message|buffer|idiomatic|nocopy|async|async-buffer] <tool> <arguments>
//
//   local_thr  <bind-to>    <message-size> <message-count>    PULL, prints throughput
//   remote_thr <connect-to> <message-size> <message-count>    PUSH
//   local_lat  <bind-to>    <message-size> <roundtrip-count>  REP echo
//   remote_lat <connect-to> <message-size> <roundtrip-count>  REQ, prints latency
//   inproc_thr <message-size> <message-count>                  PUSH thread -> PULL
//   inproc_lat <message-size> <roundtrip-count>                REQ <-> REP thread
//
// The arguments and output lines are those of libzmq's perf/ tools, and of
// the C twin in bench/c/zmq_perf.c, which bench/run runs beside this one.
// Invoked through a symlink named after a tool (`local_thr ...`), it runs
// that tool with the message API, like libzmq's binaries.
// `zmq-perf --list-apis` prints the APIs this build has, one per line.
// With ZMQPERF_HOLD set, remote_thr waits for end-of-file on its standard
// input before it closes (see holdIfAsked; bench/run uses it).
//
// APIs:
//   message    Message values, as libzmq's tools use zmq_msg_t (the default)
//   buffer     send(UnsafeRawBufferPointer) / recv(into: UnsafeMutableRawBufferPointer)
//   idiomatic  send([UInt8]) / recv() -> [UInt8]
//   nocopy     the message API, sending with Message(noCopy:deallocator:)
//   async      sendAsync([UInt8]) / recvAsync() -> [UInt8], from a task that
//              prefers a ZMQEventLoop as executor (the one-wake-up path)
//   async-buffer  sendAsync(UnsafeRawBufferPointer) / recvAsync(into:), the
//              buffer API's async form, driven as async

import ExampleSupport
import ZeroMQ

let tools = ["local_thr", "remote_thr", "local_lat", "remote_lat", "inproc_thr", "inproc_lat"]
nonisolated(unsafe) let apis: [String: any PerfAPI.Type] = [
  "message": MessageAPI.self,
  "buffer": BufferAPI.self,
  "idiomatic": IdiomaticAPI.self,
  "nocopy": NoCopyAPI.self,
  "async": AsyncAPI.self,
  "async-buffer": AsyncBufferAPI.self,
]

func usage() -> Never {
  fail(
    """
    usage: zmq-perf [--api \(apis.keys.sorted().joined(separator: "|"))] <tool> <arguments>
      local_thr  <bind-to> <message-size> <message-count>
      remote_thr <connect-to> <message-size> <message-count>
      local_lat  <bind-to> <message-size> <roundtrip-count>
      remote_lat <connect-to> <message-size> <roundtrip-count>
      inproc_thr <message-size> <message-count>
      inproc_lat <message-size> <roundtrip-count>
    --api async and async-buffer run each tool thread's loop in a task that prefers a ZMQEventLoop
    of its own as executor, so a ready socket resumes it on that loop's thread.
    """)
}

func parseNumber(_ text: String, _ what: String, minimum: Int) -> Int {
  guard let value = Int(text), value >= minimum, value <= Int(Int32.max) else {
    fail("invalid \(what): \(text)")
  }
  return value
}

var arguments = Array(CommandLine.arguments.dropFirst())
let invokedAs = CommandLine.arguments.first.map { String($0.split(separator: "/").last ?? "") } ?? ""
var apiName = "message"
let tool: String
if tools.contains(invokedAs) {
  tool = invokedAs
} else if arguments == ["--list-apis"] {
  // For bench/run: which variants this build has.
  for name in apis.keys.sorted() { print(name) }
  exit(0)
} else {
  while let option = arguments.first, option.hasPrefix("--") {
    arguments.removeFirst()
    if option == "--api", !arguments.isEmpty {
      apiName = arguments.removeFirst()
    } else if option.hasPrefix("--api=") {
      apiName = String(option.dropFirst("--api=".count))
    } else {
      usage()
    }
  }
  guard !arguments.isEmpty else { usage() }
  tool = arguments.removeFirst()
}
guard let api = apis[apiName] else {
  fail("unknown --api \(apiName) (have: \(apis.keys.sorted().joined(separator: ", ")))")
}
guard tools.contains(tool) else {
  printError("unknown tool: \(tool)")
  usage()
}

let isInproc = tool.hasPrefix("inproc")
let isThroughput = tool.hasSuffix("thr")
let expected = isInproc ? 2 : 3
guard arguments.count == expected else {
  var shape = isInproc ? "" : (tool.hasPrefix("local") ? "<bind-to> " : "<connect-to> ")
  shape += "<message-size> " + (isThroughput ? "<message-count>" : "<roundtrip-count>")
  print("usage: \(tool) \(shape)")
  exit(1)
}
let numbers = arguments.suffix(2)
let toolArguments = ToolArguments(
  endpoint: isInproc ? "" : arguments[0],
  size: parseNumber(numbers.first!, "message size", minimum: 0),
  count: parseNumber(numbers.last!, isThroughput ? "message count" : "roundtrip count", minimum: 1)
)

/// Opens the existential so each tool is specialised for its API.
func run<API: PerfAPI>(_ api: API.Type, tool: String, arguments toolArguments: ToolArguments) {
  switch tool {
  case "local_thr": localThr(api, toolArguments)
  case "remote_thr": remoteThr(api, toolArguments)
  case "local_lat": localLat(api, toolArguments)
  case "remote_lat": remoteLat(api, toolArguments)
  case "inproc_thr": inprocThr(api, toolArguments)
  default: inprocLat(api, toolArguments)
  }
}
run(api, tool: tool, arguments: toolArguments)
fflush(nil)
