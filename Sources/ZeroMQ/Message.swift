import Synchronization

internal import CZeroMQ

/// A message part you cannot build or use the way you asked.
public enum MessageError: Error, Hashable, Sendable, CustomStringConvertible {
  /// A message size was negative.
  case negativeSize(Int)
  /// A multipart send was given no parts; a ZeroMQ message has at least one.
  case emptyMultipart

  /// Says what was wrong, e.g. "a message size cannot be negative (got -1)".
  public var description: String {
    switch self {
    case .negativeSize(let size): "a message size cannot be negative (got \(size))"
    case .emptyMultipart: "a multipart message needs at least one part (got none)"
    }
  }
}

/// The name of a metadata property of a received message, read with
/// ``Message/metadata(_:)-(MessageProperty)``.
///
/// libzmq attaches properties to messages that arrive over a connection
/// with a ZeroMQ handshake (`tcp://`, `ipc://`; never `inproc://`). Which
/// ones exist depends on the transport, the peer and the security
/// mechanism; a property that is not there reads as `nil`.
public struct MessageProperty: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible
{
  /// The property's name as libzmq spells it, e.g. `"Peer-Address"`.
  public let rawValue: String

  /// Names a property, e.g. an application property `"X-Color"` that the
  /// peer set with its `ZMQ_METADATA` option.
  public init(rawValue: String) { self.rawValue = rawValue }

  /// Names a property by a string literal.
  public init(stringLiteral value: String) { self.rawValue = value }

  /// The peer's socket type in upper case, e.g. `"DEALER"`, from the
  /// handshake. Present on every connection-oriented transport.
  public static let socketType: MessageProperty = "Socket-Type"

  /// The routing id the peer announced in the handshake. Only peers whose
  /// type sends one (REQ, DEALER, ROUTER) announce it, and it is empty
  /// unless the peer set `.routingId`. (libzmq 4.3 files it under the
  /// older name `"Identity"`; ``Message/metadata(_:)-(MessageProperty)``
  /// looks under both.)
  public static let routingId: MessageProperty = "Routing-Id"

  /// The address of the remote end: on `tcp://` its IP address (no port),
  /// e.g. `"127.0.0.1"`; on `ipc://` (Linux) `"localhost:UID:GID:PID"` of
  /// the peer process.
  public static let peerAddress: MessageProperty = "Peer-Address"

  /// The user id a ZAP authenticator returned for the connection; absent
  /// without ZAP, and when the authenticator returned an empty one.
  public static let userId: MessageProperty = "User-Id"

  /// The name, as libzmq spells it.
  public var description: String { rawValue }
}

/// The state a zero-copy message keeps for its deallocator: libzmq holds a
/// retained reference to it (as the "hint" of `zmq_msg_init_data`) and
/// gives it back, exactly once, to ``messageFreeCallback``.
private final class Deallocation: Sendable {
  let count: Int
  let deallocator: @Sendable (UnsafeMutableRawBufferPointer) -> Void
  /// Publishes the box, and what the creating thread did before (filling
  /// the buffer), to the thread that runs the deallocator: libzmq's queues
  /// already order these accesses, but this release/acquire pair does not
  /// depend on them and is visible to ThreadSanitizer.
  private let published = Atomic<Bool>(false)

  init(count: Int, deallocator: @escaping @Sendable (UnsafeMutableRawBufferPointer) -> Void) {
    self.count = count
    self.deallocator = deallocator
    published.store(true, ordering: .releasing)
  }

  /// Hands the buffer back: the same base address and count the message
  /// was made with (libzmq passes the base address back unchanged).
  func run(_ base: UnsafeMutableRawPointer?) {
    _ = published.load(ordering: .acquiring)
    deallocator(UnsafeMutableRawBufferPointer(start: base, count: count))
  }
}

/// libzmq's free function for zero-copy messages. It runs once the last
/// reference to the message's content is gone — on the thread that closed
/// the last message, or on a libzmq I/O thread once the bytes are on the
/// wire — and takes back the `Deallocation` passed as the hint, so the box
/// is released exactly once.
private let messageFreeCallback: @convention(c) (UnsafeMutableRawPointer?, UnsafeMutableRawPointer?) -> Void = {
  data, hint in
  guard let hint else { return }
  Unmanaged<Deallocation>.fromOpaque(hint).takeRetainedValue().run(data)
}

