import Foundation
import Synchronization
import Testing
@testable import ZeroMQ

// The misuse and bad-input matrix.
//
// Every public entry point is tried under every condition that applies to
// it:
//
//   closed     — the socket was closed with `close()`;
//   shutDown   — the socket's context was shut down (`Context.shutdown()`);
//   terminated — the context was terminated (`destroy(linger: 0)`, which
//                closes its sockets first, as `term()` would wait for);
//   terminating — another thread is blocked in `term()` because the
//                socket is still open (libzmq's state between shutdown
//                and termination);
//   wrongType  — the call does not fit the socket's type or pattern state
//                (recv on PUSH, send on PULL/SUB, REQ sending twice, …);
//   badInput   — a malformed, empty, oversize or out-of-range argument.
//
// Each row of the table is one cell: a call, a condition and the outcome
// the library promises — a specific `ZMQError`, one of the library's typed
// errors (compared by value), or a normal return that the row checks itself
// (for documented no-ops). Nothing may crash or hang: every socket of the
// fixture has short send/receive timeouts, inproc names are unique per cell
// and TCP binds use port `*`. The library has no preconditions on misuse
// paths (its only preconditions guard the async helper's pipe and thread
// creation, which are resource failures, not misuse), so there are no
// precondition cells.
//
// Calls that take the same three lifecycle conditions are written as one
// `lifecycle` row with the expected error of each condition spelled out;
// it expands to three cells.

// MARK: - The table's vocabulary

/// The condition a cell puts its call in.
enum MisuseCondition: String, Sendable, CaseIterable, CustomStringConvertible {
  case closed, shutDown, terminated, terminating, wrongType, badInput
  var description: String { rawValue }
}

/// What a cell expects.
enum MisuseOutcome: Sendable, CustomStringConvertible {
  /// The call throws this `ZMQError`.
  case zmq(ZMQError)
  /// The call throws this typed library error (compared with `==`).
  case typed(any Error & Hashable & Sendable)
  /// The call returns normally; the row's body checks what it returned.
  case returns(String)

  var kind: String {
    switch self {
    case .zmq: "ZMQError"
    case .typed: "typed error"
    case .returns: "normal return (no-op or checked value)"
    }
  }

  var description: String {
    switch self {
    case .zmq(let error): "throws \(error.name ?? "\(error.code)")"
    case .typed(let error): "throws \(type(of: error)).\(error)"
    case .returns(let what): "returns (\(what))"
    }
  }
}

/// One cell of the matrix.
struct MisuseCell: Sendable, CustomTestStringConvertible {
  let call: String
  let condition: MisuseCondition
  let detail: String
  /// The type of the fixture's socket; `nil` for calls that need none.
  let socketType: SocketType?
  let expected: MisuseOutcome
  let body: @Sendable (MisuseFixture) async throws -> Void

  var testDescription: String {
    "\(call) × \(condition)\(detail.isEmpty ? "" : " [\(detail)]") → \(expected)"
  }
}

/// The context and socket a cell runs against, already in the cell's
/// condition.
final class MisuseFixture {
  let ctx: Context
  private let _socket: Socket?
  let condition: MisuseCondition

  /// The socket under test.
  var socket: Socket { _socket! }

  /// The thread blocked in `term()` (condition `.terminating`).
  private var terminator: BackgroundThread?

  init(_ cell: MisuseCell) throws {
    let ctx = try Context()
    self.ctx = ctx
    condition = cell.condition
    _socket = try cell.socketType.map { try makeSocket(ctx, $0, timeout: 300) }
    switch cell.condition {
    case .closed: try _socket?.close()
    case .shutDown: try ctx.shutdown()
    case .terminated: try ctx.destroy(linger: 0)
    case .terminating:
      terminator = BackgroundThread { try ctx.term() }
      try waitUntilTerminating()
    case .wrongType, .badInput: break
    }
  }

  /// Waits until the context is terminating and, when there is a socket,
  /// until libzmq has told it so (a non-blocking receive processes the
  /// socket's pending commands and answers ETERM from then on), so that
  /// every cell sees the same state.
  private func waitUntilTerminating() throws {
    let deadline = ContinuousClock.now + .seconds(5)
    while ContinuousClock.now < deadline {
      do {
        if let socket = _socket {
          _ = try socket.recv(flags: .dontWait)
        } else {
          _ = try ctx.get(.ioThreads)
        }
      } catch let error as ZMQError where error == .eterm {
        return
      } catch {}
      Thread.sleep(forTimeInterval: 0.001)
    }
    throw MisuseSetupError.termDidNotStart
  }

  /// The other sockets a cell made, kept open until the cell ends (a
  /// dropped socket is closed at once, which would leave a REQ without its
  /// REP, and lingers, which would hold up the cell's `term()`).
  private var others: [Socket] = []

  /// Another socket of the fixture's context, with short timeouts, open
  /// until the cell ends.
  func make(_ type: SocketType) throws -> Socket {
    let socket = try makeSocket(ctx, type, timeout: 300)
    others.append(socket)
    return socket
  }

  /// A socket of type `type` connected to the socket under test, which
  /// binds a fresh inproc endpoint.
  func peer(_ type: SocketType) throws -> Socket {
    let endpoint = uniqueInproc("misuse")
    try socket.bind(endpoint)
    let peer = try make(type)
    try peer.connect(endpoint)
    return peer
  }

  /// Closes every socket of the context and terminates it. For
  /// `.terminating`, closes the sockets itself (what `term()` waits for)
  /// and requires the blocked `term()` to finish.
  func tearDown() throws {
    if let terminator {
      for socket in others + [_socket].compactMap({ $0 }) { try socket.close() }
      guard let outcome = terminator.wait(seconds: 5) else { throw MisuseSetupError.termStillBlocked }
      try outcome.get()
    }
    try ctx.destroy(linger: 0)
  }
}

/// The fixture could not put a cell in its condition, or not end it.
enum MisuseSetupError: Error {
  case termDidNotStart, termStillBlocked
}

/// Whether `thrown` is the typed error `expected`.
func isSameError<Expected: Error & Hashable>(_ thrown: any Error, _ expected: Expected) -> Bool {
  (thrown as? Expected) == expected
}

// MARK: - Row builders

typealias MisuseBody = @Sendable (MisuseFixture) async throws -> Void

/// One cell.
func row(
  _ call: String, _ condition: MisuseCondition, _ detail: String = "", on type: SocketType? = .pair,
  _ expected: MisuseOutcome, _ body: @escaping MisuseBody
) -> [MisuseCell] {
  [MisuseCell(call: call, condition: condition, detail: detail, socketType: type, expected: expected, body: body)]
}

/// Three cells: the call on a closed socket, on a socket of a shut-down
/// context and on a socket of a terminated context, each with its expected
/// outcome spelled out.
func lifecycle(
  _ call: String, on type: SocketType = .pair,
  closed: MisuseOutcome, shutDown: MisuseOutcome, terminated: MisuseOutcome, _ body: @escaping MisuseBody
) -> [MisuseCell] {
  row(call, .closed, on: type, closed, body) + row(call, .shutDown, on: type, shutDown, body)
    + row(call, .terminated, on: type, terminated, body)
}

/// The usual answer of a socket call: ENOTSOCK once closed (also by the
/// context's termination), ETERM once the context is shut down.
func socketCall(_ call: String, on type: SocketType = .pair, _ body: @escaping MisuseBody) -> [MisuseCell] {
  lifecycle(call, on: type, closed: .zmq(.enotsock), shutDown: .zmq(.eterm), terminated: .zmq(.enotsock), body)
}

/// Whether asking malloc for an impossible size fails the allocation, as
/// libc does, rather than aborting the process, as the sanitizers'
/// allocators do unless `allocator_may_return_null=1` (which
/// `make sanitize` sets).
let impossibleAllocationsFail: Bool = {
  guard runningUnderSanitizer else { return true }
  let environment = ProcessInfo.processInfo.environment
  return ["ASAN_OPTIONS", "TSAN_OPTIONS"].contains { environment[$0]?.contains("allocator_may_return_null=1") == true }
}()

/// Runs `body` when an impossible allocation fails cleanly; otherwise
/// (under a sanitizer without `allocator_may_return_null=1`) says so and
/// throws what libzmq would have thrown, since running `body` would abort
/// the whole test process.
func ifImpossibleAllocationsFail(_ body: () throws -> Void) throws {
  guard impossibleAllocationsFail else {
    print("misuse matrix: ENOMEM cell not run (sanitizer without allocator_may_return_null=1)")
    throw ZMQError.enomem
  }
  try body()
}

