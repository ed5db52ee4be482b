extension Duration {
  /// The duration in whole milliseconds for a libzmq or poll(2) time-out,
  /// rounded up (so a wait never ends before its deadline) and clamped to
  /// `0...Int32.max`.
  var zmqMilliseconds: Int32 {
    guard self > .zero else { return 0 }
    let (seconds, attoseconds) = components
    guard seconds < Int64(Int32.max) / 1000 else { return .max }
    return Int32(clamping: seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
  }
}
