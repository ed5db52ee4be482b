// pubsub: publish and subscribe, with the topic in an envelope of its own.
//
// Every update the publisher sends is a two-part message: the first part
// names the topic ("weather", "traffic" or "prices"), the second carries
// the text. A SUB socket filters on the start of a message's first part,
// so putting the topic alone in the first part keeps the filter exact and
// leaves the body free to hold anything, binary data included.
//
// A subscriber that connects late misses what was sent before it joined:
// PUB sockets do not keep history. That is why the publisher here keeps
// publishing until it is stopped, and the subscriber simply takes the next
// updates of the topics it asked for.
//
//     pubsub publisher --bind tcp://127.0.0.1:*
//     pubsub subscriber --connect tcp://127.0.0.1:PORT --topics weather,prices --count 5

import ExampleKit
import ZeroMQ

/// What the publisher publishes about.
enum Feed {
  static let topics = ["weather", "traffic", "prices"]
}

let arguments = CommandLineArguments(
  usage: """
    usage: pubsub publisher [--bind ENDPOINT] [--interval-ms MS] [--seconds S]
           pubsub subscriber --connect ENDPOINT [--topics A,B] [--count N] [--timeout MS]

    publisher   binds a PUB socket (default tcp://127.0.0.1:*) and prints the
                endpoint; sends one update every --interval-ms (default 20),
                cycling through the topics \(Feed.topics.joined(separator: ", ")),
                for --seconds (default 0: until stopped).
    subscriber  connects a SUB socket, subscribes to --topics (default
                weather), prints --count (default 5) updates and checks that
                each one belongs to a topic it asked for; waits at most
                --timeout ms (default 3000) for each.
    """)

func runPublisher(_ arguments: CommandLineArguments) throws {
  let context = try Context()
  let socket = try context.socket(.pub)
  try socket.bind(arguments.string("bind", default: "tcp://127.0.0.1:*"))
  let endpoint: String = try socket.get(.lastEndpoint)
  print("publishing on \(endpoint)")

  let interval = arguments.int("interval-ms", default: 20)
  let seconds = arguments.int("seconds", default: 0)
  let end = Deadline(milliseconds: seconds * 1000)
  var sequence = 0
  while seconds == 0 || !end.hasPassed {
    let topic = Feed.topics[sequence % Feed.topics.count]
    sequence += 1
    // The envelope (the topic) and the content travel as one message:
    // a subscriber gets both parts or neither.
    try socket.sendMultipart([topic, "\(topic) update #\(sequence)"])
    pause(milliseconds: interval)
  }
  print("publisher done: \(sequence) updates sent")
  try socket.close()
  try context.term()
}

func runSubscriber(_ arguments: CommandLineArguments) throws {
  let context = try Context()
  let socket = try context.socket(.sub)
  let timeout = arguments.milliseconds("timeout", default: 3000)
  try socket.set(.rcvtimeo, timeout)
  let wanted = arguments.string("topics", default: "weather").split(separator: ",").map(String.init)
  for topic in wanted {
    // A subscription is a prefix of the first part; without any, a SUB
    // socket receives nothing at all.
    try socket.set(.subscribe, topic)
  }
  try socket.connect(arguments.string("connect"))
  print("subscribed to \(wanted.joined(separator: ", "))")

  let count = arguments.int("count", default: 5)
  for _ in 0..<count {
    let parts: [[UInt8]]
    do {
      parts = try socket.recvMultipart() ?? []
    } catch let error as ZMQError where error == .eagain {
      fail("no update within \(timeout) ms; is the publisher running?")
    }
    guard parts.count == 2 else { fail("expected a topic and a body, got \(parts.count) parts") }
    let topic = String(decoding: parts[0], as: UTF8.self)
    let body = String(decoding: parts[1], as: UTF8.self)
    guard wanted.contains(topic) else { fail("got topic \"\(topic)\", which was not asked for") }
    print("[\(topic)] \(body)")
  }
  print("subscriber done: \(count) updates")
  try socket.close()
  try context.term()
}

switch arguments.role {
case "publisher": try runPublisher(arguments)
case "subscriber": try runSubscriber(arguments)
default: arguments.usageError("say publisher or subscriber")
}