/// A string of `count` copies of `character`.
func long(_ count: Int, _ character: Character = "a") -> String { String(repeating: character, count: count) }

/// 40 Z85 characters that decode to no valid key (`~` is not Z85).
let badZ85Key = long(39, "0") + "~"

// MARK: - The table

enum MisuseMatrix {
  static let cells: [MisuseCell] =
    contextCells + terminatingCells + endpointCells + sendCells + receiveCells + messageCells + optionCells
    + monitorCells
    + closeCells + asyncCells + pollerCells + proxyCells + authenticatorCells + keyCells + libraryCells

  // MARK: Context

  static let contextCells: [MisuseCell] = [
    row("Context.socket", .shutDown, on: nil, .zmq(.eterm)) { _ = try $0.ctx.socket(.pair) },
    row("Context.socket", .terminated, on: nil, .zmq(.eterm)) { _ = try $0.ctx.socket(.pair) },
    row("Context.socket", .badInput, "unknown type 99", on: nil, .zmq(.einval)) {
      _ = try $0.ctx.socket(SocketType(rawValue: 99))
    },
    row("Context.socket", .badInput, "negative type", on: nil, .zmq(.einval)) {
      _ = try $0.ctx.socket(SocketType(rawValue: -1))
    },
    row("Context.socket", .badInput, "beyond maxSockets = 1", on: nil, .zmq(.emfile)) {
      try $0.ctx.set(.maxSockets, 1)
      let first = try $0.ctx.socket(.pair)
      defer { try? first.close() }
      _ = try $0.ctx.socket(.pair)
    },
    row("Context.set", .shutDown, "allowed until term()", on: nil, .returns("no error")) {
      try $0.ctx.set(.ioThreads, 2)
    },
    row("Context.set", .terminated, on: nil, .zmq(.eterm)) { try $0.ctx.set(.ioThreads, 2) },
    row("Context.set", .badInput, "ioThreads -1", on: nil, .zmq(.einval)) { try $0.ctx.set(.ioThreads, -1) },
    row("Context.set", .badInput, "maxSockets 0", on: nil, .zmq(.einval)) { try $0.ctx.set(.maxSockets, 0) },
    // Where this zmq.h lacks ZMQ_MAX_MSGSZ, `.maxMsgsz` is a placeholder that throws ENOTSUP naming it.
    row("Context.set", .badInput, "maxMsgsz -2", on: nil, .zmq(ZMQ.Available.maxMsgsz ? .einval : .enotsup)) {
      try $0.ctx.set(.maxMsgsz, -2)
    },
    row("Context.set", .badInput, "unknown option 9999", on: nil, .zmq(.einval)) {
      try $0.ctx.set(ContextOption<Int32, ReadWrite>(rawValue: 9999), 1)
    },
    row("Context.get", .shutDown, "allowed until term()", on: nil, .returns("the value")) {
      let threads = try $0.ctx.get(.ioThreads)
      #expect(threads == 1)
    },
    row("Context.get", .terminated, on: nil, .zmq(.eterm)) { _ = try $0.ctx.get(.ioThreads) },
    row("Context.get", .badInput, "unknown option 9999", on: nil, .zmq(.einval)) {
      _ = try $0.ctx.get(ContextOption<Int32, ReadOnly>(rawValue: 9999))
    },
    row("Context.shutdown", .shutDown, "again", on: nil, .returns("no-op")) { try $0.ctx.shutdown() },
    row("Context.shutdown", .terminated, on: nil, .returns("no-op")) { try $0.ctx.shutdown() },
    row("Context.term", .shutDown, "sockets closed", .returns("terminates")) { fixture in
      try fixture.socket.close()
      try fixture.ctx.term()
      #expect(throws: ZMQError.eterm) { try fixture.ctx.socket(.pair) }
    },
    row("Context.term", .terminated, "again", on: nil, .returns("no-op")) { try $0.ctx.term() },
    row("Context.destroy", .shutDown, "socket open", .returns("closes it, terminates")) {
      try $0.ctx.destroy(linger: 0)
      #expect($0.socket.isClosed)
    },
    row("Context.destroy", .terminated, "again", on: nil, .returns("no-op")) { try $0.ctx.destroy(linger: 0) },
  ].flatMap { $0 }

  // MARK: While another thread is blocked in term()

  static let terminatingCells: [MisuseCell] = [
    row("Context.socket", .terminating, on: nil, .zmq(.eterm)) { _ = try $0.ctx.socket(.pair) },
    row("Context.set", .terminating, on: nil, .zmq(.eterm)) { try $0.ctx.set(.ioThreads, 2) },
    row("Context.get", .terminating, on: nil, .zmq(.eterm)) { _ = try $0.ctx.get(.ioThreads) },
    row("Context.shutdown", .terminating, "", .returns("no-op")) { try $0.ctx.shutdown() },
    row("Context.term", .terminating, "from a second thread", .returns("returns at once")) { try $0.ctx.term() },
    row("Context.destroy", .terminating, "", .returns("closes the socket; the blocked term() finishes")) {
      try $0.ctx.destroy(linger: 0)
      #expect($0.socket.isClosed)
    },
    row("Socket.bind", .terminating, "", .zmq(.eterm)) { try $0.socket.bind(uniqueInproc("misuse")) },
    row("Socket.connect", .terminating, "", .zmq(.eterm)) { try $0.socket.connect(uniqueInproc("misuse")) },
    row("Socket.unbind", .terminating, "", .zmq(.eterm)) { try $0.socket.unbind("inproc://misuse-never-bound") },
    row("Socket.disconnect", .terminating, "", .zmq(.eterm)) {
      try $0.socket.disconnect("inproc://misuse-never-connected")
    },
    row("Socket.send(String)", .terminating, "", .zmq(.eterm)) { try $0.socket.send("x") },
    row("Socket.send(Message)", .terminating, "", .zmq(.eterm)) { try $0.socket.send(try Message("x")) },
    row("Socket.sendMultipart", .terminating, "", .zmq(.eterm)) { try $0.socket.sendMultipart(["a", "b"]) },
    row("Socket.recv", .terminating, "", .zmq(.eterm)) { _ = try $0.socket.recv() },
    row("Socket.recvMessage", .terminating, "", .zmq(.eterm)) { _ = try $0.socket.recvMessage() },
    row("Socket.recvMultipart", .terminating, "", .zmq(.eterm)) { _ = try $0.socket.recvMultipart() },
    row("Socket.set(Int32)", .terminating, "", .zmq(.eterm)) { try $0.socket.set(.linger, 0) },
    row("Socket.get(Bool)", .terminating, "", .zmq(.eterm)) { _ = try $0.socket.get(.rcvmore) },
    row("Socket.setsockopt", .terminating, "", .zmq(.eterm)) { try $0.socket.setsockopt(ZMQ.LINGER, .int(0)) },
    row("Socket.getsockopt", .terminating, "", .zmq(.eterm)) { _ = try $0.socket.getsockopt(ZMQ.LINGER) },
    row("Socket.monitor", .terminating, "", .zmq(.eterm)) { _ = try $0.socket.monitor() },
    row("Socket.close", .terminating, "", .returns("closes; the blocked term() finishes")) {
      try $0.socket.close()
      #expect($0.socket.isClosed)
    },
    row("Socket.recvAsync() async", .terminating, "", .zmq(.eterm)) { _ = try await $0.socket.recvAsync() },
    row("Socket.sendAsync(String)", .terminating, "", .zmq(.eterm)) { try await $0.socket.sendAsync("x") },
    row("Socket.messages (for try await)", .terminating, "", .returns("ends")) {
      for try await _ in $0.socket.messages { Issue.record("no message can arrive") }
    },
    row("Poller.add", .terminating, "then wait", .zmq(.eterm)) {
      let poller = Poller()
      try poller.add($0.socket, events: .pollIn)
      _ = try poller.wait(timeout: 0)
    },
    row("ProxyController.init", .terminating, on: nil, .zmq(.eterm)) { _ = try ProxyController(context: $0.ctx) },
    row("Authenticator.start", .terminating, on: nil, .zmq(.eterm)) { try Authenticator(context: $0.ctx).start() },
  ].flatMap { $0 }

  // MARK: Endpoints

