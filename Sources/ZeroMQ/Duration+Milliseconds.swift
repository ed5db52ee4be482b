/// Conversions between `Duration` and the whole milliseconds libzmq's
/// timeouts take.
extension Duration {
  /// The duration in whole milliseconds for a libzmq timeout, rounded up so
  /// that a positive duration shorter than a millisecond never becomes `0`
  /// (which libzmq reads as "do not wait").
  ///
  /// Throws ``ZMQError/einval`` for a negative duration or one longer than
  /// `Int32.max` milliseconds (about 24.8 days).
  func zmqMilliseconds() throws(ZMQError) -> Int32 {
    let (seconds, attoseconds) = components
    guard seconds >= 0, attoseconds >= 0 else { throw .einval }
    let attosecondsPerMillisecond: Int64 = 1_000_000_000_000_000
    var milliseconds = attoseconds / attosecondsPerMillisecond
    if attoseconds % attosecondsPerMillisecond != 0 { milliseconds += 1 }
    let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1000)
    guard !overflow else { throw .einval }
    let (total, overflow2) = scaled.addingReportingOverflow(milliseconds)
    guard !overflow2, total <= Int64(Int32.max) else { throw .einval }
    return Int32(total)
  }

  /// A timeout for libzmq: `nil` (wait without limit) becomes `-1`.
  static func zmqMilliseconds(_ timeout: Duration?) throws(ZMQError) -> Int32 {
    guard let timeout else { return -1 }
    return try timeout.zmqMilliseconds()
  }
}
