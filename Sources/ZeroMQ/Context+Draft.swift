internal import CZeroMQ

extension Context {
  /// Sets a context option whose value is a string or bytes
  /// (`zmq_ctx_set_ext`), such as `ZMQ.THREAD_NAME_PREFIX`.
  ///
  /// - Throws: ``ZMQError/enotsup`` when the binding's `zmq.h` has no
  ///   `zmq_ctx_set_ext` (see `ZMQ.Available.contextExtendedOptions`),
  ///   ``ZMQError/einval`` for an option libzmq does not take this way,
  ///   ``ZMQError/eterm`` once the context is shut down.
  public func setExtended(_ option: Int32, _ value: String) throws {
    var bytes = Array(value.utf8)
    let count = bytes.count
    try withActive { (raw) throws(ZMQError) in
      _ = try CallFunnel.check(try CShim.zmq_ctx_set_ext(raw, option, &bytes, count))
    }
  }

  /// Reads a context option whose value is a string (`zmq_ctx_get_ext`).
  ///
  /// - Throws: as ``setExtended(_:_:)``.
  public func getExtended(_ option: Int32) throws -> String {
    try withActive { (raw) throws(ZMQError) -> String in
      var buffer = [UInt8](repeating: 0, count: 256)
      var size = buffer.count
      _ = try CallFunnel.check(try CShim.zmq_ctx_get_ext(raw, option, &buffer, &size))
      let bytes = buffer.prefix(min(size, buffer.count))
      return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }
  }

  /// Creates a socket of one of the thread-safe types (`zmq_socket`): a
  /// ``ThreadSafeSocket``, which the compiler lets you share between tasks
  /// and threads. Only a binding generated in draft mode has such types
  /// (``ThreadSafeSocketType/allCases`` lists them).
  ///
  /// - Throws: ``ZMQError/eterm`` once the context is shut down,
  ///   ``ZMQError/einval`` when the linked libzmq lacks the type.
  public func threadSafeSocket(_ type: ThreadSafeSocketType) throws -> ThreadSafeSocket {
    let pointer = try withActive { (raw) throws(ZMQError) -> UnsafeMutableRawPointer in
      guard let pointer = zmq_socket(raw, type.rawValue) else { throw ZMQError.current }
      return pointer
    }
    return ThreadSafeSocket(pointer: pointer, context: self, type: type)
  }
}