  static let endpointCells: [MisuseCell] = [
    socketCall("Socket.bind") { try $0.socket.bind(uniqueInproc("misuse")) },
    socketCall("Socket.connect") { try $0.socket.connect(uniqueInproc("misuse")) },
    socketCall("Socket.unbind") { try $0.socket.unbind("inproc://misuse-never-bound") },
    socketCall("Socket.disconnect") { try $0.socket.disconnect("inproc://misuse-never-connected") },

    row("Socket.bind", .badInput, "empty", .zmq(.einval)) { try $0.socket.bind("") },
    row("Socket.bind", .badInput, "unknown transport", .zmq(.eprotonosupport)) { try $0.socket.bind("bogus://x") },
    row("Socket.bind", .badInput, "no address", .zmq(.einval)) { try $0.socket.bind("tcp://") },
    row("Socket.bind", .badInput, "port 65536", .zmq(.einval)) { try $0.socket.bind("tcp://127.0.0.1:65536") },
    row("Socket.bind", .badInput, "port not a number", .zmq(.einval)) { try $0.socket.bind("tcp://127.0.0.1:x") },
    row("Socket.bind", .badInput, "embedded NUL", .zmq(.einval)) { try $0.socket.bind(uniqueInproc("misuse") + "\0x") },
    row("Socket.bind", .badInput, "inproc name empty", .zmq(.einval)) { try $0.socket.bind("inproc://") },
    row("Socket.bind", .badInput, "ipc path of 64 KiB", .zmq(ZMQError(code: ENAMETOOLONG))) {
      try $0.socket.bind("ipc:///tmp/" + long(65536))
    },
    row("Socket.bind", .badInput, "tcp host of 64 KiB", .zmq(.enodev)) {
      try $0.socket.bind("tcp://" + long(65536) + ":5555")
    },
    row("Socket.bind", .badInput, "address in use", .zmq(.eaddrinuse)) {
      let endpoint = try bindTCP($0.socket)
      try $0.make(.pair).bind(endpoint)
    },
    row("Socket.connect", .badInput, "empty", .zmq(.einval)) { try $0.socket.connect("") },
    row("Socket.connect", .badInput, "unknown transport", .zmq(.eprotonosupport)) {
      try $0.socket.connect("bogus://x")
    },
    row("Socket.connect", .badInput, "tcp without port", .zmq(.einval)) { try $0.socket.connect("tcp://127.0.0.1") },
    row("Socket.connect", .badInput, "tcp port 0", .returns("accepted; libzmq retries in the background")) {
      try $0.socket.connect("tcp://127.0.0.1:0")
    },
    row("Socket.connect", .badInput, "embedded NUL", .zmq(.einval)) { try $0.socket.connect("tcp://127.0.0.1:1\0") },
    row("Socket.connect", .badInput, "ipc path of 64 KiB", .zmq(ZMQError(code: ENAMETOOLONG))) {
      try $0.socket.connect("ipc:///tmp/" + long(65536))
    },
    row("Socket.unbind", .badInput, "never bound", .zmq(.enoent)) { try $0.socket.unbind("tcp://127.0.0.1:1") },
    row("Socket.unbind", .badInput, "empty", .zmq(.einval)) { try $0.socket.unbind("") },
    row("Socket.unbind", .badInput, "embedded NUL", .zmq(.einval)) { try $0.socket.unbind("inproc://a\0b") },
    row("Socket.unbind", .badInput, "wildcard instead of resolved endpoint", .zmq(.enoent)) {
      _ = try bindTCP($0.socket)
      try $0.socket.unbind("tcp://127.0.0.1:*")
    },
    row("Socket.disconnect", .badInput, "never connected", .zmq(.enoent)) {
      try $0.socket.disconnect("tcp://127.0.0.1:1")
    },
    row("Socket.disconnect", .badInput, "empty", .zmq(.einval)) { try $0.socket.disconnect("") },
    row("Socket.disconnect", .badInput, "embedded NUL", .zmq(.einval)) { try $0.socket.disconnect("inproc://a\0b") },
  ].flatMap { $0 }

  // MARK: Sending

  static let sendCells: [MisuseCell] = [
    socketCall("Socket.send(flags:)") { try $0.socket.send() },
    socketCall("Socket.send([UInt8])") { try $0.socket.send([1, 2, 3] as [UInt8]) },
    socketCall("Socket.send(Data)") { try $0.socket.send(Data([1, 2, 3])) },
    socketCall("Socket.send(ContiguousBytes)") { try $0.socket.send([1, 2, 3][...] as ArraySlice<UInt8>) },
    socketCall("Socket.send(UnsafeRawBufferPointer)") { fixture in
      try [1, 2, 3].withUnsafeBytes { _ = try fixture.socket.send($0) }
    },
    socketCall("Socket.send(String)") { try $0.socket.send("text") },
    socketCall("Socket.send(Int32)") { try $0.socket.send(Int32(10)) },
    socketCall("Socket.send(Int64)") { try $0.socket.send(Int64(10)) },
    socketCall("Socket.send(Bool)") { try $0.socket.send(true) },
    socketCall("Socket.send(Message)") { try $0.socket.send(try Message("text")) },
    socketCall("Socket.sendMultipart") { try $0.socket.sendMultipart(["a", "b"]) },
    socketCall("Socket.sendMultipart(any MessagePart)") {
      try $0.socket.sendMultipart(["a", [1, 2] as [UInt8], try Message("c")] as [any MessagePart])
    },
    socketCall("Socket.send(multipart:)") { try $0.socket.send(multipart: [[1], [2]] as [[UInt8]]) },

    row("Socket.send(String)", .wrongType, "PULL", on: .pull, .zmq(.enotsup)) { try $0.socket.send("x") },
    row("Socket.send(String)", .wrongType, "SUB", on: .sub, .zmq(.enotsup)) { try $0.socket.send("x") },
    row("Socket.send([UInt8])", .wrongType, "PULL, dontWait", on: .pull, .zmq(.enotsup)) {
      try $0.socket.send([1] as [UInt8], flags: .dontWait)
    },
    row("Socket.send(Message)", .wrongType, "SUB", on: .sub, .zmq(.enotsup)) { try $0.socket.send(try Message("x")) },
    row("Socket.sendMultipart", .wrongType, "PULL", on: .pull, .zmq(.enotsup)) {
      try $0.socket.sendMultipart(["a", "b"])
    },
    row("Socket.send(String)", .wrongType, "REQ sending twice", on: .req, .zmq(.efsm)) {
      _ = try $0.peer(.rep)
      try $0.socket.send("first")
      try $0.socket.send("second")
    },
    row("Socket.send(String)", .wrongType, "REP sending before a request", on: .rep, .zmq(.efsm)) {
      try $0.socket.send("reply")
    },
    row(
      "Socket.sendMultipart", .wrongType, "ROUTER to an unknown peer, routerMandatory", on: .router,
      .zmq(.ehostunreach)
    ) {
      try $0.socket.set(.routerMandatory, true)
      try $0.socket.sendMultipart(["nobody", "payload"])
    },
    row("Socket.send(String)", .wrongType, "PAIR without a peer (sndtimeo)", .zmq(.eagain)) { try $0.socket.send("x") },
    row("Socket.sendMultipart", .badInput, "no parts", .typed(MessageError.emptyMultipart)) {
      try $0.socket.sendMultipart([] as [[UInt8]])
    },
    row("Socket.send(multipart:)", .badInput, "no parts", .typed(MessageError.emptyMultipart)) {
      try $0.socket.send(multipart: [] as [String])
    },
    row("Socket.send(flags:)", .badInput, "unknown flag bits", .returns("libzmq ignores them")) {
      let peer = try $0.peer(.pair)
      #expect(try $0.socket.send("x", flags: SendFlags(rawValue: 0x100)) == 1)
      #expect(try peer.recvString() == "x")
    },
  ].flatMap { $0 }

  // MARK: Receiving

