internal import CZeroMQ

// The poller on libzmq's stable `zmq_poll`: `items` holds one
// `zmq_pollitem_t` per member (a socket pointer, or a descriptor with a null
// socket), kept between calls and in step with `members`.

extension Poller {
  /// Runs `zmq_poll` over the items and returns how many are ready.
  func pollItems(timeout: Int) throws(ZMQError) -> Int {
    try resumingAfterSignals(timeout: timeout) { (remaining) throws(ZMQError) -> Int32 in
      items.withUnsafeMutableBufferPointer { items in
        zmq_poll(items.baseAddress, Int32(items.count), remaining)
      }
    }
  }

  /// Runs `wait` (a poll call taking milliseconds, answering a count or
  /// `-1` with errno set) until it is not cut short by a signal: after
  /// `EINTR` it is called again with the time that is left of `timeout`.
  /// Both backends wait through this.
  func resumingAfterSignals(timeout: Int, _ wait: (Int) throws(ZMQError) -> Int32) throws(ZMQError) -> Int {
    let deadline = timeout > 0 ? ContinuousClock.now + .milliseconds(timeout) : nil
    var remaining = timeout
    while true {
      let result = try wait(remaining)
      if result >= 0 { return Int(result) }
      let error = ZMQError.current
      guard error == .eintr else { throw error }
      if let deadline { remaining = Int((deadline - .now).clampedMilliseconds) }
    }
  }
}
