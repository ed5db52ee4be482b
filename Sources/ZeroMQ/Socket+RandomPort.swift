/// Why ``Socket/bindToRandomPort(_:in:maxTries:)`` found no port.
public enum RandomPortError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The address is not of the form `tcp://host` (no port, no `*`).
  case invalidAddress(String)
  /// The port range is empty or reaches outside `1...65535`, or `maxTries`
  /// is less than one.
  case invalidRange(ClosedRange<Int>, maxTries: Int)
  /// Every port tried was taken.
  case noFreePort(address: String, range: ClosedRange<Int>, tries: Int)

  /// Says what was wrong.
  public var description: String {
    switch self {
    case .invalidAddress(let address):
      "bindToRandomPort needs an address of the form tcp://host without a port, not \"\(address)\""
    case .invalidRange(let range, let maxTries):
      "bindToRandomPort needs ports within 1...65535 and at least one try, not \(range) with \(maxTries) tries"
    case .noFreePort(let address, let range, let tries):
      "no free port for \(address) in \(range) after \(tries) tries"
    }
  }
}

extension Socket {
  /// Binds to a port picked at random from `range` on the TCP address
  /// `address` and returns the port (pyzmq's `bind_to_random_port`).
  ///
  /// ```swift
  /// let port = try socket.bindToRandomPort("tcp://127.0.0.1", in: 49152...65535)
  /// ```
  ///
  /// Ports that are taken are skipped; up to `maxTries` different ports
  /// are tried. To let the operating system choose any free port instead,
  /// bind to `tcp://host:*` and read `.lastEndpoint`.
  ///
  /// - Parameters:
  ///   - address: `tcp://` and a host (`127.0.0.1`, `*`, `[::1]`, an
  ///     interface name), without a port.
  ///   - range: the ports to choose from; the dynamic range 49152...65535
  ///     unless given.
  ///   - maxTries: how many ports to try at most (at most the size of the
  ///     range are tried).
  /// - Returns: the port the socket is now bound to.
  /// - Throws: ``RandomPortError`` for a malformed address or range and
  ///   when every port tried was taken; any other error of ``bind(_:)``
  ///   (for example ``ZMQError/enodev`` for an unknown interface) at once.
  @discardableResult
  public func bindToRandomPort(_ address: String, in range: ClosedRange<Int> = 49152...65535, maxTries: Int = 100)
    throws
    -> Int
  {
    _ = try livePointer()
    guard address.hasPrefix("tcp://") else { throw RandomPortError.invalidAddress(address) }
    let host = address.dropFirst("tcp://".count)
    // A bracketed IPv6 address ends at its bracket; any other host has no
    // colon. Either way, no port may follow.
    let hasNoPort = host.hasPrefix("[") ? host.hasSuffix("]") : !host.contains(":")
    guard !host.isEmpty, hasNoPort, !host.utf8.contains(0) else { throw RandomPortError.invalidAddress(address) }
    guard range.lowerBound >= 1, range.upperBound <= 65535, maxTries >= 1 else {
      throw RandomPortError.invalidRange(range, maxTries: maxTries)
    }
    var untried = Array(range)
    let tries = min(maxTries, untried.count)
    var generator = SystemRandomNumberGenerator()
    for attempt in 0..<tries {
      // A partial Fisher–Yates shuffle: each try takes a port not tried yet.
      let pick = Int.random(in: attempt..<untried.count, using: &generator)
      untried.swapAt(attempt, pick)
      let port = untried[attempt]
      do {
        try bind("\(address):\(port)")
        return port
      } catch ZMQError.eaddrinuse {
        continue
      } catch ZMQError.eacces {
        continue  // a port the process may not use (below 1024, or reserved)
      }
    }
    throw RandomPortError.noFreePort(address: address, range: range, tries: tries)
  }
}