/// One ZeroMQ message part, owning a libzmq `zmq_msg_t`.
///
/// A `Message` lets bytes travel without being copied: ``Socket/send(_:flags:)-(Message,_)``
/// hands the message's storage to libzmq, ``Socket/recv(into:flags:)-(Message,_)``
/// receives into it, and ``withUnsafeBytes(_:)`` reads the bytes where they
/// lie. One `Message` can be reused for any number of receives; each
/// receive releases the previous content and allocates nothing on the Swift
/// side.
///
/// ```swift
/// let message = try Message("hello")
/// print(message.size)   // 5
/// ```
///
/// `Message` is a class because a `zmq_msg_t` must never be copied byte by
/// byte (both copies would release libzmq's reference-counted content): the
/// `zmq_msg_t` lives in storage that never moves and is closed once, when
/// the last reference goes away. Unlike a non-copyable struct, a class can
/// be kept in arrays (``Socket/recvMultipartMessages(flags:)``), optionals
/// and closures. Creating a `Message` allocates; receiving into an existing
/// one, or ``reset(unsafeUninitializedSize:)``, does not.
///
/// Like a socket, a message must be used by one thread at a time, so it is
/// not `Sendable`; hand it to another task or thread only when you let go
/// of it.
public final class Message {
  /// The libzmq message, in storage of its own that never moves.
  ///
  /// Code that changes the `zmq_msg_t` through this pointer (initializes,
  /// closes, receives into, sends or copies into it, or sets a field that
  /// holds memory, such as a long group) must also update ``content``.
  let raw: UnsafeMutablePointer<zmq_msg_t>

  /// What the Swift side knows about the `zmq_msg_t`'s content, so that the
  /// per-message paths can leave out libzmq calls whose answer is known.
  enum Content: UInt8 {
    /// Holds nothing that `zmq_msg_close` would release: freshly made by
    /// `zmq_msg_init`, or emptied by a successful `zmq_msg_send` (which
    /// leaves nothing to close).
    case released
    /// Holds fewer than `Int32.max` bytes, the size up to which
    /// `zmq_msg_send`'s and `zmq_msg_recv`'s results are exact.
    case belowInt32Max
    /// Anything else: a size that may have saturated those results.
    case unknown
  }

  /// See ``Content``. Only ever read and written by the thread that uses
  /// the message (a `Message` is not `Sendable`), and never held across a
  /// call that could reach it again, so the run-time exclusivity check
  /// would only cost time on every message.
  @exclusivity(unchecked) var content: Content

  /// Allocates the storage and lets `initialize` set it up; when that
  /// throws, the storage is released and nothing was initialized. Pass the
  /// ``content`` that `initialize` leaves behind when it is known.
  init<E: Error>(
    content: Content = .unknown, _ initialize: (UnsafeMutablePointer<zmq_msg_t>) throws(E) -> Void
  ) throws(E) {
    let raw = UnsafeMutablePointer<zmq_msg_t>.allocate(capacity: 1)
    do {
      try initialize(raw)
    } catch {
      raw.deallocate()
      throw error
    }
    self.raw = raw
    self.content = content
  }

  /// The ``content`` of a message that holds `size` bytes.
  @inline(__always)
  static func content(ofSize size: Int) -> Content {
    size < Int(Int32.max) ? .belowInt32Max : .unknown
  }

  /// Creates an empty message, ready to receive into (`zmq_msg_init`).
  public convenience init() {
    self.init(content: .released) { raw in zmq_msg_init(raw) }  // cannot fail
  }

  /// Creates a message of `size` bytes, all zero, to be filled with
  /// ``withUnsafeMutableBytes(_:)`` (`zmq_msg_init_size`).
  ///
  /// - Throws: ``MessageError/negativeSize(_:)`` for a negative size,
  ///   ``ZMQError/enomem`` when the memory cannot be allocated.
  public convenience init(size: Int) throws {
    try self.init(unsafeUninitializedSize: size)
    if size > 0 { zmq_msg_data(raw).initializeMemory(as: UInt8.self, repeating: 0, count: size) }
  }

