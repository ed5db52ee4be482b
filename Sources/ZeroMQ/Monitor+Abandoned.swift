internal import CZeroMQ

// A monitor dropped before libzmq stopped it. libzmq goes on writing events
// to the monitor's PAIR socket and waits for somebody to take each one, so
// the socket cannot simply be closed: a task on the shared event loop takes
// it over, reads and discards its events until libzmq reports the monitor
// stopped or the context ends, then closes it. Nobody else holds the socket
// once it is handed over.

enum AbandonedMonitor {
  /// Takes over a monitor's PAIR socket, already taken from its
  /// `SocketHandle` and unregistered from its context.
  static func adopt(_ pointer: UnsafeMutableRawPointer) {
    var fd: Int32 = -1
    var size = MemoryLayout<Int32>.size
    guard (try? CallFunnel.blocking({ zmq_getsockopt(pointer, ZMQ_FD, &fd, &size) })) != nil else {
      close(pointer)
      return
    }
    let bits = UInt(bitPattern: pointer)
    let loop = ZMQEventLoop.shared
    Task(executorPreference: loop) {
      let pointer = UnsafeMutableRawPointer(bitPattern: bits)!
      var reader = EventReader()
      while !reader.readAll(pointer) {
        let reason = await loop.wait(handle: nil, descriptors: .one(fd), wanted: ZMQ_POLLIN, deadline: nil)
        if reason == .shutDown {
          close(pointer)
          return
        }
      }
    }
  }

  private static func close(_ pointer: UnsafeMutableRawPointer) {
    var linger: Int32 = 0
    _ = try? CallFunnel.check(zmq_setsockopt(pointer, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size))
    _ = try? CallFunnel.check(zmq_close(pointer))
  }

  /// Where the reading stands between two wake-ups.
  private struct EventReader {
    /// Whether the next message part is the first of an event.
    var atFirstPart = true
    /// Whether the event being read is `MONITOR_STOPPED`.
    var stopping = false

    /// Reads everything queued; returns whether the socket is finished
    /// (and was closed).
    mutating func readAll(_ pointer: UnsafeMutableRawPointer) -> Bool {
      let message = UnsafeMutablePointer<zmq_msg_t>.allocate(capacity: 1)  // rare path
      zmq_msg_init(message)
      defer {
        zmq_msg_close(message)
        message.deallocate()
      }
      while true {
        let received: Int32?
        do {
          received = try CallFunnel.nonBlocking(dontWait: true) { zmq_msg_recv(message, pointer, ZMQ_DONTWAIT) }
        } catch {
          close(pointer)  // ETERM: the context is ending
          return true
        }
        guard received != nil else { break }
        let more = zmq_msg_more(message) != 0
        if atFirstPart {
          var code: UInt16 = 0
          if zmq_msg_size(message) == MonitorEvent.firstFrameSize {
            withUnsafeMutableBytes(of: &code) {
              $0.copyMemory(from: UnsafeRawBufferPointer(start: zmq_msg_data(message), count: 2))
            }
          }
          stopping = Int32(code) == ZMQ_EVENT_MONITOR_STOPPED
        }
        atFirstPart = !more
        if !more && stopping {
          close(pointer)
          return true
        }
      }
      // Re-arm the descriptor; a failure means the context is ending.
      var events: Int32 = 0
      var size = MemoryLayout<Int32>.size
      if (try? CallFunnel.blocking({ zmq_getsockopt(pointer, ZMQ_EVENTS, &events, &size) })) == nil {
        close(pointer)
        return true
      }
      return false
    }
  }
}
