// The four loops every perf tool is made of, once per API of the binding.
// Each is written the way a user of that API would write it; the loops are
// the only code inside the timed region.

import ZeroMQ

/// One way of moving bytes through the binding.
protocol PerfAPI {
  /// Throughput sender: `count` messages of `size` bytes.
  static func sendLoop(_ socket: Socket, size: Int, count: Int) throws
  /// Throughput receiver: the first message, then the clock, then the rest.
  /// Returns the elapsed microseconds (at least 1).
  static func receiveLoop(_ socket: Socket, size: Int, count: Int) throws -> UInt64
  /// Latency echo (REP): receive a message and send it back, `roundtrips` times.
  static func echoLoop(_ socket: Socket, size: Int, roundtrips: Int) throws
  /// Latency pinger (REQ): send, wait for the echo; returns elapsed microseconds.
  static func pingLoop(_ socket: Socket, size: Int, roundtrips: Int) throws -> UInt64
}

// MARK: - Message API: `Message` values, as libzmq's own tools use zmq_msg_t

/// libzmq's tools in Swift: one `Message` on the throughput sender, given
/// new content before every send (`reset(unsafeUninitializedSize:)`, i.e.
/// `zmq_msg_init_size`, with no `zmq_msg_close` needed after a successful
/// send, then `zmq_msg_send`), one reused
/// `Message` for every receive and for the latency loops (`zmq_msg_recv`
/// into it, and `zmq_msg_send` of it).
enum MessageAPI: PerfAPI {
  static func sendLoop(_ socket: Socket, size: Int, count: Int) throws {
    let message = Message()
    for _ in 0..<count {
      try message.reset(unsafeUninitializedSize: size)
      try socket.send(message)
    }
  }

  static func receiveLoop(_ socket: Socket, size: Int, count: Int) throws -> UInt64 {
    let message = Message()
    var start: UInt64 = 0
    for index in 0..<count {
      guard try socket.recv(into: message) == size else { wrongSize() }
      if index == 0 { start = nowMicroseconds() }
    }
    return max(nowMicroseconds() - start, 1)
  }

  static func echoLoop(_ socket: Socket, size: Int, roundtrips: Int) throws {
    let message = Message()
    for _ in 0..<roundtrips {
      guard try socket.recv(into: message) == size else { wrongSize() }
      try socket.send(message)
    }
  }

  static func pingLoop(_ socket: Socket, size: Int, roundtrips: Int) throws -> UInt64 {
    let message = try Message(size: size)
    let start = nowMicroseconds()
    for _ in 0..<roundtrips {
      try socket.send(message)
      guard try socket.recv(into: message) == size else { wrongSize() }
    }
    return max(nowMicroseconds() - start, 1)
  }
}

// MARK: - Zero-copy send: `Message(noCopy:deallocator:)`

/// The message API with zero-copy sends: every message sent points at one
/// buffer the program owns (its deallocator does nothing; the buffer lives
/// until exit). Receiving is the message API's.
enum NoCopyAPI: PerfAPI {
  static func sendLoop(_ socket: Socket, size: Int, count: Int) throws {
    let buffer = permanentBuffer(size: size)
    for _ in 0..<count {
      try socket.send(Message(noCopy: buffer) { _ in })
    }
  }

  static func receiveLoop(_ socket: Socket, size: Int, count: Int) throws -> UInt64 {
    try MessageAPI.receiveLoop(socket, size: size, count: count)
  }

  static func echoLoop(_ socket: Socket, size: Int, roundtrips: Int) throws {
    try MessageAPI.echoLoop(socket, size: size, roundtrips: roundtrips)
  }

  static func pingLoop(_ socket: Socket, size: Int, roundtrips: Int) throws -> UInt64 {
    let buffer = permanentBuffer(size: size)
    let reply = Message()
    let start = nowMicroseconds()
    for _ in 0..<roundtrips {
      try socket.send(Message(noCopy: buffer) { _ in })
      guard try socket.recv(into: reply) == size else { wrongSize() }
    }
    return max(nowMicroseconds() - start, 1)
  }
}

