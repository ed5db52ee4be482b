// The C library for the package's programs, imported in this one place: a
// program that imports ExampleSupport gets `exit`, `write`, `getrusage`, the
// signal numbers and the rest without a platform `#if` of its own. The
// library target does not depend on this one.

#if canImport(Glibc)
@_exported @preconcurrency import Glibc
#elseif canImport(Musl)
@_exported @preconcurrency import Musl
#elseif canImport(Darwin)
@_exported @preconcurrency import Darwin
#endif

/// Writes `message` and `terminator` to standard error in one unbuffered
/// `write`, so that it is not held back behind buffered standard output
/// and does not interleave with another thread's line.
public func printError(_ message: String, terminator: String = "\n") {
  var line = message + terminator
  line.withUTF8 { utf8 in _ = write(2, utf8.baseAddress, utf8.count) }
}

/// Makes standard output line-buffered, so that a parent process reading
/// it through a pipe sees each line as soon as it is printed.
public func lineBufferStandardOutput() {
  setvbuf(stdout, nil, _IOLBF, 0)
}