  static let receiveCells: [MisuseCell] = [
    socketCall("Socket.recv") { _ = try $0.socket.recv() },
    socketCall("Socket.recvBytes") { _ = try $0.socket.recvBytes() },
    socketCall("Socket.recvInt") { _ = try $0.socket.recvInt() },
    socketCall("Socket.recvInt64") { _ = try $0.socket.recvInt64() },
    socketCall("Socket.recvString") { _ = try $0.socket.recvString() },
    socketCall("Socket.recv(into: Message)") { _ = try $0.socket.recv(into: Message()) },
    socketCall("Socket.recvMessage") { _ = try $0.socket.recvMessage() },
    socketCall("Socket.recv(into: buffer)") { fixture in
      var buffer = [UInt8](repeating: 0, count: 8)
      _ = try buffer.withUnsafeMutableBytes { try fixture.socket.recv(into: $0) }
    },
    socketCall("Socket.recvMultipart") { _ = try $0.socket.recvMultipart() },
    socketCall("Socket.recvMultipartMessages") { _ = try $0.socket.recvMultipartMessages() },

    row("Socket.recv", .wrongType, "PUSH", on: .push, .zmq(.enotsup)) { _ = try $0.socket.recv() },
    row("Socket.recv", .wrongType, "PUB, dontWait", on: .pub, .zmq(.enotsup)) {
      _ = try $0.socket.recv(flags: .dontWait)
    },
    row("Socket.recvString", .wrongType, "PUSH", on: .push, .zmq(.enotsup)) { _ = try $0.socket.recvString() },
    row("Socket.recvMessage", .wrongType, "PUB", on: .pub, .zmq(.enotsup)) { _ = try $0.socket.recvMessage() },
    row("Socket.recv(into: buffer)", .wrongType, "PUSH", on: .push, .zmq(.enotsup)) { fixture in
      var buffer = [UInt8](repeating: 0, count: 8)
      _ = try buffer.withUnsafeMutableBytes { try fixture.socket.recv(into: $0) }
    },
    row("Socket.recvMultipart", .wrongType, "PUSH", on: .push, .zmq(.enotsup)) { _ = try $0.socket.recvMultipart() },
    row("Socket.recvMultipartMessages", .wrongType, "PUB", on: .pub, .zmq(.enotsup)) {
      _ = try $0.socket.recvMultipartMessages()
    },
    row("Socket.recv", .wrongType, "REQ receiving before a request", on: .req, .zmq(.efsm)) {
      _ = try $0.socket.recv()
    },
    row("Socket.recv", .wrongType, "nothing arrives (rcvtimeo)", .zmq(.eagain)) { _ = try $0.socket.recv() },
    row("Socket.recvInt", .badInput, "3-byte message", .typed(MessageSizeError(expected: 4, received: 3))) {
      try $0.peer(.pair).send([1, 2, 3] as [UInt8])
      _ = try $0.socket.recvInt()
    },
    row("Socket.recvInt", .badInput, "empty message", .typed(MessageSizeError(expected: 4, received: 0))) {
      try $0.peer(.pair).send()
      _ = try $0.socket.recvInt()
    },
    row("Socket.recvInt64", .badInput, "4-byte message", .typed(MessageSizeError(expected: 8, received: 4))) {
      try $0.peer(.pair).send(Int32(1))
      _ = try $0.socket.recvInt64()
    },
    row("Socket.recvInt64", .badInput, "1 MiB message", .typed(MessageSizeError(expected: 8, received: 1 << 20))) {
      try $0.peer(.pair).send([UInt8](repeating: 7, count: 1 << 20))
      _ = try $0.socket.recvInt64()
    },
    row("Socket.recvString", .badInput, "invalid UTF-8", .returns("U+FFFD")) {
      try $0.peer(.pair).send([0x61, 0xFF, 0x62] as [UInt8])
      #expect(try $0.socket.recvString() == "a\u{FFFD}b")
    },
    row("Socket.recv(into: buffer)", .badInput, "empty buffer", .returns("size of the discarded part")) {
      try $0.peer(.pair).send("hello")
      #expect(try $0.socket.recv(into: UnsafeMutableRawBufferPointer(start: nil, count: 0)) == 5)
    },
    row("Socket.recv(into: buffer)", .badInput, "buffer too small", .returns("whole size, truncated copy")) { fixture in
      try fixture.peer(.pair).send("hello")
      var buffer = [UInt8](repeating: 0, count: 2)
      let size = try buffer.withUnsafeMutableBytes { try fixture.socket.recv(into: $0) }
      #expect(size == 5 && buffer == Array("he".utf8))
    },
    row("Socket.recv", .badInput, "message above maxmsgsize (tcp)", .zmq(.eagain)) {
      try $0.socket.set(.maxmsgsize, 16)
      let endpoint = try bindTCP($0.socket)
      let sender = try $0.make(.pair)
      try sender.connect(endpoint)
      try sender.send([UInt8](repeating: 1, count: 1024))
      _ = try $0.socket.recv()  // the peer is disconnected instead; the wait times out
    },
  ].flatMap { $0 }

  // MARK: Message

  static let messageCells: [MisuseCell] = [
    row("Message(size:)", .badInput, "-1", on: nil, .typed(MessageError.negativeSize(-1))) { _ in
      _ = try Message(size: -1)
    },
    row("Message(unsafeUninitializedSize:)", .badInput, "Int.min", on: nil, .typed(MessageError.negativeSize(.min))) {
      _ in
      _ = try Message(unsafeUninitializedSize: .min)
    },
    row("Message(size:)", .badInput, "Int.max", on: nil, .zmq(.enomem)) { _ in
      try ifImpossibleAllocationsFail { _ = try Message(size: .max) }
    },
    row("Message(unsafeUninitializedSize:)", .badInput, "Int.max - 64", on: nil, .zmq(.enomem)) { _ in
      try ifImpossibleAllocationsFail { _ = try Message(unsafeUninitializedSize: .max - 64) }
    },
    row("Message.metadata", .badInput, "name with NUL", on: nil, .returns("nil")) { _ in
      let value = try Message("x").metadata("Socket-Type\0")
      #expect(value == nil)
    },
    row("Message.metadata", .badInput, "unknown name", on: nil, .returns("nil")) { _ in
      let value = try Message("x").metadata("No-Such-Property")
      #expect(value == nil)
    },
    row("Message(noCopy:deallocator:)", .badInput, "empty buffer", on: nil, .returns("deallocator runs once")) { _ in
      let runs = Atomic<Int>(0)
      do {
        let message = try Message(noCopy: UnsafeMutableRawBufferPointer(start: nil, count: 0)) { _ in
          runs.add(1, ordering: .relaxed)
        }
        #expect(message.isEmpty)
      }
      #expect(runs.load(ordering: .relaxed) == 1)
    },
    row("Socket.send(Message)", .badInput, "message sent twice", .returns("second send is empty")) {
      let peer = try $0.peer(.pair)
      let message = try Message("once")
      try $0.socket.send(message)
      #expect(try $0.socket.send(message) == 0)
      #expect(try peer.recvString() == "once")
      #expect(try peer.recvString() == "")
    },
  ].flatMap { $0 }

  // MARK: Options