// MARK: - Buffer API: send from and receive into memory the caller owns

/// `send(UnsafeRawBufferPointer)` (`zmq_send`, one copy into libzmq) and
/// `recv(into: UnsafeMutableRawBufferPointer)` (`zmq_recv`, one copy out).
enum BufferAPI: PerfAPI {
  static func sendLoop(_ socket: Socket, size: Int, count: Int) throws {
    let buffer = UnsafeRawBufferPointer(permanentBuffer(size: size))
    for _ in 0..<count {
      try socket.send(buffer)
    }
  }

  static func receiveLoop(_ socket: Socket, size: Int, count: Int) throws -> UInt64 {
    let buffer = permanentBuffer(size: size)
    var start: UInt64 = 0
    for index in 0..<count {
      guard try socket.recv(into: buffer) == size else { wrongSize() }
      if index == 0 { start = nowMicroseconds() }
    }
    return max(nowMicroseconds() - start, 1)
  }

  static func echoLoop(_ socket: Socket, size: Int, roundtrips: Int) throws {
    let buffer = permanentBuffer(size: size)
    let bytes = UnsafeRawBufferPointer(buffer)
    for _ in 0..<roundtrips {
      guard try socket.recv(into: buffer) == size else { wrongSize() }
      try socket.send(bytes)
    }
  }

  static func pingLoop(_ socket: Socket, size: Int, roundtrips: Int) throws -> UInt64 {
    let buffer = permanentBuffer(size: size)
    let bytes = UnsafeRawBufferPointer(buffer)
    let start = nowMicroseconds()
    for _ in 0..<roundtrips {
      try socket.send(bytes)
      guard try socket.recv(into: buffer) == size else { wrongSize() }
    }
    return max(nowMicroseconds() - start, 1)
  }
}

// MARK: - Idiomatic API: `[UInt8]` in, `[UInt8]` out

/// `send(_: [UInt8])` and `recv() -> [UInt8]?`: every receive returns a new
/// array (the one allocation the API implies).
enum IdiomaticAPI: PerfAPI {
  static func sendLoop(_ socket: Socket, size: Int, count: Int) throws {
    let bytes = [UInt8](repeating: 0, count: size)
    for _ in 0..<count {
      try socket.send(bytes)
    }
  }

  static func receiveLoop(_ socket: Socket, size: Int, count: Int) throws -> UInt64 {
    var start: UInt64 = 0
    for index in 0..<count {
      guard let bytes = try socket.recv(), bytes.count == size else { wrongSize() }
      if index == 0 { start = nowMicroseconds() }
    }
    return max(nowMicroseconds() - start, 1)
  }

  static func echoLoop(_ socket: Socket, size: Int, roundtrips: Int) throws {
    for _ in 0..<roundtrips {
      guard let bytes = try socket.recv(), bytes.count == size else { wrongSize() }
      try socket.send(bytes)
    }
  }

  static func pingLoop(_ socket: Socket, size: Int, roundtrips: Int) throws -> UInt64 {
    var bytes = [UInt8](repeating: 0, count: size)
    let start = nowMicroseconds()
    for _ in 0..<roundtrips {
      try socket.send(bytes)
      guard let reply = try socket.recv(), reply.count == size else { wrongSize() }
      bytes = reply
    }
    return max(nowMicroseconds() - start, 1)
  }
}

// MARK: - async/await API: `sendAsync([UInt8])` / `recvAsync() -> [UInt8]`

