import Foundation
import Testing
@testable import ZeroMQ

// The async forms of the buffer and message receives and of the raw-buffer
// send: what they deliver, how they report truncation, and that they wait,
// time out and honour cancellation as every async operation does. Each
// test's sockets live in the task that uses them.

/// A zero-filled buffer the test owns; deallocate it when done.
private func buffer(_ count: Int) -> UnsafeMutableRawBufferPointer {
  let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
  buffer.initializeMemory(as: UInt8.self, repeating: 0)
  return buffer
}

@Suite struct AsyncBufferTests {
  @Test func aRawBufferSendAndABufferReceiveCarryTheBytes() async throws {
    let ctx = try Context()
    let (pull, push) = try connectedPair(ctx, .pull, .push)
    let outgoing = buffer(5)
    defer { outgoing.deallocate() }
    outgoing.copyBytes(from: Array("hello".utf8))
    let incoming = buffer(16)
    defer { incoming.deallocate() }

    #expect(try await push.sendAsync(UnsafeRawBufferPointer(outgoing)) == 5)
    #expect(try await pull.recvAsync(into: incoming) == 5)
    #expect(Array(incoming[0..<5]) == Array("hello".utf8))
    #expect(incoming[5] == 0, "nothing is written past the part")
    try pull.close()
    try push.close()
    try ctx.term()
  }

  @Test func aPartLargerThanTheBufferReportsItsWholeSizeAndFillsTheBuffer() async throws {
    let ctx = try Context()
    let (pull, push) = try connectedPair(ctx, .pull, .push)
    try await push.sendAsync(Array("truncated part".utf8))
    let incoming = buffer(9)
    defer { incoming.deallocate() }

    let size = try await pull.recvAsync(into: incoming)
    #expect(size == 14)
    #expect(Array(incoming) == Array("truncated".utf8))
    try pull.close()
    try push.close()
    try ctx.term()
  }

  @Test func anEmptyBufferDiscardsAPartAndLearnsItsSize() async throws {
    let ctx = try Context()
    let (pull, push) = try connectedPair(ctx, .pull, .push)
    try await push.sendAsync("seven!!")
    try await push.sendAsync("next")
    #expect(try await pull.recvAsync(into: UnsafeMutableRawBufferPointer(start: nil, count: 0)) == 7)
    #expect(try await pull.recvStringAsync() == "next")
    try pull.close()
    try push.close()
    try ctx.term()
  }

  @Test func aBufferReceiveWaitsForAPartSentLater() async throws {
    let ctx = try Context()
    let endpoint = uniqueInproc()
    let pull = try makeSocket(ctx, .pull, timeout: asyncTimeout)
    try pull.bind(endpoint)
    let sender = Task {
      let push = try makeSocket(ctx, .push, timeout: asyncTimeout)
      try push.connect(endpoint)
      try await Task.sleep(for: .milliseconds(50))
      try await push.sendAsync("late")
      // makeSocket's linger of 0 would let close() discard the part before
      // the receiver, woken but not yet run, has read it.
      try push.set(.linger, 1000)
      try push.close()
    }
    let incoming = buffer(8)
    defer { incoming.deallocate() }
    #expect(try await pull.recvAsync(into: incoming) == 4)
    #expect(Array(incoming[0..<4]) == Array("late".utf8))
    try await sender.value
    try pull.close()
    try ctx.term()
  }

  @Test func receivingIntoOneMessageReplacesItsContentPartByPart() async throws {
    let ctx = try Context()
    let (pull, push) = try connectedPair(ctx, .pull, .push)
    try await push.sendMultipartAsync(["first", "second part"])
    let message = Message()
    #expect(try await pull.recvAsync(into: message) == 5)
    #expect(message.bytes == Array("first".utf8))
    #expect(message.more)
    #expect(try await pull.recvAsync(into: message) == 11)
    #expect(message.bytes == Array("second part".utf8))
    #expect(!message.more)
    try pull.close()
    try push.close()
    try ctx.term()
  }

  @Test func aBufferReceiveTimesOutAsTheSynchronousOneDoes() async throws {
    let ctx = try Context()
    let pull = try makeSocket(ctx, .pull, timeout: 50)
    try pull.bind(uniqueInproc())
    let incoming = buffer(4)
    defer { incoming.deallocate() }
    await #expect(throws: ZMQError.eagain) { try await pull.recvAsync(into: incoming) }
    let message = Message()
    await #expect(throws: ZMQError.eagain) { try await pull.recvAsync(into: message) }
    try pull.close()
    try ctx.term()
  }

  @Test func anAlreadyCancelledTaskTakesNoPartIntoABufferOrAMessage() async throws {
    let ctx = try Context()
    let outcome = try await Task {
      let (pull, push) = try connectedPair(ctx, .pull, .push)
      try push.send("kept")
      let incoming = buffer(8)
      defer { incoming.deallocate() }
      withUnsafeCurrentTask { $0?.cancel() }
      var errors: [String] = []
      do { _ = try await pull.recvAsync(into: incoming) } catch { errors.append("\(type(of: error))") }
      do { _ = try await pull.recvAsync(into: Message()) } catch { errors.append("\(type(of: error))") }
      do { _ = try await push.sendAsync(UnsafeRawBufferPointer(incoming)) } catch {
        errors.append("\(type(of: error))")
      }
      // The part is still queued: a synchronous receive (no cancellation
      // check) takes it.
      let kept = try pull.recvString()
      try pull.close()
      try push.close()
      return (errors, kept)
    }.value
    #expect(outcome.0 == ["CancellationError", "CancellationError", "CancellationError"])
    #expect(outcome.1 == "kept")
    try ctx.term()
  }

  /// Many round trips, each side a task on an event loop of its own, so
  /// nearly every receive waits: a wake-up lost between a failed attempt and
  /// the wait would stall a round trip until the 30 s timeout and fail it.
  @Test(arguments: ["inproc", "tcp"])
  func pingPongOnTwoLoopsLosesNoWakeUp(transport: String) async throws {
    let ctx = try Context()
    let loops = ZMQEventLoopGroup(loopCount: 2)
    defer { loops.shutdown() }
    let rep = try makeSocket(ctx, .rep, timeout: asyncTimeout)
    let endpoint: String
    if transport == "tcp" {
      endpoint = try bindTCP(rep)
    } else {
      endpoint = uniqueInproc()
      try rep.bind(endpoint)
    }
    nonisolated(unsafe) let echoing = rep
    let rounds = 300
    let echo = Task(executorPreference: loops.next()) {
      let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 1)
      defer { buffer.deallocate() }
      for _ in 0..<rounds {
        let size = try await echoing.recvAsync(into: buffer)
        try await echoing.sendAsync(UnsafeRawBufferPointer(rebasing: buffer[0..<size]))
      }
    }
    let answers = try await Task(executorPreference: loops.next()) {
      let req = try makeSocket(ctx, .req, timeout: asyncTimeout)
      try req.connect(endpoint)
      let message = Message()
      var answers = 0
      for round in 0..<rounds {
        try await req.sendAsync(Int32(round))
        try await req.recvAsync(into: message)
        if message.withUnsafeBytes({ $0.loadUnaligned(as: Int32.self) }) == Int32(round) { answers += 1 }
      }
      try req.close()
      return answers
    }.value
    try await echo.value
    #expect(answers == rounds)
    try rep.close()
    try ctx.term()
  }
}