  static let optionCells: [MisuseCell] = [
    socketCall("Socket.set(Int32)") { try $0.socket.set(.linger, 0) },
    socketCall("Socket.set(Bool)") { try $0.socket.set(.immediate, true) },
    socketCall("Socket.set(Int64)") { try $0.socket.set(.maxmsgsize, 1024) },
    socketCall("Socket.set(UInt64)") { try $0.socket.set(.affinity, 1) },
    socketCall("Socket.set(String)") { try $0.socket.set(.zapDomain, "global") },
    socketCall("Socket.set([UInt8])") { try $0.socket.set(.routingId, [1, 2] as [UInt8]) },
    socketCall("Socket.set(Data)") { try $0.socket.set(.routingId, Data([1, 2])) },
    socketCall("Socket.get(Int32)") { _ = try $0.socket.get(.linger) },
    socketCall("Socket.get(Bool)") { _ = try $0.socket.get(.rcvmore) },
    socketCall("Socket.get(Int64)") { _ = try $0.socket.get(.maxmsgsize) },
    socketCall("Socket.get(UInt64)") { _ = try $0.socket.get(.affinity) },
    socketCall("Socket.get(String)") { let _: String = try $0.socket.get(.lastEndpoint) },
    socketCall("Socket.get([UInt8])") { let _: [UInt8] = try $0.socket.get(.routingId) },
    socketCall("Socket.setsockopt") { try $0.socket.setsockopt(ZMQ.LINGER, .int(0)) },
    socketCall("Socket.getsockopt") { _ = try $0.socket.getsockopt(ZMQ.LINGER) },
    socketCall("Socket.getsockopt(unknown option)") { _ = try $0.socket.getsockopt(9999) },
    socketCall("Socket.getsockoptInt") { _ = try $0.socket.getsockoptInt(ZMQ.LINGER) },
    socketCall("Socket.getsockoptInt64") { _ = try $0.socket.getsockoptInt64(ZMQ.MAXMSGSIZE) },
    socketCall("Socket.getsockoptString") { _ = try $0.socket.getsockoptString(ZMQ.LAST_ENDPOINT) },
    socketCall("Socket.getsockoptBytes") { _ = try $0.socket.getsockoptBytes(ZMQ.ROUTING_ID) },
    socketCall("Socket.configureCurveServer") {
      try $0.socket.configureCurveServer(keyPair: try CurveKeyPair.generate())
    },

    row("Socket.set(.subscribe)", .wrongType, "PUB", on: .pub, .zmq(.einval)) { try $0.socket.set(.subscribe, "") },
    row("Socket.set(.subscribe)", .wrongType, "PAIR", .zmq(.einval)) { try $0.socket.set(.subscribe, "") },
    row("Socket.set(.unsubscribe)", .wrongType, "PUSH", on: .push, .zmq(.einval)) {
      try $0.socket.set(.unsubscribe, [1] as [UInt8])
    },
    row("Socket.set(.routerMandatory)", .wrongType, "DEALER", on: .dealer, .zmq(.einval)) {
      try $0.socket.set(.routerMandatory, true)
    },
    row("Socket.set(.xpubVerbose)", .wrongType, "PUB", on: .pub, .returns("accepted: libzmq's PUB is an XPUB")) {
      try $0.socket.set(.xpubVerbose, true)
    },
    row("Socket.set(.reqCorrelate)", .wrongType, "REP", on: .rep, .zmq(.einval)) {
      try $0.socket.set(.reqCorrelate, true)
    },
    row("Socket.set(.connectRoutingId)", .wrongType, "PUSH", on: .push, .zmq(.einval)) {
      try $0.socket.set(.connectRoutingId, "id")
    },

    row("Socket.set(.linger)", .badInput, "-2", .zmq(.einval)) { try $0.socket.set(.linger, -2) },
    row("Socket.set(.rcvtimeo)", .badInput, "-5", .zmq(.einval)) { try $0.socket.set(.rcvtimeo, -5) },
    row("Socket.set(.sndhwm)", .badInput, "-1", .zmq(.einval)) { try $0.socket.set(.sndhwm, -1) },
    row("Socket.set(.tcpKeepalive)", .badInput, "5 (not -1/0/1)", .zmq(.einval)) {
      try $0.socket.set(.tcpKeepalive, 5)
    },
    row("Socket.set(.maxmsgsize)", .badInput, "-2", .returns("accepted: any negative value means no limit")) {
      try $0.socket.set(.maxmsgsize, -2)
    },
    row("Socket.set(.routingId)", .badInput, "empty", .zmq(.einval)) { try $0.socket.set(.routingId, [] as [UInt8]) },
    row("Socket.set(.routingId)", .badInput, "256 bytes", .zmq(.einval)) {
      try $0.socket.set(.routingId, [UInt8](repeating: 1, count: 256))
    },
    row("Socket.set(.routingId)", .badInput, "leading zero byte", .returns("accepted by libzmq 4.3")) {
      try $0.socket.set(.routingId, [0, 1] as [UInt8])
    },
    row("Socket.set(.curvePublickey)", .badInput, "3 bytes", .zmq(.einval)) {
      try $0.socket.set(.curvePublickey, [1, 2, 3] as [UInt8])
    },
    row("Socket.set(.curveServerkey)", .badInput, "40 chars, invalid Z85", .zmq(.einval)) {
      try $0.socket.set(.curveServerkey, badZ85Key)
    },
    row("Socket.set(.curveSecretkey)", .badInput, "Data of 33 bytes", .zmq(.einval)) {
      try $0.socket.set(.curveSecretkey, Data(count: 33))
    },
    row("Socket.set(.zapDomain)", .badInput, "256 characters", .zmq(.einval)) {
      try $0.socket.set(.zapDomain, long(256))
    },
    row("Socket.set(.plainUsername)", .badInput, "256 characters", .zmq(.einval)) {
      try $0.socket.set(.plainUsername, long(256))
    },
    row("Socket.set(.socksProxy)", .badInput, "1 MiB, too long to read back", .zmq(.einval)) {
      try $0.socket.set(.socksProxy, long(1 << 20))
    },
    row("Socket.set(.socksProxy)", .badInput, "1 MiB - 1, the longest readable", .returns("stored whole")) {
      try $0.socket.set(.socksProxy, long((1 << 20) - 1))
      let value: String = try $0.socket.get(.socksProxy)
      #expect(value.utf8.count == (1 << 20) - 1)
    },
    row(
      "Socket.set(.bindtodevice)", .badInput, "empty",
      ZMQ.Available.bindtodevice ? .returns("accepted, reads back empty") : .zmq(.enotsup)
    ) {
      try $0.socket.set(.bindtodevice, "")
      let value: String = try $0.socket.get(.bindtodevice)
      #expect(value == "")
    },
    row("Socket.setsockopt", .badInput, "unknown option 9999", .zmq(.einval)) {
      try $0.socket.setsockopt(9999, .int(1))
    },
    row("Socket.setsockopt", .badInput, "int option, Int64.max", .zmq(.einval)) {
      try $0.socket.setsockopt(ZMQ.LINGER, .int64(.max))
    },
    row("Socket.setsockopt", .badInput, "int option, string value", .zmq(.einval)) {
      try $0.socket.setsockopt(ZMQ.LINGER, .string("0"))
    },
    row("Socket.setsockopt", .badInput, "uint64 option, negative", .zmq(.einval)) {
      try $0.socket.setsockopt(ZMQ.AFFINITY, .int(-1))
    },
    row("Socket.setsockopt", .badInput, "string option, integer value", .zmq(.einval)) {
      try $0.socket.setsockopt(ZMQ.ZAP_DOMAIN, .int(1))
    },
    row("Socket.setsockopt", .badInput, "read-only option", .zmq(.einval)) {
      try $0.socket.setsockopt(ZMQ.LAST_ENDPOINT, .string("tcp://x"))
    },
    row("Socket.setsockopt", .badInput, "curve key, 31 bytes", .zmq(.einval)) {
      try $0.socket.setsockopt(ZMQ.CURVE_SERVERKEY, .bytes([UInt8](repeating: 1, count: 31)))
    },
    row("Socket.getsockopt", .badInput, "unknown option 9999", .zmq(.einval)) { _ = try $0.socket.getsockopt(9999) },
    row("Socket.getsockopt", .badInput, "write-only option", .zmq(.einval)) {
      _ = try $0.socket.getsockopt(ZMQ.SUBSCRIBE)
    },
    row("Socket.getsockoptInt", .badInput, "string option", .zmq(.einval)) {
      _ = try $0.socket.getsockoptInt(ZMQ.LAST_ENDPOINT)
    },
    row("Socket.getsockoptInt", .badInput, "int64 option", .zmq(.einval)) {
      _ = try $0.socket.getsockoptInt(ZMQ.MAXMSGSIZE)
    },
    row("Socket.getsockoptInt", .badInput, "binary option (routing id)", .zmq(.einval)) {
      try $0.socket.set(.routingId, [1, 2, 3, 4] as [UInt8])
      _ = try $0.socket.getsockoptInt(ZMQ.ROUTING_ID)
    },
    row("Socket.getsockoptInt64", .badInput, "int option", .zmq(.einval)) {
      _ = try $0.socket.getsockoptInt64(ZMQ.LINGER)
    },
    row("Socket.getsockoptInt64", .badInput, "string option", .zmq(.einval)) {
      _ = try $0.socket.getsockoptInt64(ZMQ.ZAP_DOMAIN)
    },
    row("Socket.getsockoptString", .badInput, "int option", .zmq(.einval)) {
      _ = try $0.socket.getsockoptString(ZMQ.LINGER)
    },
    row("Socket.getsockoptBytes", .badInput, "unknown option 9999", .zmq(.einval)) {
      _ = try $0.socket.getsockoptBytes(9999)
    },
    socketCall("Socket.configureCurveClient") {
      let keys = try CurveKeyPair.generate()
      try $0.socket.configureCurveClient(keyPair: keys, serverKey: keys.publicKey)
    },
  ].flatMap { $0 }

  // MARK: Monitor