/// The async API, driven from a task that prefers an event loop as its
/// executor (see `runTask`): the tool's thread hands the socket to that task
/// and blocks until the task is done, so the socket is still used by one
/// thread at a time. Each receive returns a new array, as the
/// idiomatic API's does.
enum AsyncAPI: PerfAPI {
  static func sendLoop(_ socket: Socket, size: Int, count: Int) throws {
    nonisolated(unsafe) let socket = socket
    try runTask {
      let bytes = [UInt8](repeating: 0, count: size)
      for _ in 0..<count {
        try await socket.sendAsync(bytes)
      }
    }
  }

  static func receiveLoop(_ socket: Socket, size: Int, count: Int) throws -> UInt64 {
    nonisolated(unsafe) let socket = socket
    return try runTask {
      var start: UInt64 = 0
      for index in 0..<count {
        guard try await socket.recvAsync().count == size else { wrongSize() }
        if index == 0 { start = nowMicroseconds() }
      }
      return max(nowMicroseconds() - start, 1)
    }
  }

  static func echoLoop(_ socket: Socket, size: Int, roundtrips: Int) throws {
    nonisolated(unsafe) let socket = socket
    try runTask {
      for _ in 0..<roundtrips {
        let bytes = try await socket.recvAsync()
        guard bytes.count == size else { wrongSize() }
        try await socket.sendAsync(bytes)
      }
    }
  }

  static func pingLoop(_ socket: Socket, size: Int, roundtrips: Int) throws -> UInt64 {
    nonisolated(unsafe) let socket = socket
    return try runTask {
      var bytes = [UInt8](repeating: 0, count: size)
      let start = nowMicroseconds()
      for _ in 0..<roundtrips {
        try await socket.sendAsync(bytes)
        bytes = try await socket.recvAsync()
        guard bytes.count == size else { wrongSize() }
      }
      return max(nowMicroseconds() - start, 1)
    }
  }
}

// MARK: - async/await buffer API: `sendAsync(UnsafeRawBufferPointer)` / `recvAsync(into:)`

/// The async API over memory the caller owns, as ``BufferAPI`` is for the
/// synchronous one: nothing is allocated per message, so what it adds over
/// C's buffer tools is the async machinery alone. Driven as ``AsyncAPI``.
enum AsyncBufferAPI: PerfAPI {
  static func sendLoop(_ socket: Socket, size: Int, count: Int) throws {
    nonisolated(unsafe) let socket = socket
    try runTask {
      let bytes = UnsafeRawBufferPointer(permanentBuffer(size: size))
      for _ in 0..<count {
        try await socket.sendAsync(bytes)
      }
    }
  }

  static func receiveLoop(_ socket: Socket, size: Int, count: Int) throws -> UInt64 {
    nonisolated(unsafe) let socket = socket
    return try runTask {
      let buffer = permanentBuffer(size: size)
      var start: UInt64 = 0
      for index in 0..<count {
        guard try await socket.recvAsync(into: buffer) == size else { wrongSize() }
        if index == 0 { start = nowMicroseconds() }
      }
      return max(nowMicroseconds() - start, 1)
    }
  }

  static func echoLoop(_ socket: Socket, size: Int, roundtrips: Int) throws {
    nonisolated(unsafe) let socket = socket
    try runTask {
      let buffer = permanentBuffer(size: size)
      let bytes = UnsafeRawBufferPointer(buffer)
      for _ in 0..<roundtrips {
        guard try await socket.recvAsync(into: buffer) == size else { wrongSize() }
        try await socket.sendAsync(bytes)
      }
    }
  }

  static func pingLoop(_ socket: Socket, size: Int, roundtrips: Int) throws -> UInt64 {
    nonisolated(unsafe) let socket = socket
    return try runTask {
      let buffer = permanentBuffer(size: size)
      let bytes = UnsafeRawBufferPointer(buffer)
      let start = nowMicroseconds()
      for _ in 0..<roundtrips {
        try await socket.sendAsync(bytes)
        guard try await socket.recvAsync(into: buffer) == size else { wrongSize() }
      }
      return max(nowMicroseconds() - start, 1)
    }
  }
}
