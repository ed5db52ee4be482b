import Foundation

/// What a finished program printed and how it exited.
struct SubprocessResult {
  var status: Int32
  var output: Data
  var errors: String
}

/// Runs a program found on `PATH` with no input and waits for it. Throws
/// only when the program cannot be started.
func runSubprocess(_ arguments: [String]) throws -> SubprocessResult {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = arguments
  let output = Pipe()
  let errors = Pipe()
  process.standardOutput = output
  process.standardError = errors
  process.standardInput = FileHandle.nullDevice
  try process.run()
  // Standard output is read to the end before waiting, so a large output
  // cannot fill the pipe and block the program; its errors are small.
  let data = output.fileHandleForReading.readDataToEndOfFile()
  let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
  process.waitUntilExit()
  return SubprocessResult(status: process.terminationStatus, output: data, errors: errorText)
}