  static let monitorCells: [MisuseCell] = [
    socketCall("Socket.monitor") { _ = try $0.socket.monitor() },
    socketCall("Socket.stopMonitor") { try $0.socket.stopMonitor() },
    row("Socket.monitor", .badInput, "unknown event bits", .zmq(.einval)) {
      _ = try $0.socket.monitor(events: MonitorEvents(rawValue: 1 << 30))
    },
    row("Socket.stopMonitor", .badInput, "no monitor running", .returns("no-op")) { try $0.socket.stopMonitor() },
    row("SocketMonitor.next", .closed, "monitor closed", on: nil, .zmq(.enotsock)) {
      let monitor = try $0.make(.pair).monitor()
      monitor.close()
      _ = try monitor.next(timeout: 100)
    },
    row("SocketMonitor.next", .shutDown, "context shut down after monitor()", on: nil, .zmq(.eterm)) {
      // The fixture's context is already shut down; monitor() itself
      // must fail, so make the monitor in a fresh context and shut it.
      _ = $0
      let ctx = try Context()
      let socket = try makeSocket(ctx, .pair, timeout: 300)
      let monitor = try socket.monitor()
      try ctx.shutdown()
      defer { try? ctx.destroy(linger: 0) }
      while try monitor.next(timeout: 100) != nil {}
    },
    row("SocketMonitor.close", .closed, "closed twice", on: nil, .returns("no-op")) {
      let monitor = try $0.make(.pair).monitor()
      monitor.close()
      monitor.close()
      #expect(monitor.isStopped)
    },
    row(
      "MonitorEvent.decode", .badInput, "5-byte first frame", on: nil,
      .typed(MonitorEventDecodingError.wrongFirstFrameSize(5))
    ) { _ in
      _ = try MonitorEvent.decode(first: [1, 0, 0, 0, 0] as [UInt8], second: [] as [UInt8])
    },
    row("MonitorEvent.decode", .badInput, "event code 0", on: nil, .typed(MonitorEventDecodingError.noEvent)) { _ in
      _ = try MonitorEvent.decode(first: [0, 0, 0, 0, 0, 0] as [UInt8], second: [] as [UInt8])
    },
    row(
      "MonitorEvent.decode", .badInput, "two event bits", on: nil,
      .typed(MonitorEventDecodingError.multipleEvents(3))
    ) { _ in
      _ = try MonitorEvent.decode(first: [3, 0, 0, 0, 0, 0] as [UInt8], second: [] as [UInt8])
    },
    row(
      "MonitorEvent.decode", .badInput, "endpoint not UTF-8", on: nil,
      .typed(MonitorEventDecodingError.endpointNotUTF8)
    ) { _ in
      _ = try MonitorEvent.decode(first: [1, 0, 0, 0, 0, 0] as [UInt8], second: [0xFF] as [UInt8])
    },
    row("SocketMonitor.next", .closed, "watched socket closed", on: nil, .returns("monitorStopped, then nil")) { _ in
      let ctx = try Context()
      defer { try? ctx.destroy(linger: 0) }
      let socket = try makeSocket(ctx, .pair, timeout: 300)
      let monitor = try socket.monitor(events: .monitorStopped)
      try socket.close()
      #expect(try monitor.next(timeout: 2000)?.event == .monitorStopped)
      #expect(try monitor.next(timeout: 100) == nil)
    },
  ].flatMap { $0 }

  // MARK: close

  static let closeCells: [MisuseCell] = [
    lifecycle(
      "Socket.close", closed: .returns("no-op"), shutDown: .returns("closes"), terminated: .returns("no-op")
    ) {
      try $0.socket.close()
      #expect($0.socket.isClosed)
    }
  ].flatMap { $0 }

  // MARK: async

  static let asyncCells: [MisuseCell] = [
    socketCall("Socket.recvAsync() async") { _ = try await $0.socket.recvAsync() },
    socketCall("Socket.recvStringAsync() async") { _ = try await $0.socket.recvStringAsync() },
    socketCall("Socket.recvIntAsync() async") { _ = try await $0.socket.recvIntAsync() },
    socketCall("Socket.recvInt64Async() async") { _ = try await $0.socket.recvInt64Async() },
    socketCall("Socket.recvMessageAsync() async") { _ = try await $0.socket.recvMessageAsync() },
    socketCall("Socket.recvMultipartAsync() async") { _ = try await $0.socket.recvMultipartAsync() },
    socketCall("Socket.recvMultipartMessagesAsync() async") { _ = try await $0.socket.recvMultipartMessagesAsync() },
    socketCall("Socket.sendAsync()") { try await $0.socket.sendAsync() },
    socketCall("Socket.sendAsync([UInt8])") { try await $0.socket.sendAsync([1] as [UInt8]) },
    socketCall("Socket.sendAsync(ContiguousBytes)") { try await $0.socket.sendAsync(Data([1])) },
    socketCall("Socket.sendAsync(String)") { try await $0.socket.sendAsync("x") },
    socketCall("Socket.sendAsync(Int32)") { try await $0.socket.sendAsync(Int32(1)) },
    socketCall("Socket.sendAsync(Int64)") { try await $0.socket.sendAsync(Int64(1)) },
    socketCall("Socket.sendAsync(Bool)") { try await $0.socket.sendAsync(true) },
    socketCall("Socket.sendAsync(Message)") { try await $0.socket.sendAsync(try Message("x")) },
    socketCall("Socket.sendMultipartAsync") { try await $0.socket.sendMultipartAsync(["a", "b"]) },
    socketCall("Socket.sendMultipartAsync(any MessagePart)") {
      try await $0.socket.sendMultipartAsync(["a", [2] as [UInt8]] as [any MessagePart])
    },
    lifecycle(
      "Socket.messages (for try await)", closed: .returns("ends"), shutDown: .returns("ends"),
      terminated: .returns("ends")
    ) {
      for try await _ in $0.socket.messages { Issue.record("no message can arrive") }
    },
    lifecycle(
      "Socket.strings (for try await)", closed: .returns("ends"), shutDown: .returns("ends"),
      terminated: .returns("ends")
    ) {
      for try await _ in $0.socket.strings { Issue.record("no message can arrive") }
    },
    lifecycle(
      "Socket.multipartMessages (for try await)", closed: .returns("ends"), shutDown: .returns("ends"),
      terminated: .returns("ends")
    ) {
      for try await _ in $0.socket.multipartMessages { Issue.record("no message can arrive") }
    },
    lifecycle(
      "SocketMonitor.events (for try await)", closed: .zmq(.enotsock), shutDown: .zmq(.eterm),
      terminated: .zmq(.enotsock)
    ) {
      for try await _ in try $0.socket.monitor().events {}
    },

    row("Socket.recvAsync() async", .wrongType, "PUSH", on: .push, .zmq(.enotsup)) {
      _ = try await $0.socket.recvAsync()
    },
    row("Socket.recvMessageAsync() async", .wrongType, "PUB", on: .pub, .zmq(.enotsup)) {
      _ = try await $0.socket.recvMessageAsync()
    },
    row("Socket.recvAsync() async", .wrongType, "REQ before a request", on: .req, .zmq(.efsm)) {
      _ = try await $0.socket.recvAsync()
    },
    row("Socket.recvAsync() async", .wrongType, "nothing arrives (rcvtimeo)", .zmq(.eagain)) {
      _ = try await $0.socket.recvAsync()
    },
    row("Socket.sendAsync(String)", .wrongType, "PULL", on: .pull, .zmq(.enotsup)) {
      try await $0.socket.sendAsync("x")
    },
    row("Socket.sendAsync(String)", .wrongType, "REQ sending twice", on: .req, .zmq(.efsm)) {
      _ = try $0.peer(.rep)
      try await $0.socket.sendAsync("first")
      try await $0.socket.sendAsync("second")
    },
    row("Socket.sendMultipartAsync", .wrongType, "SUB", on: .sub, .zmq(.enotsup)) {
      try await $0.socket.sendMultipartAsync(["a"])
    },
    row("Socket.messages (for try await)", .wrongType, "PUSH", on: .push, .zmq(.enotsup)) {
      for try await _ in $0.socket.messages {}
    },
    row("Socket.recvIntAsync() async", .badInput, "3-byte message", .typed(MessageSizeError(expected: 4, received: 3)))
    {
      try $0.peer(.pair).send([1, 2, 3] as [UInt8])
      _ = try await $0.socket.recvIntAsync()
    },
    row("Socket.recvInt64Async() async", .badInput, "empty message", .typed(MessageSizeError(expected: 8, received: 0)))
    {
      try $0.peer(.pair).send()
      _ = try await $0.socket.recvInt64Async()
    },
    row("Socket.sendMultipartAsync", .badInput, "no parts", .typed(MessageError.emptyMultipart)) {
      try await $0.socket.sendMultipartAsync([] as [String])
    },
  ].flatMap { $0 }

  // MARK: Poller

