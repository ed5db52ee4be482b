import Testing
@testable import ZeroMQ

/// The typed keys spec/availability.yaml declares in every variant: real
/// where this binding's zmq.h has the option, placeholders refused with
/// ENOTSUP naming the macro where it does not.
@Suite("Header variants") struct HeaderVariantTests {
  /// Each listed key with its `ZMQ.Available` flag and its macro.
  static let keys: [(rawValue: Int32, available: Bool, macro: String)] = [
    (SocketOption<String, ReadWrite>.bindtodevice.rawValue, ZMQ.Available.bindtodevice, "ZMQ_BINDTODEVICE"),
    (ContextOption<Int32, ReadWrite>.blocky.rawValue, ZMQ.Available.blocky, "ZMQ_BLOCKY"),
    (SocketOption<Int32, ReadWrite>.heartbeatIvl.rawValue, ZMQ.Available.heartbeatIvl, "ZMQ_HEARTBEAT_IVL"),
    (SocketOption<Int32, ReadWrite>.heartbeatTimeout.rawValue, ZMQ.Available.heartbeatTimeout, "ZMQ_HEARTBEAT_TIMEOUT"),
    (ContextOption<Int32, ReadWrite>.maxMsgsz.rawValue, ZMQ.Available.maxMsgsz, "ZMQ_MAX_MSGSZ"),
    (ContextOption<Int32, ReadOnly>.msgTSize.rawValue, ZMQ.Available.msgTSize, "ZMQ_MSG_T_SIZE"),
    (SocketOption<Bool, ReadOnly>.threadSafe.rawValue, ZMQ.Available.threadSafe, "ZMQ_THREAD_SAFE"),
  ]

  @Test func aKeyIsAPlaceholderExactlyWhereTheHeaderLacksItsMacro() {
    for key in Self.keys {
      let placeholder = key.rawValue >= ZMQ.optionPlaceholderBase
      #expect(placeholder == !key.available, "\(key.macro)")
      #expect(ZMQ.Available.declared[key.macro] == key.available, "\(key.macro)")
      #expect(ZMQ.unavailableOptions[key.rawValue] == (placeholder ? key.macro : nil), "\(key.macro)")
    }
  }

  @Test func placeholderKeysThrowENOTSUPNamingTheMacro() throws {
    let ctx = try Context()
    defer { try? ctx.term() }
    let socket = try makeSocket(ctx, .pair)
    defer { try? socket.close() }
    for (number, macro) in ZMQ.unavailableOptions {
      for attempt in [
        { _ = try ctx.get(ContextOption<Int32, ReadOnly>(rawValue: number)) },
        { try ctx.set(ContextOption<Int32, ReadWrite>(rawValue: number), 1) },
        { _ = try socket.get(SocketOption<Int32, ReadOnly>(rawValue: number)) },
        { try socket.set(SocketOption<String, ReadWrite>(rawValue: number), "x") },
      ] {
        let error = #expect(throws: ZMQError.self) { try attempt() }
        #expect(error == .enotsup)
        #expect(error?.unavailable == macro)
        #expect(error?.description.hasPrefix("\(macro) is not available") == true)
      }
    }
    // A number that high which stands for nothing is refused as libzmq refuses unknown options.
    let unknown = ZMQ.optionPlaceholderBase + 0x0010_0000
    expectZMQError(.einval) { _ = try ctx.get(ContextOption<Int32, ReadOnly>(rawValue: unknown)) }
    expectZMQError(.einval) { _ = try socket.get(SocketOption<Int32, ReadOnly>(rawValue: unknown)) }
  }

  @Test func closedAndTerminatedComeFirst() throws {
    let ctx = try Context()
    let socket = try ctx.socket(.pair)
    try socket.close()
    let number = ZMQ.optionPlaceholderBase
    expectZMQError(.enotsock) { _ = try socket.get(SocketOption<Int32, ReadOnly>(rawValue: number)) }
    try ctx.term()
    expectZMQError(.eterm) { _ = try ctx.get(ContextOption<Int32, ReadOnly>(rawValue: number)) }
  }

  @Test(.requires("ZMQ_THREAD_SAFE")) func classicSocketsAreNotThreadSafe() throws {
    let ctx = try Context()
    defer { try? ctx.term() }
    let socket = try ctx.socket(.push)
    #expect(try socket.get(.threadSafe) == false)
    try socket.close()
  }
}
