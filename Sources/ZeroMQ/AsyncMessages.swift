internal import CZeroMQ

/// The messages arriving on a socket, as an `AsyncSequence`: one element per
/// message part, received with the socket's async receive (see
/// ``Socket/recvAsync()``).
///
/// ```swift
/// for try await bytes in socket.messages {
///   handle(bytes)
/// }
/// ```
///
/// Get one from ``Socket/messages`` (bytes), ``Socket/strings`` (UTF-8
/// text) or ``Socket/multipartMessages`` (whole messages). The sequence:
///
/// - waits without blocking a thread, on the executor of the task that
///   iterates it;
/// - **ends** (returns `nil`) when the socket is closed or its context is
///   shut down or terminated, also while it waits;
/// - throws `CancellationError` when the iterating task is cancelled; no
///   message is lost, a later receive gets it;
/// - throws ``ZMQError/eagain`` when the socket's `.rcvtimeo` is positive and
///   no message arrives in time (the default, `-1`, waits forever), and any
///   other receive error.
///
/// Like the socket, the sequence and its iterator are not `Sendable`:
/// iterate them where the socket lives. Several iterators over one socket
/// share its messages, each message going to exactly one of them.
public struct SocketMessages<Element>: AsyncSequence {
  /// The sequence throws receive errors (and `CancellationError`).
  public typealias Failure = any Error

  private let socket: Socket
  private let receive: (Socket) throws -> Element?

  init(socket: Socket, receive: @escaping (Socket) throws -> Element?) {
    self.socket = socket
    self.receive = receive
  }

  /// Makes an iterator that receives from the socket.
  public func makeAsyncIterator() -> Iterator {
    Iterator(socket: socket, receive: receive)
  }

  /// Receives the socket's messages one at a time.
  public struct Iterator: AsyncIteratorProtocol {
    private let socket: Socket
    private let receive: (Socket) throws -> Element?
    private var finished = false

    init(socket: Socket, receive: @escaping (Socket) throws -> Element?) {
      self.socket = socket
      self.receive = receive
    }

    /// The next message, or `nil` once the socket is closed or its context
    /// is shut down. Runs on the caller's executor.
    nonisolated(nonsending)
      public mutating func next() async throws -> Element?
    {
      guard !finished else { return nil }
      do {
        let socket = self.socket, receive = self.receive
        return try await socket.untilReady(.receive) { try receive(socket) }
      } catch let error as ZMQError where error == .enotsock || error == .eterm {
        finished = true
        return nil
      }
    }

    /// The next message, or `nil` once the socket is closed or its context
    /// is shut down; `for try await` calls this form, on `actor`'s executor.
    public mutating func next(isolation actor: isolated (any Actor)?) async throws -> Element? {
      try await next()
    }
  }
}

/// Sequences of messages are bound to their socket's isolation domain.
@available(*, unavailable, message: "a socket's message sequence must be iterated where the socket lives")
extension SocketMessages: Sendable {}

/// Iterators are bound to their socket's isolation domain.
@available(*, unavailable, message: "a socket's message iterator must be used where the socket lives")
extension SocketMessages.Iterator: Sendable {}

extension Socket {
  /// The message parts arriving on this socket, as bytes, in an
  /// `AsyncSequence` that ends when the socket is closed or its context is
  /// shut down.
  ///
  /// ```swift
  /// for try await bytes in socket.messages {
  ///   print(bytes.count)
  /// }
  /// ```
  ///
  /// See ``SocketMessages`` for how it waits, ends and throws.
  public var messages: SocketMessages<[UInt8]> {
    SocketMessages(socket: self) { try $0.recv(flags: .dontWait) }
  }

  /// The message parts arriving on this socket, decoded as UTF-8 as by
  /// ``recvString(flags:)``, in an `AsyncSequence` that ends when the socket
  /// is closed or its context is shut down.
  ///
  /// See ``SocketMessages`` for how it waits, ends and throws.
  public var strings: SocketMessages<String> {
    SocketMessages(socket: self) { try $0.recvString(flags: .dontWait) }
  }

  /// Whole messages arriving on this socket, each as the list of its parts
  /// (as from ``recvMultipart(flags:)``), in an `AsyncSequence` that ends
  /// when the socket is closed or its context is shut down.
  ///
  /// See ``SocketMessages`` for how it waits, ends and throws.
  public var multipartMessages: SocketMessages<[[UInt8]]> {
    SocketMessages(socket: self) { try $0.recvMultipart(flags: .dontWait) }
  }
}