  static let pollerCells: [MisuseCell] = [
    lifecycle("Poller.add", closed: .zmq(.enotsock), shutDown: .zmq(.eterm), terminated: .zmq(.enotsock)) {
      let poller = Poller()
      try poller.add($0.socket, events: .pollIn)
      _ = try poller.wait(timeout: 0)
    },
    // A poller only knows the sockets it was given: modifying or removing
    // one it does not hold is EINVAL whatever its context's state.
    lifecycle("Poller.modify", closed: .zmq(.enotsock), shutDown: .zmq(.einval), terminated: .zmq(.enotsock)) {
      let poller = Poller()
      try poller.modify($0.socket, events: .pollIn)
      _ = try poller.wait(timeout: 0)
    },
    lifecycle("Poller.remove", closed: .zmq(.enotsock), shutDown: .zmq(.einval), terminated: .zmq(.enotsock)) {
      try Poller().remove($0.socket)
    },
    lifecycle(
      "Poller.wait (registered before)", closed: .returns("socket dropped, nil"), shutDown: .zmq(.eterm),
      terminated: .returns("socket dropped, nil")
    ) { fixture in
      // Registered while healthy, then put into the condition.
      let ctx = try Context()
      defer { try? ctx.destroy(linger: 0) }
      let socket = try makeSocket(ctx, .pair, timeout: 300)
      let poller = Poller()
      try poller.add(socket, events: .pollIn)
      switch fixture.condition {
      case .closed: try socket.close()
      case .shutDown: try ctx.shutdown()
      default: try ctx.destroy(linger: 0)
      }
      #expect(try poller.wait(timeout: 50) == nil)
      #expect(poller.size == 0)
    },
    lifecycle(
      "Poller.pollAll (registered before)", closed: .returns("socket dropped, empty"), shutDown: .zmq(.eterm),
      terminated: .returns("socket dropped, empty")
    ) {
      let ctx = try Context()
      defer { try? ctx.destroy(linger: 0) }
      let socket = try makeSocket(ctx, .pair, timeout: 300)
      let poller = Poller()
      try poller.add(socket, events: .pollIn)
      switch $0.condition {
      case .closed: try socket.close()
      case .shutDown: try ctx.shutdown()
      default: try ctx.destroy(linger: 0)
      }
      #expect(try poller.pollAll(4).isEmpty)
    },
    row("Poller.add", .badInput, "already registered", .zmq(.einval)) {
      let poller = Poller()
      try poller.add($0.socket, events: .pollIn)
      try poller.add($0.socket, events: .pollOut)
    },
    row("Poller.modify", .badInput, "not registered", .zmq(.einval)) {
      try Poller().modify($0.socket, events: .pollIn)
    },
    row("Poller.remove", .badInput, "not registered", .zmq(.einval)) { try Poller().remove($0.socket) },
    row("Poller.remove", .badInput, "removed twice", .zmq(.einval)) {
      let poller = Poller()
      try poller.add($0.socket, events: .pollIn)
      try poller.remove($0.socket)
      try poller.remove($0.socket)
    },
    row("Poller.wait", .badInput, "empty poller, timeout -1", on: nil, .zmq(.efault)) { _ in
      _ = try Poller().wait(timeout: -1)
    },
    row("Poller.poll", .badInput, "empty poller", on: nil, .returns("nil")) { _ in
      let event = try Poller().poll()
      #expect(event == nil)
    },
    row("Poller.waitAll", .badInput, "negative maximum", .zmq(.einval)) {
      let poller = Poller()
      try poller.add($0.socket, events: .pollIn)
      _ = try poller.waitAll(-1, timeout: 0)
    },
    row("Poller.pollAll", .badInput, "maximum 0", .returns("empty")) {
      let poller = Poller()
      try poller.add($0.socket, events: .pollOut)
      #expect(try poller.pollAll(0).isEmpty)
    },
    row("Poller.add", .badInput, "no events", .returns("never ready")) {
      let poller = Poller()
      try poller.add($0.socket, events: [])
      #expect(try poller.wait(timeout: 20) == nil)
    },
  ].flatMap { $0 }

  // MARK: Proxy

  static let proxyCells: [MisuseCell] = [
    row("ZMQ.proxy", .closed, "frontend closed", on: .pull, .zmq(.enotsock)) {
      try ZMQ.proxy(frontend: $0.socket, backend: try $0.make(.push))
    },
    row("ZMQ.proxy", .closed, "backend closed", on: .push, .zmq(.enotsock)) {
      try ZMQ.proxy(frontend: try $0.make(.pull), backend: $0.socket)
    },
    row("ZMQ.proxy", .closed, "capture closed", on: .pub, .zmq(.enotsock)) {
      try ZMQ.proxy(frontend: try $0.make(.pull), backend: try $0.make(.push), capture: $0.socket)
    },
    row("ZMQ.proxy", .shutDown, on: .pull, .returns("returns at once")) {
      try ZMQ.proxy(frontend: $0.socket, backend: $0.socket)
    },
    row("ZMQ.proxy", .terminated, on: .pull, .zmq(.enotsock)) {
      try ZMQ.proxy(frontend: $0.socket, backend: $0.socket)
    },
    row("ZMQ.proxySteerable", .closed, "control closed", on: .pair, .zmq(.enotsock)) {
      try ZMQ.proxySteerable(frontend: try $0.make(.pull), backend: try $0.make(.push), control: $0.socket)
    },
    row("ZMQ.proxySteerable", .shutDown, on: .pair, .returns(".contextTerminated")) {
      let exit = try ZMQ.proxySteerable(frontend: $0.socket, backend: $0.socket, control: $0.socket)
      #expect(exit == .contextTerminated)
    },
    row("ProxyController.init", .shutDown, on: nil, .zmq(.eterm)) { _ = try ProxyController(context: $0.ctx) },
    row("ProxyController.init", .terminated, on: nil, .zmq(.eterm)) { _ = try ProxyController(context: $0.ctx) },
    row("ProxyController.init", .badInput, "unknown transport", on: nil, .zmq(.eprotonosupport)) {
      _ = try ProxyController(context: $0.ctx, endpoint: "bogus://x")
    },
    row("ProxyController.init", .badInput, "endpoint with NUL", on: nil, .zmq(.einval)) {
      _ = try ProxyController(context: $0.ctx, endpoint: "inproc://a\0b")
    },
    row("ProxyController.send", .closed, "", .zmq(.enotsock)) { try ProxyController(socket: $0.socket).pause() },
    row("ProxyController.statistics", .shutDown, "", .zmq(.eterm)) {
      _ = try ProxyController(socket: $0.socket).statistics()
    },
    row("ProxyController.statistics", .wrongType, "no proxy running (timeout)", on: nil, .zmq(.eagain)) {
      _ = try ProxyController(context: $0.ctx, timeout: 100).statistics()
    },
    row(
      "ProxyStatistics(replyFrames:)", .badInput, "no frames", on: nil, .typed(ProxyStatisticsError.wrongFrameCount(0))
    ) { _ in
      _ = try ProxyStatistics(replyFrames: [])
    },
    row(
      "ProxyStatistics(replyFrames:)", .badInput, "frame of 7 bytes", on: nil,
      .typed(ProxyStatisticsError.wrongFrameSize(frame: 3, size: 7))
    ) { _ in
      var frames = [[UInt8]](repeating: [UInt8](repeating: 0, count: 8), count: 8)
      frames[3] = [UInt8](repeating: 0, count: 7)
      _ = try ProxyStatistics(replyFrames: frames)
    },
  ].flatMap { $0 }

  // MARK: Authenticator

  static let authenticatorCells: [MisuseCell] = [
    row("Authenticator.start", .shutDown, on: nil, .zmq(.eterm)) { try Authenticator(context: $0.ctx).start() },
    row("Authenticator.start", .terminated, on: nil, .zmq(.eterm)) { try Authenticator(context: $0.ctx).start() },
    row("Authenticator.start", .badInput, "second authenticator in one context", on: nil, .zmq(.eaddrinuse)) {
      let first = Authenticator(context: $0.ctx)
      try first.start()
      defer { first.stop() }
      try Authenticator(context: $0.ctx).start()
    },
    row("Authenticator.start", .badInput, "started twice", on: nil, .returns("no-op")) {
      let auth = Authenticator(context: $0.ctx)
      try auth.start()
      try auth.start()
      #expect(auth.isRunning)
      auth.stop()
    },
    row("Authenticator.stop", .badInput, "never started", on: nil, .returns("no-op")) {
      Authenticator(context: $0.ctx).stop()
    },
    row("Authenticator.stop", .shutDown, "started, then context shut down", on: nil, .returns("returns")) { _ in
      let ctx = try Context()
      let auth = Authenticator(context: ctx)
      try auth.start()
      try ctx.shutdown()
      auth.stop()
      #expect(!auth.isRunning)
      try ctx.term()
    },
    row("ZAPRequest.parse", .badInput, "no frames", on: nil, .typed(ZAPRequestError.tooFewFrames(0))) { _ in
      _ = try ZAPRequest.parse(frames: [])
    },
    row(
      "ZAPRequest.parse", .badInput, "version 2.0", on: nil,
      .typed(ZAPRequestError.unsupportedVersion(Array("2.0".utf8)))
    ) { _ in
      _ = try ZAPRequest.parse(frames: [Array("2.0".utf8), [1], [], [], [], Array("NULL".utf8)])
    },
    row("ZAPRequest.parse", .badInput, "CURVE key of 3 bytes", on: nil, .typed(ZAPRequestError.wrongCurveKeySize(3))) {
      _ in
      _ = try ZAPRequest.parse(frames: [ZAPRequest.version, [1], [], [], [], Array("CURVE".utf8), [1, 2, 3]])
    },
    row("Authenticator.allow", .badInput, "host name", on: nil, .typed(ZAPPolicyError.invalidAddress("localhost"))) {
      try Authenticator(context: $0.ctx).allow("localhost")
    },
    row("Authenticator.allow", .badInput, "empty", on: nil, .typed(ZAPPolicyError.invalidAddress(""))) {
      try Authenticator(context: $0.ctx).allow("")
    },
    row("Authenticator.deny", .badInput, "after allow", on: nil, .typed(ZAPPolicyError.conflictingAddressLists)) {
      let auth = Authenticator(context: $0.ctx)
      try auth.allow("127.0.0.1")
      try auth.deny("10.0.0.1")
    },
    row(
      "Authenticator.configureCurve(keyDirectory:)", .badInput, "missing directory", on: nil,
      .typed(CurveCertificateError(path: "/nonexistent/misuse", problem: "is not a directory that can be listed"))
    ) {
      try Authenticator(context: $0.ctx).configureCurve(keyDirectory: "/nonexistent/misuse")
    },
  ].flatMap { $0 }