  /// Creates a message of `size` bytes without clearing them
  /// (`zmq_msg_init_size`): faster for large messages you are going to
  /// overwrite anyway. Until you do, the bytes are whatever the memory
  /// held.
  ///
  /// - Throws: ``MessageError/negativeSize(_:)`` for a negative size,
  ///   ``ZMQError/enomem`` when the memory cannot be allocated.
  public convenience init(unsafeUninitializedSize size: Int) throws {
    guard size >= 0 else { throw MessageError.negativeSize(size) }
    try self.init(content: Message.content(ofSize: size)) { (raw) throws(ZMQError) in
      try CallFunnel.check(zmq_msg_init_size(raw, size))
    }
  }

  /// Gives the message new content of `size` bytes without clearing them,
  /// reusing this `Message` (`zmq_msg_close` + `zmq_msg_init_size`): the
  /// way to send many messages from one object, as C code reuses one
  /// `zmq_msg_t`. The old content is released first (a zero-copy
  /// deallocator runs if this was its last reference); ``more`` and the
  /// metadata of a received message go with it.
  ///
  /// ```swift
  /// let message = Message()
  /// for value in 1...3 {
  ///     try message.reset(unsafeUninitializedSize: 1)
  ///     try message.withUnsafeMutableBytes { $0[0] = UInt8(value) }
  ///     print(message.bytes)
  /// }
  /// // prints: [1]
  /// // prints: [2]
  /// // prints: [3]
  /// ```
  ///
  /// - Throws: ``MessageError/negativeSize(_:)`` for a negative size (the
  ///   message is left as it was), ``ZMQError/enomem`` when the memory
  ///   cannot be allocated (the message is then empty).
  public func reset(unsafeUninitializedSize size: Int) throws {
    guard size >= 0 else { throw MessageError.negativeSize(size) }
    // After a successful send (the usual case when one message carries
    // every send) libzmq has already emptied the message: nothing to close.
    if content != .released { zmq_msg_close(raw) }
    guard zmq_msg_init_size(raw, size) == 0 else { try failedReset() }
    content = Message.content(ofSize: size)
  }

  /// The rare end of ``reset(unsafeUninitializedSize:)``, kept out of its
  /// per-message path: `zmq_msg_init_size` failed and left the storage
  /// uninitialized.
  @inline(never)
  private func failedReset() throws(ZMQError) -> Never {
    let error = ZMQError.current  // before any other call can change errno
    zmq_msg_init(raw)  // keep a valid (empty) message for later use and deinit
    content = .released
    throw error
  }

  /// Gives the message new content of `size` zero bytes, reusing this
  /// `Message`; see ``reset(unsafeUninitializedSize:)``.
  ///
  /// - Throws: as ``reset(unsafeUninitializedSize:)`` does.
  public func reset(size: Int) throws {
    try reset(unsafeUninitializedSize: size)
    if size > 0 { zmq_msg_data(raw).initializeMemory(as: UInt8.self, repeating: 0, count: size) }
  }

  /// Makes the message empty, releasing its content (`zmq_msg_close` +
  /// `zmq_msg_init`), as a new ``init()`` message is.
  public func reset() {
    if content != .released { zmq_msg_close(raw) }
    zmq_msg_init(raw)
    content = .released
  }

  /// Sets up `raw` as a message holding a copy of `buffer`'s bytes.
  static func initialize(_ raw: UnsafeMutablePointer<zmq_msg_t>, copying buffer: UnsafeRawBufferPointer)
    throws(ZMQError)
  {
    try CallFunnel.check(zmq_msg_init_size(raw, buffer.count))
    if let base = buffer.baseAddress, buffer.count > 0 {
      zmq_msg_data(raw).copyMemory(from: base, byteCount: buffer.count)
    }
  }

  /// Creates a message holding a copy of the bytes of `buffer` (the only
  /// copy: sending the message later does not copy again).
  ///
  /// - Throws: ``ZMQError/enomem`` when the memory cannot be allocated.
  public convenience init(copying buffer: UnsafeRawBufferPointer) throws {
    try self.init(content: Message.content(ofSize: buffer.count)) { (raw) throws(ZMQError) in
      try Message.initialize(raw, copying: buffer)
    }
  }

  /// Creates a message holding a copy of `bytes`.
  ///
  /// - Throws: ``ZMQError/enomem`` when the memory cannot be allocated.
  public convenience init(_ bytes: [UInt8]) throws {
    try self.init(content: Message.content(ofSize: bytes.count)) { raw in
      try bytes.withUnsafeBytes { buffer in try Message.initialize(raw, copying: buffer) }
    }
  }

