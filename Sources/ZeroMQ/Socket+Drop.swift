internal import CZeroMQ

// What happens to a socket that goes out of scope without `close()`.
//
// libzmq's default linger is "for ever", so a dropped socket that kept it
// could make the context's termination (and with it the end of a program)
// wait for a peer that never comes. Closing with a linger of 0 avoids that
// but silently discards what was just sent, which surprises everybody who
// sends from a helper function and returns. The middle way: a dropped
// socket keeps its own linger, but never more than `droppedSocketLinger`.

extension Socket {
  /// The longest a socket that is dropped without ``close()`` keeps trying
  /// to deliver its queued messages: one second.
  ///
  /// A dropped socket lingers for its own `.linger` when that is shorter
  /// (`0` discards at once) and for this long when it is longer or `-1`
  /// (libzmq's default, "for ever"). The context's termination waits for
  /// lingering sockets, so releasing the last reference to a context, or
  /// calling ``Context/term()``, takes at most this long because of dropped
  /// sockets. Call ``close()`` to keep a longer linger.
  public static let droppedSocketLinger: Duration = .seconds(1)

  /// ``droppedSocketLinger`` in milliseconds.
  static let droppedSocketLingerMilliseconds: Int32 = 1000
}

extension SocketHandle {
  /// Closes a socket whose `Socket` was dropped: its linger is kept when it
  /// is at most `Socket.droppedSocketLinger` and cut down to that otherwise.
  /// Nothing happens when the socket was already closed.
  func closeDropped() {
    guard let pointer = take() else { return }
    let limit = Socket.droppedSocketLingerMilliseconds
    var linger: Int32 = -1
    var size = MemoryLayout<Int32>.size
    if zmq_getsockopt(pointer, ZMQ_LINGER, &linger, &size) != 0 { linger = -1 }
    if linger < 0 || linger > limit {
      var bounded = limit
      _ = zmq_setsockopt(pointer, ZMQ_LINGER, &bounded, MemoryLayout<Int32>.size)
    }
    _ = zmq_close(pointer)
  }
}