  // MARK: Z85 and CURVE keys

  static let keyCells: [MisuseCell] = [
    row("Z85.encode", .badInput, "3 bytes", on: nil, .typed(Z85Error.byteCountNotMultipleOf4(3))) { _ in
      _ = try Z85.encode([1, 2, 3])
    },
    row("Z85.encode", .badInput, "empty", on: nil, .returns("\"\"")) { _ in
      let text = try Z85.encode([])
      #expect(text == "")
    },
    row("Z85.decode", .badInput, "4 characters", on: nil, .typed(Z85Error.lengthNotMultipleOf5(4))) { _ in
      _ = try Z85.decode("abcd")
    },
    row(
      "Z85.decode", .badInput, "character outside the alphabet", on: nil,
      .typed(Z85Error.invalidCharacter("~", offset: 4))
    ) { _ in
      _ = try Z85.decode("abcd~")
    },
    row("Z85.decode", .badInput, "NUL", on: nil, .typed(Z85Error.invalidCharacter("\0", offset: 0))) { _ in
      _ = try Z85.decode("\0abcd")
    },
    row("Z85.decode", .badInput, "non-ASCII", on: nil, .typed(Z85Error.invalidCharacter("é", offset: 2))) { _ in
      _ = try Z85.decode("abé")
    },
    row("Z85.decode", .badInput, "group above 2^32", on: nil, .typed(Z85Error.groupOutOfRange(offset: 0))) { _ in
      _ = try Z85.decode("#####")
    },
    row("CurvePublicKey(bytes:)", .badInput, "31 bytes", on: nil, .typed(CurveKeyError.wrongByteCount(31))) { _ in
      _ = try CurvePublicKey(bytes: [UInt8](repeating: 0, count: 31))
    },
    row("CurvePublicKey(z85:)", .badInput, "39 characters", on: nil, .typed(CurveKeyError.wrongTextLength(39))) { _ in
      _ = try CurvePublicKey(z85: long(39, "0"))
    },
    row("CurvePublicKey(z85:)", .badInput, "invalid character", on: nil, .typed(CurveKeyError.invalidZ85(offset: 39))) {
      _ in
      _ = try CurvePublicKey(z85: badZ85Key)
    },
    row("CurveSecretKey(bytes:)", .badInput, "empty", on: nil, .typed(CurveKeyError.wrongByteCount(0))) { _ in
      _ = try CurveSecretKey(bytes: [])
    },
    row("CurveSecretKey(z85:)", .badInput, "1 MiB of text", on: nil, .typed(CurveKeyError.wrongTextLength(1 << 20))) {
      _ in
      _ = try CurveSecretKey(z85: long(1 << 20, "0"))
    },
    row("ZMQ.curvePublic(secretKey:)", .badInput, "5 characters", on: nil, .typed(CurveKeyError.wrongTextLength(5))) {
      _ in
      _ = try ZMQ.curvePublic(secretKey: "abcde")
    },
    row("ZMQ.curvePublic(secretKey:)", .badInput, "invalid Z85", on: nil, .typed(CurveKeyError.invalidZ85(offset: 39)))
    { _ in
      _ = try ZMQ.curvePublic(secretKey: badZ85Key)
    },
    row("ZMQ.curvePublic(secretKey:)", .badInput, "NUL inside", on: nil, .typed(CurveKeyError.invalidZ85(offset: 5))) {
      _ in
      _ = try ZMQ.curvePublic(secretKey: long(5, "0") + "\0" + long(34, "0"))
    },
    row(
      "CurveCertificate.parse", .badInput, "empty", on: nil,
      .typed(CurveCertificateError(problem: "no \"public-key\" entry in a \"curve\" section"))
    ) { _ in
      _ = try CurveCertificate.parse("")
    },
    row(
      "CurveCertificate.parse", .badInput, "unterminated quote", on: nil,
      .typed(CurveCertificateError(line: 2, problem: "the value of \"public-key\" has an unterminated quote"))
    ) { _ in
      _ = try CurveCertificate.parse("curve\n    public-key = \"abc\n")
    },
    row(
      "CurveCertificate.write", .badInput, "missing directory", on: nil,
      .typed(CurveCertificateError(path: "/nonexistent/misuse.key", problem: "cannot be written"))
    ) { _ in
      try CurveCertificate(keyPair: try CurveKeyPair.generate()).write(to: "/nonexistent/misuse.key")
    },
    row(
      "CurveCertificate.load", .badInput, "missing file", on: nil,
      .typed(CurveCertificateError(path: "/nonexistent/misuse.key", problem: "cannot be read"))
    ) { _ in
      _ = try CurveCertificate.load(path: "/nonexistent/misuse.key")
    },
  ].flatMap { $0 }

  // MARK: Library level

  static let libraryCells: [MisuseCell] = [
    row("ZMQ.has", .badInput, "empty", on: nil, .returns("false")) { _ in
      #expect(!ZMQ.has(""))
    },
    row("ZMQ.has", .badInput, "known name + NUL + suffix", on: nil, .returns("false")) { _ in
      #expect(!ZMQ.has("ipc\0garbage"))
    },
    row("ZMQ.has", .badInput, "1 MiB name", on: nil, .returns("false")) { _ in
      #expect(!ZMQ.has(long(1 << 20)))
    },
    row("ZMQError.description", .badInput, "unknown code", on: nil, .returns("text, no name")) { _ in
      let error = ZMQError(code: 987_654)
      #expect(!error.description.isEmpty && error.name == nil)
    },
  ].flatMap { $0 }
}

// MARK: - The tests

@Suite struct MisuseMatrixTests {
  /// The number of cells. Change it together with the table, so that a
  /// row lost by accident is noticed.
  static let expectedCellCount = 463

  @Test func tableSize() {
    let cells = MisuseMatrix.cells
    var byKind: [String: Int] = [:]
    var byCondition: [MisuseCondition: Int] = [:]
    for cell in cells {
      byKind[cell.expected.kind, default: 0] += 1
      byCondition[cell.condition, default: 0] += 1
    }
    let calls = Set(cells.map(\.call)).count
    print("misuse matrix: \(cells.count) cells, \(calls) calls × \(MisuseCondition.allCases.count) conditions")
    for condition in MisuseCondition.allCases { print("  \(condition): \(byCondition[condition] ?? 0)") }
    for (kind, count) in byKind.sorted(by: { $0.key < $1.key }) { print("  \(kind): \(count)") }
    #expect(cells.count == Self.expectedCellCount)
    // Every cell is described differently, so each is reported on its own.
    #expect(Set(cells.map(\.testDescription)).count == cells.count)
  }

  @Test(.timeLimit(.minutes(1)), arguments: MisuseMatrix.cells)
  func cell(_ cell: MisuseCell) async throws {
    let fixture = try MisuseFixture(cell)
    defer { #expect(throws: Never.self) { try fixture.tearDown() } }
    do {
      try await cell.body(fixture)
      if case .returns = cell.expected { return }
      Issue.record("returned normally; expected: \(cell.expected)")
    } catch {
      switch cell.expected {
      case .zmq(let expected):
        #expect(error as? ZMQError == expected, "threw \(type(of: error)): \(error)")
      case .typed(let expected):
        let same = isSameError(error, expected)
        #expect(same, "threw \(type(of: error)): \(error)")
      case .returns:
        Issue.record("threw \(type(of: error)): \(error); expected a normal return")
      }
    }
  }
}
