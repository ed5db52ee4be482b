import Testing
@testable import ZeroMQ

// A poller on libzmq's zmq_poller (a binding generated in draft mode) also
// watches thread-safe sockets. Every other Poller suite runs on whichever
// backend the binding has, so in a draft variant they test zmq_poller too.

private func threadSafe(_ context: Context, _ raw: Int32) throws -> ThreadSafeSocket {
  let type = try #require(ThreadSafeSocketType(rawValue: raw), "type \(raw) is not thread-safe in this variant")
  let socket = try context.threadSafeSocket(type)
  try socket.set(.rcvtimeo, 2000)
  try socket.set(.linger, 0)
  return socket
}

/// SERVER and CLIENT, connected over inproc.
private func serverAndClient(_ context: Context, _ name: String = #function) throws -> (
  ThreadSafeSocket, ThreadSafeSocket
) {
  let server = try threadSafe(context, 12)
  let endpoint = uniqueInproc(name)
  try server.bind(endpoint)
  let client = try threadSafe(context, 13)
  try client.connect(endpoint)
  return (server, client)
}

@Suite(.enabled(if: ZMQ.Available.poller && ZMQ.Available.threadSafeSockets && ZMQ.has(.draft)))
struct PollerThreadSafeTests {
  let ctx: Context

  init() throws {
    ctx = try Context()
  }

  @Test func reportsAThreadSafeSocketWithItsUserData() throws {
    let (server, client) = try serverAndClient(ctx)
    let poller = Poller()
    try poller.add(threadSafeSocket: server, events: .pollIn, userData: "server")
    #expect(poller.size == 1)
    #expect(try poller.poll() == nil)
    try client.send("ping")
    let event = try #require(try poller.wait(timeout: 2000))
    #expect(event.threadSafeSocket === server)
    #expect(event.socket == nil)
    #expect(event.fileDescriptor == nil)
    #expect(event.userData as? String == "server")
    #expect(event.events == .pollIn)
    #expect(try server.recv()?.string == "ping")
    #expect(try poller.poll() == nil)
  }

  @Test func rotatesAcrossThreadSafeSocketsClassicSocketsAndDescriptors() throws {
    let (server, client) = try serverAndClient(ctx)
    let (a, b) = try connectedPair(ctx)
    let pipe = try TestPipe()
    let poller = Poller()
    try poller.add(b, events: .pollIn, userData: 0)
    try poller.add(threadSafeSocket: server, events: .pollIn, userData: 1)
    try poller.add(fileDescriptor: pipe.readEnd, events: .pollIn, userData: 2)
    try a.send("x")
    try client.send("y")
    pipe.put()
    // Wait until all three are ready: the messages arrive asynchronously.
    let deadline = ContinuousClock.now + .seconds(5)
    while try poller.waitAll(3, timeout: 100).count < 3 {
      try #require(ContinuousClock.now < deadline, "not all three became ready")
    }
    var order: [Int] = []
    for _ in 0..<6 {
      let event = try #require(try poller.wait(timeout: 2000))
      order.append(try #require(event.userData as? Int))
    }
    #expect(order == [0, 1, 2, 0, 1, 2])
    let all = try poller.pollAll(3)
    #expect(all.count == 3)
    #expect(all.contains { $0.threadSafeSocket === server })
    #expect(all.contains { $0.socket === b })
    #expect(all.contains { $0.fileDescriptor == pipe.readEnd })
  }

  @Test func duplicateUnknownAndClosedThreadSafeSockets() throws {
    let (server, client) = try serverAndClient(ctx)
    let poller = Poller()
    try poller.add(threadSafeSocket: server, events: .pollIn)
    expectZMQError(.einval) { try poller.add(threadSafeSocket: server, events: .pollOut) }
    expectZMQError(.einval) { try poller.modify(threadSafeSocket: client, events: .pollIn) }
    expectZMQError(.einval) { try poller.remove(threadSafeSocket: client) }
    try poller.modify(threadSafeSocket: server, events: [.pollIn, .pollOut])
    try poller.add(threadSafeSocket: client, events: .pollOut)
    #expect(poller.size == 2)
    try poller.remove(threadSafeSocket: server)
    expectZMQError(.einval) { try poller.remove(threadSafeSocket: server) }
    client.close()
    #expect(poller.size == 0)
    expectZMQError(.enotsock) { try poller.add(threadSafeSocket: client, events: .pollIn) }
    expectZMQError(.enotsock) { try poller.remove(threadSafeSocket: client) }
  }

  @Test func aThreadSafeSocketClosedWhileRegisteredIsDropped() throws {
    let (server, client) = try serverAndClient(ctx)
    let (a, b) = try connectedPair(ctx)
    let poller = Poller()
    try poller.add(threadSafeSocket: server, events: .pollIn)
    try poller.add(b, events: .pollIn)
    try client.send("never read")
    try a.send("x")
    _ = try poller.waitAll(2, timeout: 2000)
    server.close()
    for _ in 0..<3 {
      let event = try #require(try poller.wait(timeout: 1000))
      #expect(event.socket === b)
    }
    #expect(poller.size == 1)
  }

  @Test func pollAsyncRefusesThreadSafeSockets() async throws {
    let (server, _) = try serverAndClient(ctx)
    let poller = Poller()
    try poller.add(threadSafeSocket: server, events: .pollIn)
    await #expect(throws: PollerError.threadSafeSocketNotAwaitable) {
      _ = try await poller.pollAsync(timeout: .milliseconds(10))
    }
  }
}
