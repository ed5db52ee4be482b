internal import CZeroMQ

/// The one place where the runtime turns libzmq's C-style results into Swift
/// errors. Every `zmq_*` call that can fail goes through one of these helpers:
///
/// - `check` reads `zmq_errno()` immediately after a `-1` and throws it as a
///   `ZMQError` (nothing else runs in between that could clobber `errno`);
/// - `blocking` does the same and restarts the call when a signal
///   interrupted it (`EINTR`);
/// - `nonBlocking` additionally maps `EAGAIN` to `nil` when the caller asked
///   for `.dontWait`, so "would block" is a value, not an error.
///
/// The helpers use typed throws so the hot paths never box an error.
enum CallFunnel {
  /// Returns `result` when it is not `-1`; otherwise throws the error libzmq
  /// just reported on this thread.
  @inline(__always)
  @discardableResult
  static func check(_ result: Int32) throws(ZMQError) -> Int32 {
    if result == -1 { throw ZMQError.current }
    return result
  }

  /// Runs a call that may block, restarting it while it fails with `EINTR`,
  /// and throws any other failure.
  @inline(__always)
  @discardableResult
  static func blocking(_ call: () -> Int32) throws(ZMQError) -> Int32 {
    while true {
      let result = call()
      if result != -1 { return result }
      let error = ZMQError.current
      if error != .eintr { throw error }
    }
  }

  /// Runs a send or receive call: `EINTR` is retried, `EAGAIN` becomes `nil`
  /// when `dontWait` is set (the operation would have blocked), and any other
  /// failure — including `EAGAIN` from an expired `ZMQ_RCVTIMEO` or
  /// `ZMQ_SNDTIMEO` in blocking mode — is thrown.
  @inline(__always)
  static func nonBlocking(dontWait: Bool, _ call: () -> Int32) throws(ZMQError) -> Int32? {
    while true {
      let result = call()
      if result != -1 { return result }
      let error = ZMQError.current
      if error == .eintr { continue }
      if dontWait && error == .eagain { return nil }
      throw error
    }
  }
}
