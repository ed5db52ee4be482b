import Foundation
import Testing
@testable import ZeroMQ

@Suite("ZMQError patterns") struct ErrorPatternTests {
  @Test func catchEagainByName() throws {
    let ctx = try Context()
    let socket = try makeSocket(ctx, .pull, timeout: 10)
    try socket.bind(uniqueInproc())
    var caught = false
    do {
      _ = try socket.recvString()
    } catch ZMQError.eagain {
      caught = true
    }
    #expect(caught)
  }

  @Test func catchEtermByName() throws {
    let ctx = try Context()
    let socket = try makeSocket(ctx, .pull)
    try ctx.shutdown()
    var caught = "nothing"
    do {
      _ = try socket.recvString()
    } catch ZMQError.eagain {
      caught = "eagain"
    } catch ZMQError.eterm {
      caught = "eterm"
    }
    #expect(caught == "eterm")
    try socket.close()
    try ctx.term()
  }

  @Test func otherErrorsAndOtherCodesDoNotMatch() {
    struct Unrelated: Error {}
    #expect(!(ZMQError.eagain ~= Unrelated()))
    #expect(!(ZMQError.eagain ~= ZMQError.eterm))
    #expect(ZMQError.eagain ~= ZMQError(code: ZMQError.eagain.code))
    let error: any Error = ZMQError.efsm
    switch error {
    case ZMQError.eagain: Issue.record("matched the wrong code")
    case ZMQError.efsm: break
    default: Issue.record("did not match")
    }
  }

  @Test func typedThrowsAndPlainValuesStillMatch() {
    func fail() throws(ZMQError) { throw .eagain }
    var caught = ""
    do {
      try fail()
    } catch ZMQError.eterm {
      caught = "eterm"
    } catch ZMQError.eagain {
      caught = "eagain"
    } catch {
      caught = "other"
    }
    #expect(caught == "eagain")
    let value = ZMQError.eterm
    switch value {
    case .eagain: Issue.record("matched the wrong code")
    case .eterm: break
    default: Issue.record("did not match")
    }
  }
}
