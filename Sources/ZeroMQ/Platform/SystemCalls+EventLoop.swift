// The system calls the async machinery needs: a wake-up descriptor, poll(2),
// a thread, and a thread-local slot naming the loop that runs on it.
// Part of the system-call boundary (see SystemCalls.swift): nothing in
// Async/ calls the C library directly.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One descriptor for poll(2), as the C library declares it.
typealias PollDescriptor = SystemCalls.PollDescriptor

extension SystemCalls {
  /// A descriptor that other threads make readable to interrupt a poll(2):
  /// the two ends of a non-blocking pipe.
  struct WakeUpDescriptor: Sendable {
    /// The end to poll and drain.
    let readEnd: Int32
    /// The end to write to.
    let writeEnd: Int32

    /// Creates one, non-blocking and closed on exec; `nil` when the
    /// process is out of descriptors.
    static func make() -> WakeUpDescriptor? {
      // A pipe everywhere: Glibc's Swift module does not export eventfd(2),
      // and one byte through a pipe costs the same two system calls.
      guard let ends = SystemCalls.makeNonBlockingPipe() else { return nil }
      return WakeUpDescriptor(readEnd: ends.read, writeEnd: ends.write)
    }

    /// Makes `readEnd` readable. A descriptor that is already readable
    /// stays so; nothing is lost when the write cannot be made.
    func signal() {
      var byte: UInt8 = 1
      _ = withUnsafeBytes(of: &byte) { SystemCalls.writeBytes(to: writeEnd, $0) }
    }

    /// Makes `readEnd` quiet again.
    func drain() {
      var buffer: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
      while withUnsafeMutableBytes(of: &buffer, { SystemCalls.readBytes(from: readEnd, into: $0) }) > 0 {}
    }

    func close() {
      SystemCalls.closeDescriptor(readEnd)
      SystemCalls.closeDescriptor(writeEnd)
    }
  }

  /// A poll descriptor that asks for readability of `fd`.
  static func pollDescriptor(_ fd: Int32) -> PollDescriptor {
    pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
  }

  /// Whether poll(2) reported anything for the descriptor (readable, hung
  /// up, or invalid because it was closed).
  static func isReported(_ descriptor: PollDescriptor) -> Bool {
    descriptor.revents != 0
  }

  /// Starts a detached thread running `body`; `false` when no thread can
  /// be made.
  static func startThread(named name: String, _ body: @escaping @Sendable () -> Void) -> Bool {
    guard let thread = try? startThread(name: name, body: body) else { return false }
    thread.detach()
    return true
  }

  /// The number of processors online (at least 1).
  static func processorCount() -> Int {
    max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
  }

  /// A per-thread slot holding one unretained object pointer: the event
  /// loop whose thread this is.
  struct ThreadSlot: Sendable {
    private let key: pthread_key_t

    init() {
      var key = pthread_key_t()
      let made = pthread_key_create(&key, nil)
      precondition(made == 0, "swift-zeromq: cannot create a thread-specific key (error \(made))")
      self.key = key
    }

    var value: UnsafeMutableRawPointer? {
      get { pthread_getspecific(key) }
      nonmutating set { _ = pthread_setspecific(key, newValue) }
    }
  }
}
