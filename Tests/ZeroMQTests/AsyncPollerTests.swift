import Testing
@testable import ZeroMQ

@Suite("async poller") struct AsyncPollerTests {
  @Test func reportsASocketThatIsAlreadyReady() async throws {
    let ctx = try Context()
    let (a, b) = try connectedPair(ctx)
    let (c, d) = try connectedPair(ctx)
    let poller = Poller()
    try poller.add(b, events: .pollIn, userData: "b")
    try poller.add(d, events: .pollIn, userData: "d")
    try c.send("for d")
    let events = try await poller.pollAsync(timeout: .seconds(30 * Int(testTimeScale)))
    #expect(events.count == 1)
    #expect(events.first?.socket === d)
    #expect(events.first?.userData as? String == "d")
    #expect(try d.recvString(flags: .dontWait) == "for d")
    for socket in [a, b, c, d] { try socket.close() }
    try ctx.term()
  }

  @Test func waitsUntilASocketBecomesReadyOnALoop() async throws {
    let ctx = try Context()
    let loop = ZMQEventLoop(name: "poller")
    defer { loop.shutdown() }
    let endpoint = uniqueInproc()
    let (text, onLoop) = try await Task(executorPreference: loop) {
      let pull = try makeSocket(ctx, .pull, timeout: asyncTimeout)
      try pull.bind(endpoint)
      let idle = try makeSocket(ctx, .pull, timeout: asyncTimeout)
      try idle.bind(uniqueInproc("waitsUntilASocketBecomesReadyOnALoop-idle"))
      let poller = Poller()
      try poller.add(idle, events: .pollIn)
      try poller.add(pull, events: .pollIn)
      let sender = Task {
        // Once the poller's wait is armed on the loop.
        try await untilArmed(loop, nil)
        let push = try makeSocket(ctx, .push, timeout: asyncTimeout)
        try push.connect(endpoint)
        try await push.sendAsync("late")
        // makeSocket's linger of 0 would let close() discard the part before
        // the receiver, woken but not yet run, has read it.
        try push.set(.linger, 1000)
        try push.close()
      }
      let events = try await poller.pollAsync()
      let onLoop = loop.inEventLoop
      try await sender.value
      #expect(events.map { $0.socket === pull } == [true])
      let text = try pull.recvString(flags: .dontWait)
      try pull.close()
      try idle.close()
      return (text, onLoop)
    }.value
    #expect(text == "late")
    #expect(onLoop)
    try ctx.term()
  }

  @Test func returnsNothingWhenTheTimeoutPasses() async throws {
    let ctx = try Context()
    let pull = try makeSocket(ctx, .pull)
    try pull.bind(uniqueInproc())
    let poller = Poller()
    try poller.add(pull, events: .pollIn)
    let start = ContinuousClock.now
    let none = try await poller.pollAsync(timeout: .milliseconds(50))
    #expect(none.isEmpty)
    #expect(ContinuousClock.now - start >= .milliseconds(50))
    let stillNone = try await poller.pollAsync(timeout: .zero)
    #expect(stillNone.isEmpty)
    try pull.close()
    try ctx.term()
  }

  @Test func cancellationEndsTheWait() async throws {
    let ctx = try Context()
    let endpoint = uniqueInproc()
    let waiting = Task {
      let pull = try makeSocket(ctx, .pull, timeout: asyncTimeout)
      try pull.bind(endpoint)
      defer { try? pull.close() }
      let poller = Poller()
      try poller.add(pull, events: .pollIn)
      return try await poller.pollAsync().count
    }
    try await untilArmed(.shared, nil)
    waiting.cancel()
    await #expect(throws: CancellationError.self) { try await waiting.value }
    try ctx.term()
  }

  @Test func anEmptyPollerCannotWaitForever() async throws {
    let poller = Poller()
    do {
      _ = try await poller.pollAsync()
      Issue.record("an empty poller waited")
    } catch let error as ZMQError {
      #expect(error == .efault)
    }
    let none = try await poller.pollAsync(timeout: .milliseconds(1))
    #expect(none.isEmpty)
  }
}

@Suite("async poller with file descriptors") struct AsyncPollerDescriptorTests {
  @Test func wakesWhenAPipeBecomesReadable() async throws {
    let ctx = try Context()
    let loop = ZMQEventLoop(name: "poller-fd")
    defer { loop.shutdown() }
    let pipe = try TestPipe()
    let (readEnd, writeEnd) = (pipe.readEnd, pipe.writeEnd)
    let events = try await Task(executorPreference: loop) {
      let idle = try makeSocket(ctx, .pull, timeout: asyncTimeout)
      try idle.bind(uniqueInproc("wakesWhenAPipeBecomesReadable-idle"))
      defer { try? idle.close() }
      let poller = Poller()
      try poller.add(idle, events: .pollIn)
      try poller.add(fileDescriptor: readEnd, events: .pollIn, userData: "pipe")
      let writer = Task {
        try await untilArmed(loop, nil)
        writeOneByte(to: writeEnd)
      }
      let events = try await poller.pollAsync(timeout: .seconds(30 * Int(testTimeScale)))
      try await writer.value
      return events.map { ($0.fileDescriptor, $0.userData as? String, $0.events) }
    }.value
    #expect(events.count == 1)
    #expect(events.first?.0 == readEnd)
    #expect(events.first?.1 == "pipe")
    #expect(events.first?.2 == .pollIn)
    withExtendedLifetime(pipe) {}
    try ctx.term()
  }

  @Test func aDescriptorClosedUnderTheWaitEndsIt() async throws {
    let pipe = try TestPipe()
    let fd = try duplicate(pipe.readEnd, to: unusedHighDescriptor(1))
    let poller = Poller()
    try poller.add(fileDescriptor: fd, events: .pollIn)
    closeDescriptor(fd)
    let events = try await poller.pollAsync(timeout: .seconds(30 * Int(testTimeScale)))
    #expect(events.map(\.events) == [.pollErr])
    #expect(events.first?.fileDescriptor == fd)
  }

  @Test func aDescriptorWatchedForWritingIsRefused() async throws {
    let pipe = try TestPipe()
    let poller = Poller()
    try poller.add(fileDescriptor: pipe.writeEnd, events: [.pollIn, .pollOut])
    await #expect(throws: PollerError.writabilityNotAwaitable(fileDescriptor: pipe.writeEnd)) {
      _ = try await poller.pollAsync(timeout: .seconds(1))
    }
    try poller.modify(fileDescriptor: pipe.writeEnd, events: .pollIn)
    let none = try await poller.pollAsync(timeout: .milliseconds(20))
    #expect(none.isEmpty)
  }
}