  /// Creates a message holding the UTF-8 bytes of `string`, without a
  /// terminating NUL.
  ///
  /// - Throws: ``ZMQError/enomem`` when the memory cannot be allocated.
  public convenience init(_ string: String) throws {
    var string = string  // withUTF8 only copies strings that are not native UTF-8
    try self.init(content: Message.content(ofSize: string.utf8.count)) { raw in
      try string.withUTF8 { utf8 in
        try Message.initialize(raw, copying: UnsafeRawBufferPointer(utf8))
      }
    }
  }

  /// Creates a message that sends `buffer`'s bytes without copying them
  /// (`zmq_msg_init_data`). The message takes ownership of the buffer and
  /// gives it back by calling `deallocator` once libzmq no longer needs it.
  ///
  /// `deallocator` runs **exactly once** in every case:
  /// - after a successful send, once libzmq is done with the bytes: when
  ///   they have been written to the network (on one of the context's I/O
  ///   threads), or, over `inproc://`, when the receiver releases the
  ///   message it received (on the receiver's thread);
  /// - when the message is released without having been sent (its last
  ///   reference dropped, or a failed send followed by the drop);
  /// - before this initializer throws, if it does.
  ///
  /// It may therefore run on any thread, and it must not call back into
  /// ZeroMQ. Do not change the bytes until it has run.
  ///
  /// ```swift
  /// let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1024, alignment: 8)
  /// buffer.initializeMemory(as: UInt8.self, repeating: 7)
  /// let message = try Message(noCopy: buffer) { $0.deallocate() }
  /// ```
  ///
  /// - Throws: ``ZMQError/enomem`` when libzmq cannot allocate its small
  ///   bookkeeping record (the deallocator has run by then).
  public convenience init(
    noCopy buffer: UnsafeMutableRawBufferPointer,
    deallocator: @escaping @Sendable (UnsafeMutableRawBufferPointer) -> Void
  ) throws {
    let deallocation = Deallocation(count: buffer.count, deallocator: deallocator)
    let hint = Unmanaged.passRetained(deallocation).toOpaque()
    do {
      try self.init(content: Message.content(ofSize: buffer.count)) { (raw) throws(ZMQError) in
        try CallFunnel.check(
          zmq_msg_init_data(raw, buffer.baseAddress, buffer.count, messageFreeCallback, hint))
      }
    } catch {
      // libzmq did not take the buffer: release it here, as promised.
      Unmanaged<Deallocation>.fromOpaque(hint).takeRetainedValue().run(buffer.baseAddress)
      throw error
    }
  }

  deinit {
    zmq_msg_close(raw)  // runs a zero-copy deallocator when this was the last reference
    raw.deallocate()
  }

  /// The number of bytes in the message (`zmq_msg_size`). `0` for an empty
  /// message and for a message that has just been sent.
  public var size: Int { zmq_msg_size(raw) }

  /// Whether the message is empty (has no bytes).
  public var isEmpty: Bool { size == 0 }

  /// Whether more parts of the same multipart message follow this one
  /// (`zmq_msg_more`): set on every received part but the last.
  public var more: Bool { zmq_msg_more(raw) != 0 }

  /// Whether libzmq shares this message's content with other messages
  /// (`ZMQ_SHARED`): after ``copy()``, or when a socket delivered one
  /// message to several peers. Messages of up to 33 bytes, which libzmq
  /// stores inside the `zmq_msg_t`, are never shared.
  public var isShared: Bool { zmq_msg_get(raw, ZMQ_SHARED) == 1 }

