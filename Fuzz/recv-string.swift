// libFuzzer target: the string decoding of Socket.recvString (and of
// Message.string, which promises the same result). The input is one
// message's bytes. Properties:
// - the result is the input's UTF-8 decoding (invalid sequences become
//   U+FFFD) after dropping a final NUL that is the input's only NUL — checked
//   against a byte-level model of that rule;
// - valid UTF-8 comes back byte for byte, every NUL but a lone final one is
//   kept;
// - Message.string and a real recvString over inproc give the same bytes.

nonisolated(unsafe) let stringPair = InprocPair()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecvString(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let input = UnsafeRawBufferPointer(start: data, count: size)
  let bytes = Array(input)
  let text = ReceivedBytes.string(input)
  let decoded = Array(text.utf8)

  // The model: which bytes are decoded.
  let nulCount = bytes.count { $0 == 0 }
  let dropsNul = bytes.last == 0 && nulCount == 1
  let body = dropsNul ? Array(bytes.dropLast()) : bytes
  require(decoded == Array(String(decoding: body, as: UTF8.self).utf8), "decoding differs from the model")
  if String(validating: body, as: UTF8.self) != nil {
    require(decoded == body, "valid UTF-8 was not returned unchanged")
  } else {
    require(text.unicodeScalars.contains("\u{FFFD}"), "invalid UTF-8 decoded without a replacement character")
  }
  // Decoding never adds or removes NULs except the lone final one.
  require(decoded.count { $0 == 0 } == nulCount - (dropsNul ? 1 : 0), "NULs were added or lost")

  // Message.string is documented to decode as recvString does.
  do {
    let message = try Message(copying: input)
    require(Array(message.string.utf8) == decoded, "Message.string differs from recvString's decoding")
  } catch {
    fatalError("Message(copying:) failed: \(error)")
  }

  // The socket method uses the same decoding.
  stringPair.send([bytes])
  do {
    guard let received = try stringPair.receiver.recvString() else { fatalError("recvString returned nil") }
    require(Array(received.utf8) == decoded, "recvString differs from the pure decoder")
  } catch {
    fatalError("recvString failed: \(error)")
  }
  return 0
}
