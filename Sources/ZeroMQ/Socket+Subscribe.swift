#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

/// A call that only makes sense on some socket types was made on another,
/// for example ``Socket/subscribe(_:)-(String)`` on a PUSH socket. Nothing
/// was sent or changed.
public struct SocketTypeMismatchError: Error, Hashable, Sendable, CustomStringConvertible {
  /// The call that was made, e.g. `subscribe(_:)`.
  public let operation: String
  /// The type of the socket it was made on.
  public let socketType: SocketType
  /// The socket types the call works on.
  public let expected: [SocketType]

  /// Describes a call made on a socket of the wrong type.
  public init(operation: String, socketType: SocketType, expected: [SocketType]) {
    self.operation = operation
    self.socketType = socketType
    self.expected = expected
  }

  /// For example `subscribe(_:) needs a SUB or XSUB socket, not a PUSH socket`.
  public var description: String {
    let expected = expected.map { $0.description.uppercased() }.joined(separator: " or ")
    return "\(operation) needs a \(expected) socket, not a \(socketType.description.uppercased()) socket"
  }
}

// Subscriptions. A SUB socket takes them as the ZMQ_SUBSCRIBE and
// ZMQ_UNSUBSCRIBE options; an XSUB socket sends them upstream as messages
// whose first byte is 1 (subscribe) or 0 (unsubscribe), followed by the
// topic. These calls do whichever the socket needs.

extension Socket {
  private func changeSubscription(_ subscribe: Bool, _ topic: UnsafeRawBufferPointer, operation: String) throws {
    _ = try livePointer()
    switch type {
    case .sub:
      try setOption(subscribe ? ZMQ.SUBSCRIBE : ZMQ.UNSUBSCRIBE, topic)
    case .xsub:
      var message = [UInt8](repeating: subscribe ? 1 : 0, count: 1)
      message.append(contentsOf: topic)
      try send(message)
    default:
      throw SocketTypeMismatchError(operation: operation, socketType: type, expected: [.sub, .xsub])
    }
  }

  /// Subscribes to messages that start with `topic` (UTF-8, no NUL); the
  /// empty topic, the default, subscribes to everything.
  ///
  /// On a SUB socket this sets `ZMQ_SUBSCRIBE`; on an XSUB socket it sends
  /// the subscription message upstream. A SUB socket receives nothing until
  /// it has subscribed.
  ///
  /// - Throws: ``SocketTypeMismatchError`` on other socket types, and the
  ///   errors of setting an option or sending.
  public func subscribe(_ topic: String = "") throws {
    var topic = topic
    try topic.withUTF8 { try changeSubscription(true, UnsafeRawBufferPointer($0), operation: "subscribe(_:)") }
  }

  /// Subscribes to messages that start with the bytes of `topic`.
  public func subscribe(_ topic: [UInt8]) throws {
    try topic.withUnsafeBytes { try changeSubscription(true, $0, operation: "subscribe(_:)") }
  }

  /// Subscribes to messages that start with the bytes of `topic`.
  public func subscribe(_ topic: Data) throws {
    try topic.withUnsafeBytes { try changeSubscription(true, $0, operation: "subscribe(_:)") }
  }

  /// Removes one subscription to `topic` made by ``subscribe(_:)-(String)``
  /// (subscriptions are counted: subscribing twice needs two
  /// unsubscribes). Unsubscribing from a topic that was never subscribed to
  /// does nothing.
  ///
  /// - Throws: ``SocketTypeMismatchError`` on socket types other than SUB
  ///   and XSUB, and the errors of setting an option or sending.
  public func unsubscribe(_ topic: String = "") throws {
    var topic = topic
    try topic.withUTF8 { try changeSubscription(false, UnsafeRawBufferPointer($0), operation: "unsubscribe(_:)") }
  }

  /// Removes one subscription to the bytes of `topic`.
  public func unsubscribe(_ topic: [UInt8]) throws {
    try topic.withUnsafeBytes { try changeSubscription(false, $0, operation: "unsubscribe(_:)") }
  }

  /// Removes one subscription to the bytes of `topic`.
  public func unsubscribe(_ topic: Data) throws {
    try topic.withUnsafeBytes { try changeSubscription(false, $0, operation: "unsubscribe(_:)") }
  }
}
