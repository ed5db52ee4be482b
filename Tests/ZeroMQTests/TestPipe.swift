#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A non-blocking pipe for the poller's file-descriptor tests; the ends
/// still open are closed when it is released.
final class TestPipe {
  private(set) var readEnd: Int32 = -1
  private(set) var writeEnd: Int32 = -1

  init() throws {
    var ends: [Int32] = [-1, -1]
    guard pipe(&ends) == 0 else { throw TestPipeError(call: "pipe", code: errno) }
    for end in ends { _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK) }
    readEnd = ends[0]
    writeEnd = ends[1]
  }

  deinit {
    if readEnd >= 0 { _ = close(readEnd) }
    if writeEnd >= 0 { _ = close(writeEnd) }
  }

  /// Writes `count` bytes; returns how many the pipe took.
  @discardableResult
  func put(_ count: Int = 1) -> Int {
    let bytes = [UInt8](repeating: 7, count: count)
    return bytes.withUnsafeBytes { max(0, write(writeEnd, $0.baseAddress, $0.count)) }
  }

  /// Writes until the pipe is full.
  func fill() {
    while put(4096) > 0 {}
  }

  /// Reads everything there is; returns the byte count.
  @discardableResult
  func drain() -> Int {
    var total = 0
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
      let got = buffer.withUnsafeMutableBytes { read(readEnd, $0.baseAddress, $0.count) }
      if got <= 0 { return total }
      total += got
    }
  }

  func closeWriteEnd() {
    _ = close(writeEnd)
    writeEnd = -1
  }
}

struct TestPipeError: Error {
  let call: String
  let code: Int32
}

/// Writes one byte to `fd` (for a task that cannot hold the pipe).
func writeOneByte(to fd: Int32) {
  var byte: UInt8 = 1
  _ = write(fd, &byte, 1)
}

/// Makes `number` a copy of `fd`: a descriptor far above the ones the
/// process allocates (the lowest free number is always taken), so that
/// closing it leaves a number no parallel test reuses.
func duplicate(_ fd: Int32, to number: Int32) throws -> Int32 {
  guard fcntl(number, F_GETFD) == -1 else { throw TestPipeError(call: "fcntl (number in use)", code: number) }
  guard dup2(fd, number) == number else { throw TestPipeError(call: "dup2", code: errno) }
  return number
}

/// Closes a descriptor made by `duplicate(_:to:)`.
func closeDescriptor(_ fd: Int32) {
  _ = close(fd)
}

/// A descriptor number high above those in use: the open-files limit
/// allows it, and the process would need that many files open to reach it.
func unusedHighDescriptor(_ offset: Int32) -> Int32 {
  let limit = Int32(clamping: sysconf(Int32(_SC_OPEN_MAX)))
  return max(64, min(limit - 8, 1000)) - offset
}
