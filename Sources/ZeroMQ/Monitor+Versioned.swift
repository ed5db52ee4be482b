import Synchronization
internal import CZeroMQ

/// One event of the version 2 monitor (``Socket/monitorVersioned(events:)``):
/// 64-bit event and values, and both endpoints of the connection.
public struct VersionedMonitorEvent: Sendable, Equatable, CustomStringConvertible {
  /// The event bits (`ZMQ_EVENT_*`; the version 2 events may use bits
  /// beyond ``MonitorEvents``' 32).
  public var event: UInt64
  /// The event's values (one for the version 1 events; several for
  /// `ZMQ_EVENT_PIPES_STATS`).
  public var values: [UInt64]
  /// The local endpoint of the connection or listener.
  public var localEndpoint: String
  /// The remote endpoint; empty when there is none (e.g. a listener).
  public var remoteEndpoint: String

  /// Frames that are not a version 2 monitor event.
  public struct DecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The sizes of the frames received.
    public var frameSizes: [Int]
    public var description: String { "not a version 2 monitor event: frames of \(frameSizes) bytes" }
  }

  public init(event: UInt64, values: [UInt64], localEndpoint: String, remoteEndpoint: String) {
    self.event = event
    self.values = values
    self.localEndpoint = localEndpoint
    self.remoteEndpoint = remoteEndpoint
  }

  /// The event as a ``MonitorEvents`` value when it fits in 32 bits.
  public var monitorEvent: MonitorEvents? {
    event <= UInt64(UInt32.max) ? MonitorEvents(rawValue: Int32(bitPattern: UInt32(event))) : nil
  }

  public var description: String {
    let name =
      monitorEvent.flatMap { event in MonitorEvents.allNamed.first { $0.value == event }?.name }
      ?? "0x" + String(event, radix: 16)
    return "\(name) \(localEndpoint) -> \(remoteEndpoint) \(values)"
  }

  /// Decodes the frames of one version 2 event: the event (8 bytes), the
  /// number of values (8 bytes), that many values (8 bytes each), the local
  /// and the remote endpoint. `nil` when the frames do not have that shape.
  public static func decode(_ frames: [[UInt8]]) -> VersionedMonitorEvent? {
    func integer(_ frame: [UInt8]) -> UInt64? {
      guard frame.count == 8 else { return nil }
      return frame.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    }
    guard frames.count >= 4, let event = integer(frames[0]), let count = integer(frames[1]),
      count <= UInt64(frames.count - 4), frames.count == 4 + Int(count)
    else { return nil }
    var values: [UInt64] = []
    for index in 0..<Int(count) {
      guard let value = integer(frames[2 + index]) else { return nil }
      values.append(value)
    }
    return VersionedMonitorEvent(
      event: event, values: values,
      localEndpoint: String(decoding: frames[2 + Int(count)], as: UTF8.self),
      remoteEndpoint: String(decoding: frames[3 + Int(count)], as: UTF8.self))
  }
}

extension Socket {
  private static let versionedMonitorCounter = Atomic<UInt64>(0)

  /// Starts the version 2 monitor of this socket
  /// (`zmq_socket_monitor_versioned`): events and values of 64 bits, and
  /// the local and remote endpoint of each event. Returns the PAIR socket
  /// the events arrive on; read them with
  /// ``recvVersionedMonitorEvent(flags:)``. Stop it with ``stopMonitor()``.
  ///
  /// - Parameter events: the event bits; all version 1 events by default.
  /// - Throws: ``ZMQError/enotsup`` when the binding has no draft API (see
  ///   `ZMQ.Available.versionedMonitor`), ``ZMQError/einval`` for event
  ///   bits libzmq does not know, ``ZMQError/enotsock`` after `close()`.
  public func monitorVersioned(events: UInt64 = UInt64(UInt32(bitPattern: MonitorEvents.all.rawValue))) throws
    -> sending Socket
  {
    let pointer = try livePointer()
    let number = Self.versionedMonitorCounter.add(1, ordering: .relaxed).newValue
    let endpoint = "inproc://swift-zeromq.monitor-v2.\(number)"
    try CallFunnel.check(try CShim.zmq_socket_monitor_versioned(pointer, endpoint, events, 2, ZMQ_PAIR))
    let pair = try context.socket(.pair)
    do {
      try pair.set(.linger, 0)
      try pair.connect(endpoint)
    } catch {
      _ = zmq_socket_monitor(pointer, nil, 0)
      pair.handle.close(linger: 0)
      context.unregister(pair.handle)
      throw error
    }
    return pair
  }

  /// Receives one version 2 monitor event on a socket returned by
  /// ``monitorVersioned(events:)``.
  ///
  /// - Returns: the event, or `nil` when `.dontWait` was given and none
  ///   was waiting.
  /// - Throws: ``VersionedMonitorEvent/DecodingError`` for frames that are not a
  ///   version 2 event; the errors of ``recvMultipart(flags:)``.
  public func recvVersionedMonitorEvent(flags: RecvFlags = []) throws -> VersionedMonitorEvent? {
    guard let frames = try recvMultipart(flags: flags) else { return nil }
    guard let event = VersionedMonitorEvent.decode(frames) else {
      throw VersionedMonitorEvent.DecodingError(frameSizes: frames.map(\.count))
    }
    return event
  }
}
