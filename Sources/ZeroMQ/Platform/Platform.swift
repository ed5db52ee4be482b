// The C library of the platform, imported in this file only.
//
// Everything the runtime needs from it beyond libzmq — errno, poll(2),
// pipes, reads and writes of descriptors, POSIX threads (named through the
// C shim on Linux) — is a member of `SystemCalls` (declared in
// SystemCalls.swift) and implemented here, so the platform `#if` and the
// C calls stay in one place. The members are
// thin: they translate C conventions (out-parameters, `pthread_t` differing
// between Darwin and glibc) into Swift values and leave policy (retries,
// error types) to the callers.

internal import CZeroMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// The C names, reachable from members that share a role (and would hide
// a global of the same name).
private var cErrno: Int32 {
  get { errno }
  set { errno = newValue }
}
private func cPoll(_ fds: UnsafeMutablePointer<pollfd>?, _ count: Int, _ timeout: Int32) -> Int32 {
  poll(fds, nfds_t(count), timeout)
}

extension SystemCalls {
  /// `struct pollfd`, one descriptor for ``poll(_:timeout:)``.
  typealias PollDescriptor = pollfd

  /// `POLLIN`: the descriptor can be read.
  static let pollIn = Int16(POLLIN)

  /// The calling thread's `errno`; readable and writable.
  static var lastErrno: Int32 {
    get { cErrno }
    set { cErrno = newValue }
  }

  /// poll(2) over `descriptors`: waits up to `timeout` milliseconds (`-1`:
  /// without limit) and returns the number of ready descriptors, `0` on
  /// time-out, `-1` with ``lastErrno`` set on failure.
  static func poll(_ descriptors: inout [PollDescriptor], timeout: Int32) -> Int32 {
    descriptors.withUnsafeMutableBufferPointer { cPoll($0.baseAddress, $0.count, timeout) }
  }

  /// Polls two descriptors for readability without an array (the event
  /// loop's inline wait: its wake-up descriptor and one socket's). Returns
  /// poll(2)'s result and whether each was reported; an interrupted call
  /// (`EINTR`) reports neither.
  static func poll(_ first: Int32, _ second: Int32, timeout: Int32) -> (count: Int32, first: Bool, second: Bool) {
    var pair = (pollDescriptor(first), pollDescriptor(second))
    let count = withUnsafeMutableBytes(of: &pair) { bytes in
      cPoll(bytes.baseAddress!.assumingMemoryBound(to: PollDescriptor.self), 2, timeout)
    }
    guard count > 0 else { return (count, false, false) }
    return (count, isReported(pair.0), isReported(pair.1))
  }

  /// A pipe whose two ends are non-blocking and closed on `exec`, or `nil`
  /// with ``lastErrno`` set.
  static func makeNonBlockingPipe() -> (read: Int32, write: Int32)? {
    var ends: [Int32] = [-1, -1]
    guard ends.withUnsafeMutableBufferPointer({ pipe($0.baseAddress!) }) == 0 else { return nil }
    for end in ends {
      _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
      _ = fcntl(end, F_SETFD, FD_CLOEXEC)
    }
    return (ends[0], ends[1])
  }

  /// read(2) into `buffer`: the byte count, `0` at end of file, `-1` with
  /// ``lastErrno`` set (`EAGAIN` when a non-blocking descriptor is empty).
  static func readBytes(from descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
    read(descriptor, buffer.baseAddress, buffer.count)
  }

  /// write(2) of `buffer`: the byte count, or `-1` with ``lastErrno`` set.
  static func writeBytes(to descriptor: Int32, _ buffer: UnsafeRawBufferPointer) -> Int {
    write(descriptor, buffer.baseAddress, buffer.count)
  }

  /// close(2).
  @discardableResult
  static func closeDescriptor(_ descriptor: Int32) -> Int32 {
    close(descriptor)
  }

  /// The canonical text of a numeric IPv4 or IPv6 address (inet_pton(3),
  /// then inet_ntop(3)), `nil` for anything else.
  static func canonicalIPAddress(_ text: String) -> String? {
    guard !text.utf8.contains(0) else { return nil }
    var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
    var storage = in6_addr()
    for family in [AF_INET, AF_INET6] {
      let parsed = withUnsafeMutableBytes(of: &storage) { inet_pton(family, text, $0.baseAddress) }
      guard parsed == 1 else { continue }
      let written = withUnsafeBytes(of: &storage) { bytes in
        buffer.withUnsafeMutableBufferPointer {
          inet_ntop(family, bytes.baseAddress, $0.baseAddress, socklen_t($0.count)) != nil
        }
      }
      guard written else { return nil }
      return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
    return nil
  }

  /// Whether `bytes` holds a zero byte (memchr(3)).
  @inline(__always)
  static func containsZeroByte(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard let base = bytes.baseAddress, !bytes.isEmpty else { return false }
    return memchr(base, 0, bytes.count) != nil
  }
}

// MARK: - Threads

extension NativeThread {
  /// pthread_create(3) of a thread that runs ``entryPoint(_:)`` with
  /// `argument`; returns the thread or the error.
  static func create(_ argument: UnsafeMutableRawPointer) -> Result<NativeThread, ZMQError> {
    #if canImport(Darwin)
    var thread: pthread_t?
    let result = pthread_create(
      &thread, nil,
      { argument in
        NativeThread.entryPoint(argument)
        return nil
      }, argument)
    guard result == 0, let thread else { return .failure(ZMQError(code: result)) }
    return .success(NativeThread(id: UInt(bitPattern: thread)))
    #else
    var thread = pthread_t()
    let result = pthread_create(
      &thread, nil,
      { argument in
        NativeThread.entryPoint(argument!)
        return nil
      }, argument)
    guard result == 0 else { return .failure(ZMQError(code: result)) }
    return .success(NativeThread(id: UInt(thread)))
    #endif
  }

  private var native: pthread_t {
    #if canImport(Darwin)
    pthread_t(bitPattern: id)!
    #else
    pthread_t(id)
    #endif
  }

  /// Whether the caller runs on this thread.
  var isCurrent: Bool { pthread_equal(pthread_self(), native) != 0 }

  /// Waits for the thread to end (pthread_join(3)).
  func join() { pthread_join(native, nil) }

  /// Lets the thread end on its own (pthread_detach(3)).
  func detach() { pthread_detach(native) }

  /// Names the calling thread, for debuggers (on Linux through the C shim:
  /// the kernel keeps the first 15 bytes).
  static func nameCurrent(_ name: String) {
    #if canImport(Darwin)
    _ = pthread_setname_np(name)
    #elseif os(Linux)
    swiftzmq_name_current_thread(name)
    #endif
  }
}