  /// Calls `body` with the message's bytes where they lie, without copying
  /// them (`zmq_msg_data`). The buffer is valid only inside `body`, and
  /// only until the message is sent or received into again.
  public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
    let count = zmq_msg_size(raw)
    return try body(UnsafeRawBufferPointer(start: count == 0 ? nil : zmq_msg_data(raw), count: count))
  }

  /// Calls `body` with the message's bytes, writable in place: fill a
  /// message made by ``init(size:)`` this way.
  ///
  /// When the content is shared with other messages (``isShared``), the
  /// message first gets a private copy of its bytes, so the others never see
  /// the change; the copy keeps the bytes only, not ``more`` or the
  /// metadata.
  ///
  /// - Throws: ``ZMQError/enomem`` when the private copy cannot be
  ///   allocated, and whatever `body` throws.
  public func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) throws -> R {
    if isShared { try makeUnique() }
    let count = zmq_msg_size(raw)
    return try body(UnsafeMutableRawBufferPointer(start: count == 0 ? nil : zmq_msg_data(raw), count: count))
  }

  /// Replaces shared content by a private copy of the same bytes.
  private func makeUnique() throws(ZMQError) {
    let count = zmq_msg_size(raw)
    try withUnsafeTemporaryAllocation(of: zmq_msg_t.self, capacity: 1) { (storage) throws(ZMQError) in
      let fresh = storage.baseAddress!
      try CallFunnel.check(zmq_msg_init_size(fresh, count))
      if count > 0 { zmq_msg_data(fresh).copyMemory(from: zmq_msg_data(raw), byteCount: count) }
      zmq_msg_move(raw, fresh)  // closes the shared content, leaves `fresh` empty
      zmq_msg_close(fresh)
    }
  }

  /// Makes a second message with the same content without copying the
  /// bytes (`zmq_msg_copy`): libzmq counts references to the content, so
  /// each message can be sent (or dropped) on its own, and a zero-copy
  /// deallocator runs once both are gone. (Messages of up to 33 bytes are
  /// duplicated instead: libzmq stores them inside the `zmq_msg_t`.)
  ///
  /// - Throws: ``ZMQError`` if libzmq refuses (it does not for a valid
  ///   message).
  public func copy() throws -> Message {
    let copy = Message()
    try CallFunnel.check(zmq_msg_copy(copy.raw, raw))
    copy.content = content
    return copy
  }

  /// The message's bytes, copied into an array.
  public var bytes: [UInt8] {
    withUnsafeBytes { buffer in [UInt8](buffer) }
  }

  /// The message's bytes decoded as UTF-8, as ``Socket/recvString(flags:)``
  /// decodes them: one trailing NUL is dropped when it is the message's only
  /// NUL, and bytes that are not valid UTF-8 become U+FFFD.
  public var string: String {
    withUnsafeBytes { bytes in ReceivedBytes.string(bytes) }
  }

  /// A metadata property of a received message (`zmq_msg_gets`), e.g.
  /// `message.metadata(.peerAddress)`, or `nil` when the message does not
  /// have it.
  ///
  /// Properties come from the connection the message arrived on, so only
  /// messages received over `tcp://` or `ipc://` have any:
  /// - ``MessageProperty/socketType``: the peer's socket type (`"PAIR"`,
  ///   `"DEALER"`, …);
  /// - ``MessageProperty/routingId``: the routing id announced by a REQ,
  ///   DEALER or ROUTER peer (empty when it did not set one);
  /// - ``MessageProperty/peerAddress``: the remote IP address on `tcp://`,
  ///   `"localhost:UID:GID:PID"` of the peer process on `ipc://`;
  /// - ``MessageProperty/userId``: the user id given by ZAP authentication;
  /// - `X-…` application properties the peer set with `ZMQ_METADATA`.
  public func metadata(_ property: MessageProperty) -> String? {
    metadata(property.rawValue)
  }

  /// A metadata property of a received message by its name, e.g.
  /// `message.metadata("Peer-Address")`, or `nil` when the message does not
  /// have it (`zmq_msg_gets`). See ``metadata(_:)-(MessageProperty)``.
  public func metadata(_ name: String) -> String? {
    // A NUL would cut the name short in C and look up another property.
    guard !name.utf8.contains(0) else { return nil }
    if let value = zmq_msg_gets(raw, name) { return String(cString: value) }
    // libzmq 4.3 documents "Routing-Id" but stores the handshake's routing
    // id under its ZMTP name, "Identity" (it only maps the other way round).
    if name == MessageProperty.routingId.rawValue, let value = zmq_msg_gets(raw, "Identity") {
      return String(cString: value)
    }
    return nil
  }
}

extension Message: CustomStringConvertible {
  /// The size, and whether more parts follow, e.g. `Message(5 bytes, more)`.
  public var description: String {
    let size = self.size
    return "Message(\(size) byte\(size == 1 ? "" : "s")\(more ? ", more" : ""))"
  }
}

/// A message is confined to one thread at a time, as in libzmq.
@available(*, unavailable, message: "a ZeroMQ message must be used by one thread at a time")
extension Message: Sendable {}
