internal import CZeroMQ

// The poller on libzmq's stable `zmq_poll`: `items` holds one
// `zmq_pollitem_t` per member (a socket pointer, or a descriptor with a null
// socket), kept between calls and in step with `members`.

extension Poller {
  /// Runs `zmq_poll` over the items and returns how many are ready. A
  /// signal does not cut the wait short: the call is resumed with the time
  /// that is left.
  func pollItems(timeout: Int) throws(ZMQError) -> Int {
    let deadline = timeout > 0 ? ContinuousClock.now + .milliseconds(timeout) : nil
    var remaining = timeout
    while true {
      let result = items.withUnsafeMutableBufferPointer { items in
        zmq_poll(items.baseAddress, Int32(items.count), remaining)
      }
      if result >= 0 { return Int(result) }
      let error = ZMQError.current
      guard error == .eintr else { throw error }
      if let deadline { remaining = Int((deadline - .now).clampedMilliseconds) }
    }
  }
}
