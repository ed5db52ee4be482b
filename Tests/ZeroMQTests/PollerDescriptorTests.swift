import Testing
@testable import ZeroMQ

@Suite struct PollerDescriptorTests {
  let ctx: Context

  init() throws {
    ctx = try Context()
  }

  @Test func aPipeBecomesReadable() throws {
    let pipe = try TestPipe()
    let poller = Poller()
    try poller.add(fileDescriptor: pipe.readEnd, events: .pollIn, userData: "pipe")
    #expect(poller.size == 1)
    #expect(try poller.poll() == nil)
    #expect(pipe.put() == 1)
    let event = try #require(try poller.wait(timeout: 1000))
    #expect(event.fileDescriptor == pipe.readEnd)
    #expect(event.socket == nil)
    #expect(event.userData as? String == "pipe")
    #expect(event.events == .pollIn)
    guard case .fileDescriptor(let fd) = event.source else {
      Issue.record("the event is not for a descriptor: \(event.source)")
      return
    }
    #expect(fd == pipe.readEnd)
    #expect(pipe.drain() == 1)
    #expect(try poller.poll() == nil)
  }

  @Test func socketsAndDescriptorsRotateTogether() throws {
    let poller = Poller()
    let pipe = try TestPipe()
    let (a, b) = try connectedPair(ctx)
    let (c, d) = try connectedPair(ctx)
    try poller.add(b, events: .pollIn, userData: 0)
    try poller.add(fileDescriptor: pipe.readEnd, events: .pollIn, userData: 1)
    try poller.add(d, events: .pollIn, userData: 2)
    #expect(poller.size == 3)
    // All three stay ready (nothing is read), so only rotation lets each
    // have its turn.
    try a.send("x")
    try c.send("y")
    pipe.put()
    var order: [Int] = []
    for _ in 0..<6 {
      let event = try #require(try poller.wait(timeout: 1000))
      order.append(try #require(event.userData as? Int))
      switch event.source {
      case .socket(let socket): #expect(socket === b || socket === d)
      case .fileDescriptor(let fd): #expect(fd == pipe.readEnd)
      case .threadSafeSocket: Issue.record("no thread-safe socket was added")
      }
    }
    #expect(order == [0, 1, 2, 0, 1, 2])
    let all = try poller.waitAll(10, timeout: 1000)
    #expect(all.compactMap { $0.userData as? Int } == [0, 1, 2])
    #expect(all.map { $0.fileDescriptor } == [nil, pipe.readEnd, nil])
    #expect(try poller.pollAll(2).compactMap { $0.userData as? Int } == [0, 1])
    #expect(try poller.pollAll(2).compactMap { $0.userData as? Int } == [2, 0])
    // The socket events still hand back the same Socket objects.
    let next = try #require(try poller.poll())
    #expect(next.fileDescriptor == pipe.readEnd)
    let socketEvent = try #require(try poller.pollAll(3).first { $0.socket === b })
    #expect(try socketEvent.socket.recvString() == "x")
  }

  @Test func aPipesWriteEndIsWritableUntilFull() throws {
    let pipe = try TestPipe()
    let poller = Poller()
    try poller.add(fileDescriptor: pipe.writeEnd, events: .pollOut)
    let writable = try #require(try poller.poll())
    #expect(writable.events == .pollOut)
    #expect(writable.fileDescriptor == pipe.writeEnd)
    pipe.fill()
    #expect(try poller.poll() == nil)
    #expect(try poller.wait(timeout: 20) == nil)
    pipe.drain()
    #expect(try poller.wait(timeout: 1000)?.events == .pollOut)
  }

  @Test func modifyChangesWhatADescriptorIsWatchedFor() throws {
    let pipe = try TestPipe()
    let poller = Poller()
    try poller.add(fileDescriptor: pipe.writeEnd, events: .pollIn, userData: "w")
    #expect(try poller.poll() == nil)  // a write end never becomes readable
    try poller.modify(fileDescriptor: pipe.writeEnd, events: [.pollIn, .pollOut])
    let event = try #require(try poller.poll())
    #expect(event.events == .pollOut)
    #expect(event.userData as? String == "w")
    try poller.remove(fileDescriptor: pipe.writeEnd)
    #expect(poller.size == 0)
    #expect(try poller.poll() == nil)
  }

  @Test func duplicateAndUnknownDescriptorsAreEinval() throws {
    let pipe = try TestPipe()
    let poller = Poller()
    try poller.add(fileDescriptor: pipe.readEnd, events: .pollIn)
    expectZMQError(.einval) { try poller.add(fileDescriptor: pipe.readEnd, events: .pollOut) }
    expectZMQError(.einval) { try poller.modify(fileDescriptor: pipe.writeEnd, events: .pollOut) }
    expectZMQError(.einval) { try poller.remove(fileDescriptor: pipe.writeEnd) }
    try poller.remove(fileDescriptor: pipe.readEnd)
    expectZMQError(.einval) { try poller.remove(fileDescriptor: pipe.readEnd) }
    expectZMQError(.einval) { try poller.modify(fileDescriptor: pipe.readEnd, events: .pollIn) }
    try poller.add(fileDescriptor: pipe.readEnd, events: .pollIn)  // can come back after removal
    #expect(poller.size == 1)
  }

  @Test func aNegativeDescriptorIsRefusedByName() throws {
    let poller = Poller()
    #expect(throws: PollerError.negativeFileDescriptor(-1)) { try poller.add(fileDescriptor: -1, events: .pollIn) }
    #expect(throws: PollerError.negativeFileDescriptor(-3)) { try poller.modify(fileDescriptor: -3, events: .pollIn) }
    #expect(throws: PollerError.negativeFileDescriptor(-2)) { try poller.remove(fileDescriptor: -2) }
    #expect(PollerError.negativeFileDescriptor(-1).description.contains("file descriptor -1 is negative"))
    #expect(poller.size == 0)
  }

  @Test func aDescriptorClosedWhileRegisteredReportsPollErr() throws {
    let pipe = try TestPipe()
    let fd = try duplicate(pipe.readEnd, to: unusedHighDescriptor(0))
    let (a, b) = try connectedPair(ctx)
    let poller = Poller()
    try poller.add(fileDescriptor: fd, events: .pollIn, userData: "closed")
    try poller.add(b, events: .pollIn, userData: "socket")
    closeDescriptor(fd)
    let start = ContinuousClock.now
    let event = try #require(try poller.wait(timeout: 5000))
    #expect(ContinuousClock.now - start < .seconds(2), "the closed descriptor did not end the wait")
    #expect(event.fileDescriptor == fd)
    #expect(event.events == .pollErr)
    // It keeps being reported until removed, without starving the socket.
    try a.send("x")
    let next = try poller.pollAll(4)
    #expect(next.compactMap { $0.userData as? String } == ["socket", "closed"])
    try poller.remove(fileDescriptor: fd)
    #expect(try poller.poll()?.socket === b)
  }

  @Test func aHungUpPipeReportsPollErr() throws {
    let pipe = try TestPipe()
    let poller = Poller()
    try poller.add(fileDescriptor: pipe.readEnd, events: .pollIn)
    pipe.closeWriteEnd()
    let event = try #require(try poller.wait(timeout: 1000))
    #expect(event.events.contains(.pollErr))
    #expect(event.fileDescriptor == pipe.readEnd)
  }

  @Test func sizeCountsDescriptorsAndSocketsButNotClosedSockets() throws {
    let pipe = try TestPipe()
    let poller = Poller()
    let (a, _) = try connectedPair(ctx)
    try poller.add(a, events: .pollIn)
    try poller.add(fileDescriptor: pipe.readEnd, events: .pollIn)
    try poller.add(fileDescriptor: pipe.writeEnd, events: .pollOut)
    #expect(poller.size == 3)
    try a.close()
    #expect(poller.size == 2)
    let event = try #require(try poller.poll())
    #expect(event.fileDescriptor == pipe.writeEnd)
  }
}
