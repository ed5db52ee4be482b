/// Conversions between `Duration` and the whole milliseconds that libzmq's
/// and poll(2)'s time-outs take. Both round up, so a positive duration
/// shorter than a millisecond never becomes `0` ("do not wait").
extension Duration {
  /// For time left before a deadline: clamped to `0...Int32.max`.
  var clampedMilliseconds: Int32 {
    guard self > .zero else { return 0 }
    let (seconds, attoseconds) = components
    guard seconds < Int64(Int32.max) / 1000 else { return .max }
    return Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
  }

  /// For a time-out the user gave: ``ZMQError/einval`` for a negative
  /// duration or one longer than `Int32.max` milliseconds (about 24.8 days).
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

  /// A time-out the user gave, where `nil` (no limit) becomes `-1`.
  static func zmqMilliseconds(_ timeout: Duration?) throws(ZMQError) -> Int32 {
    guard let timeout else { return -1 }
    return try timeout.zmqMilliseconds()
  }
}
