/// The system calls and thread primitives the runtime uses besides libzmq:
/// the one boundary between the hand-written runtime and the C library.
///
/// Code outside `Platform/` calls these members, never the C functions;
/// they are implemented in Platform.swift, the only file that imports the
/// platform's C module.
///
/// - Descriptors: ``poll(_:timeout:)`` over ``PollDescriptor`` values
///   (``pollIn``), ``makeNonBlockingPipe()``,
///   ``readBytes(from:into:)``, ``writeBytes(to:_:)``,
///   ``closeDescriptor(_:)``.
/// - Errors: ``lastErrno``, the calling thread's `errno`.
/// - Memory: ``containsZeroByte(_:)``.
/// - Threads: ``startThread(name:body:)``, which returns a joinable
///   ``NativeThread``.
enum SystemCalls {
  /// Starts `body` on a new POSIX thread named `name`.
  ///
  /// The returned thread must be joined (``NativeThread/join()``) or
  /// detached (``NativeThread/detach()``) exactly once.
  ///
  /// - Throws: ``ZMQError`` with the error number of `pthread_create`
  ///   (`EAGAIN` when the system is out of threads).
  static func startThread(name: String, body: @escaping @Sendable () -> Void) throws(ZMQError) -> NativeThread {
    let box = Unmanaged.passRetained(NativeThread.Body(name: name, run: body)).toOpaque()
    switch NativeThread.create(box) {
    case .success(let thread):
      return thread
    case .failure(let error):
      Unmanaged<NativeThread.Body>.fromOpaque(box).release()
      throw error
    }
  }
}

/// A POSIX thread that can be joined (Foundation's `Thread` cannot), made
/// by ``SystemCalls/startThread(name:body:)``.
struct NativeThread: Sendable {
  /// The `pthread_t`, as an integer so that the value is `Sendable` on
  /// every platform (an opaque id, never dereferenced).
  let id: UInt

  /// What the new thread runs, handed over through `pthread_create`'s
  /// argument.
  final class Body {
    let name: String
    let run: @Sendable () -> Void
    init(name: String, run: @escaping @Sendable () -> Void) {
      self.name = name
      self.run = run
    }
  }

  /// The first Swift code on a new thread: takes the body back and runs it.
  static func entryPoint(_ argument: UnsafeMutableRawPointer) {
    let body = Unmanaged<Body>.fromOpaque(argument).takeRetainedValue()
    nameCurrent(body.name)
    body.run()
  }
}
