// Helpers shared by the runtime's libFuzzer targets (compiled into each of
// them by Fuzz/runtime-targets.sh, in the ZeroMQ module).

/// Stops the run with `message` when a property does not hold; libFuzzer
/// reports the trap as a crash and writes the input as a reproducer.
func require(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #file, line: UInt = #line) {
  if !condition { fatalError("property violated: \(message())", file: file, line: line) }
}

/// Splits fuzzer input into message frames. Each frame is a length byte
/// followed by that many bytes: a length of 0…254 is taken as is (a frame
/// cut short by the end of the input keeps what there is), and 255 means
/// "the rest of the input", so the last frame can be of any size. Empty
/// input gives no frames.
func splitFrames(_ input: UnsafeRawBufferPointer) -> [[UInt8]] {
  var frames: [[UInt8]] = []
  var index = 0
  while index < input.count {
    let length = Int(input[index])
    index += 1
    let end = length == 255 ? input.count : min(index + length, input.count)
    frames.append(Array(input[index..<end]))
    index = end
  }
  return frames
}

/// The inverse of ``splitFrames(_:)``, for writing corpus entries and checking
/// round trips: every frame but the last must be shorter than 255 bytes.
func joinFrames(_ frames: [[UInt8]]) -> [UInt8] {
  var bytes: [UInt8] = []
  for (index, frame) in frames.enumerated() {
    if index == frames.count - 1 && frame.count >= 255 {
      bytes.append(255)
    } else {
      precondition(frame.count < 255, "only the last frame may have 255 bytes or more")
      bytes.append(UInt8(frame.count))
    }
    bytes += frame
  }
  return bytes
}

/// Two connected PAIR sockets over inproc, so that targets can push their
/// input through a real receive call and compare it with the pure decoder.
/// Receives time out after a second, so a lost message fails instead of
/// hanging the run.
final class InprocPair: @unchecked Sendable {
  static let context: Context = try! Context()
  nonisolated(unsafe) private static var counter = 0

  let sender: Socket
  let receiver: Socket
  let endpoint: String

  init() {
    Self.counter += 1
    endpoint = "inproc://fuzz-\(Self.counter)"
    do {
      receiver = try Self.context.socket(.pair)
      sender = try Self.context.socket(.pair)
      try receiver.set(.rcvtimeo, 1000)
      try receiver.set(.linger, 0)
      try sender.set(.linger, 0)
      try receiver.bind(endpoint)
      try sender.connect(endpoint)
    } catch {
      fatalError("fuzz setup: cannot make an inproc pair: \(error)")
    }
  }

  /// Sends `frames` as one multipart message (nothing for no frames).
  func send(_ frames: [[UInt8]]) {
    for (index, frame) in frames.enumerated() {
      do {
        try sender.send(frame, flags: index == frames.count - 1 ? [] : .sndMore)
      } catch {
        fatalError("fuzz setup: inproc send failed: \(error)")
      }
    }
  }
}
