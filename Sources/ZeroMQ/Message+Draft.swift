internal import CZeroMQ

// Per-message routing ids (CLIENT/SERVER, PEER) and groups (RADIO/DISH):
// libzmq's draft API. Each call goes through the availability shim, so in a
// binding generated without `--draft` it throws ``ZMQError/enotsup`` with
// ``ZMQError/unavailable`` naming the C function, and never reaches libzmq.
extension Message {
  /// The routing id of the peer a SERVER or PEER socket received this
  /// message from (`zmq_msg_routing_id`); `0` when the message has none.
  /// Set it with ``setRoutingId(_:)`` before a SERVER or PEER socket sends
  /// the message, to say which peer gets it.
  public var routingId: UInt32 {
    get throws {
      try CShim.zmq_msg_routing_id(raw)
    }
  }

  /// Addresses the message to the peer with this routing id
  /// (`zmq_msg_set_routing_id`).
  ///
  /// - Throws: ``ZMQError/einval`` for `0`; ``ZMQError/enotsup`` when the
  ///   binding has no draft API (see `ZMQ.Available.messageRoutingId`).
  public func setRoutingId(_ routingId: UInt32) throws {
    try CallFunnel.check(try CShim.zmq_msg_set_routing_id(raw, routingId))
  }

  /// The group a RADIO socket published this message to, as a DISH received
  /// it (`zmq_msg_group`); `""` when it has none.
  public var group: String {
    get throws {
      guard let group = try CShim.zmq_msg_group(raw) else { return "" }
      return String(cString: group)
    }
  }

  /// Sets the group a RADIO socket publishes the message to
  /// (`zmq_msg_set_group`).
  ///
  /// - Throws: ``ZMQError/einval`` for a name longer than libzmq's limit
  ///   (255 bytes in 4.3) or one with a NUL; ``ZMQError/enotsup`` when the
  ///   binding has no draft API (see `ZMQ.Available.messageGroup`).
  public func setGroup(_ group: String) throws {
    if group.utf8.contains(0) { throw ZMQError.einval }
    try CallFunnel.check(try CShim.zmq_msg_set_group(raw, group))
  }
}

extension Socket {
  /// Joins a group: a DISH socket then receives what RADIO sockets publish
  /// to it (`zmq_join`).
  ///
  /// - Throws: ``ZMQError/enotsup`` for other socket types, or when the
  ///   binding has no draft API (see `ZMQ.Available.groups`);
  ///   ``ZMQError/einval`` for a name that is too long or already joined.
  public func join(_ group: String) throws {
    if group.utf8.contains(0) { throw ZMQError.einval }
    try CallFunnel.check(try CShim.zmq_join(try livePointer(), group))
  }

  /// Leaves a group joined with ``join(_:)`` (`zmq_leave`).
  ///
  /// - Throws: ``ZMQError/einval`` for a group not joined; otherwise as
  ///   ``join(_:)``.
  public func leave(_ group: String) throws {
    if group.utf8.contains(0) { throw ZMQError.einval }
    try CallFunnel.check(try CShim.zmq_leave(try livePointer(), group))
  }

  /// Connects a PEER socket and returns the routing id of the new peer, to
  /// address messages to it (`zmq_connect_peer`).
  ///
  /// - Throws: ``ZMQError/enotsup`` for other socket types, or when the
  ///   binding has no draft API (see `ZMQ.Available.connectPeer`); the
  ///   errors of ``connect(_:)``.
  public func connectPeer(_ endpoint: String) throws -> UInt32 {
    try checkEndpoint(endpoint)
    let id = try CShim.zmq_connect_peer(try livePointer(), endpoint)
    if id == 0 { throw ZMQError.current }
    return id
  }
}
