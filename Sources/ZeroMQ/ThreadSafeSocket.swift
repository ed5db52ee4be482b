internal import CZeroMQ
import Synchronization

/// A socket of a thread-safe type (SERVER, CLIENT, RADIO, DISH, SCATTER,
/// GATHER, PEER, CHANNEL), created by ``Context/threadSafeSocket(_:)``.
///
/// libzmq lets several threads send and receive on these sockets at once,
/// so unlike ``Socket`` this type is `Sendable`: hand it to tasks and
/// threads freely. The thread-safe types send and receive single-part
/// messages only, addressed by routing id or group rather than by frames.
///
/// Lifetime: ``close()`` stops every later call (they throw
/// ``ZMQError/enotsock``); libzmq's socket itself is closed when the last
/// reference goes away, never while another thread is inside a call on it.
/// Its context stays alive until then.
public final class ThreadSafeSocket: Sendable {
  /// The libzmq socket, as an integer so it can be shared.
  let bits: UInt
  private let closed = Atomic<Bool>(false)

  /// The context this socket belongs to; the socket keeps it alive.
  public let context: Context

  /// The type the socket was created with.
  public let type: ThreadSafeSocketType

  init(pointer: UnsafeMutableRawPointer, context: Context, type: ThreadSafeSocketType) {
    bits = UInt(bitPattern: pointer)
    self.context = context
    self.type = type
  }

  deinit {
    let pointer = UnsafeMutableRawPointer(bitPattern: bits)!
    var linger: Int32 = 0
    _ = zmq_setsockopt(pointer, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
    _ = zmq_close(pointer)
  }

  /// Whether ``close()`` was called.
  public var isClosed: Bool { closed.load(ordering: .acquiring) }

  /// Stops the socket: every later call throws ``ZMQError/enotsock``.
  /// Calling it again does nothing.
  public func close() {
    closed.store(true, ordering: .releasing)
  }

  @inline(__always)
  private func live() throws(ZMQError) -> UnsafeMutableRawPointer {
    if closed.load(ordering: .acquiring) { throw .enotsock }
    if context.isShutDown { throw .eterm }
    return UnsafeMutableRawPointer(bitPattern: bits)!
  }

  private static func checkEndpoint(_ endpoint: String) throws(ZMQError) {
    if endpoint.utf8.contains(0) { throw .einval }
  }

  /// Accepts connections on `endpoint` (`zmq_bind`).
  public func bind(_ endpoint: String) throws {
    try Self.checkEndpoint(endpoint)
    try CallFunnel.check(zmq_bind(try live(), endpoint))
  }

  /// Connects to `endpoint` (`zmq_connect`).
  public func connect(_ endpoint: String) throws {
    try Self.checkEndpoint(endpoint)
    try CallFunnel.check(zmq_connect(try live(), endpoint))
  }

  /// Stops accepting on `endpoint` (`zmq_unbind`).
  public func unbind(_ endpoint: String) throws {
    try Self.checkEndpoint(endpoint)
    try CallFunnel.check(zmq_unbind(try live(), endpoint))
  }

  /// Disconnects from `endpoint` (`zmq_disconnect`).
  public func disconnect(_ endpoint: String) throws {
    try Self.checkEndpoint(endpoint)
    try CallFunnel.check(zmq_disconnect(try live(), endpoint))
  }

  /// Connects a PEER socket and returns the new peer's routing id
  /// (`zmq_connect_peer`).
  public func connectPeer(_ endpoint: String) throws -> UInt32 {
    try Self.checkEndpoint(endpoint)
    let id = try CShim.zmq_connect_peer(try live(), endpoint)
    if id == 0 { throw ZMQError.current }
    return id
  }

  /// Joins a group (DISH; `zmq_join`).
  public func join(_ group: String) throws {
    if group.utf8.contains(0) { throw ZMQError.einval }
    try CallFunnel.check(try CShim.zmq_join(try live(), group))
  }

  /// Leaves a group (DISH; `zmq_leave`).
  public func leave(_ group: String) throws {
    if group.utf8.contains(0) { throw ZMQError.einval }
    try CallFunnel.check(try CShim.zmq_leave(try live(), group))
  }

  /// Sets an integer option (`zmq_setsockopt`), e.g. `.rcvtimeo`, `.linger`.
  public func set<Access: WritableOptionAccess>(_ option: SocketOption<Int32, Access>, _ value: Int32) throws {
    var value = value
    if option.rawValue >= ZMQ.optionPlaceholderBase { throw ZMQError.placeholderOption(option.rawValue) }
    try CallFunnel.check(zmq_setsockopt(try live(), option.rawValue, &value, MemoryLayout<Int32>.size))
  }

  /// Reads an integer option (`zmq_getsockopt`).
  public func get<Access: ReadableOptionAccess>(_ option: SocketOption<Int32, Access>) throws -> Int32 {
    var value: Int32 = 0
    var size = MemoryLayout<Int32>.size
    if option.rawValue >= ZMQ.optionPlaceholderBase { throw ZMQError.placeholderOption(option.rawValue) }
    try CallFunnel.check(zmq_getsockopt(try live(), option.rawValue, &value, &size))
    return value
  }

  /// Reads a string option (`zmq_getsockopt`), e.g. `.lastEndpoint`.
  public func get<Access: ReadableOptionAccess>(_ option: SocketOption<String, Access>) throws -> String {
    var buffer = [CChar](repeating: 0, count: 1024)
    var size = buffer.count
    if option.rawValue >= ZMQ.optionPlaceholderBase { throw ZMQError.placeholderOption(option.rawValue) }
    try CallFunnel.check(zmq_getsockopt(try live(), option.rawValue, &buffer, &size))
    return String(decoding: buffer.prefix(size).prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  /// Sends one message (`zmq_msg_send`).
  ///
  /// - Parameters:
  ///   - bytes: the message.
  ///   - routingId: the peer to send to, for SERVER and PEER sockets (the
  ///     ``ThreadSafeMessage/routingId`` of a message it received).
  ///   - group: the group to publish to, for RADIO sockets.
  ///   - flags: `.dontWait` to return `nil` instead of waiting.
  /// - Returns: the bytes sent, `nil` when `.dontWait` would block.
  @discardableResult
  public func send(_ bytes: [UInt8], routingId: UInt32? = nil, group: String? = nil, flags: SendFlags = []) throws
    -> Int?
  {
    let pointer = try live()
    let message = try Message(bytes)
    if let routingId { try message.setRoutingId(routingId) }
    if let group { try message.setGroup(group) }
    let sent = try CallFunnel.nonBlocking(dontWait: flags.contains(.dontWait)) {
      zmq_msg_send(message.raw, pointer, flags.rawValue)
    }
    return sent == nil ? nil : bytes.count
  }

  /// Sends a string as UTF-8, as the bytes overload does.
  @discardableResult
  public func send(_ string: String, routingId: UInt32? = nil, group: String? = nil, flags: SendFlags = []) throws
    -> Int?
  {
    try send(Array(string.utf8), routingId: routingId, group: group, flags: flags)
  }

  /// Receives one message with its routing id and group (`zmq_msg_recv`).
  ///
  /// - Returns: the message, or `nil` when `.dontWait` was given and
  ///   nothing was waiting.
  public func recv(flags: RecvFlags = []) throws -> ThreadSafeMessage? {
    let pointer = try live()
    let message = Message()
    let received = try CallFunnel.nonBlocking(dontWait: flags.contains(.dontWait)) {
      zmq_msg_recv(message.raw, pointer, flags.rawValue)
    }
    guard received != nil else { return nil }
    let routingId = try message.routingId
    let group = try message.group
    return ThreadSafeMessage(
      bytes: message.withUnsafeBytes { Array($0) }, routingId: routingId == 0 ? nil : routingId,
      group: group.isEmpty ? nil : group)
  }
}

/// A message received by a ``ThreadSafeSocket``, with where it came from.
public struct ThreadSafeMessage: Sendable, Equatable {
  /// The message's bytes.
  public var bytes: [UInt8]
  /// The sending peer's routing id (SERVER, PEER); `nil` for other types.
  public var routingId: UInt32?
  /// The group it was published to (DISH); `nil` for other types.
  public var group: String?

  public init(bytes: [UInt8], routingId: UInt32? = nil, group: String? = nil) {
    self.bytes = bytes
    self.routingId = routingId
    self.group = group
  }

  /// The bytes as UTF-8 (invalid sequences become U+FFFD).
  public var string: String { String(decoding: bytes, as: UTF8.self) }
}
