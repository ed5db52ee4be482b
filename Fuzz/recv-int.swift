// libFuzzer target: the integer decoding of Socket.recvInt (exactly 4
// bytes, little-endian) and Socket.recvInt64 (exactly 8 bytes,
// little-endian), as the API defines them. The input is one message's bytes. Properties:
// - each decoder accepts exactly its documented size and otherwise throws
//   MessageSizeError naming both sizes;
// - an accepted value is the little-endian reading of the bytes (checked
//   against byte-by-byte arithmetic) and re-encodes to the same bytes;
// - over inproc, recvInt/recvInt64 agree with the pure decoders and consume
//   a wrong-size message (the next receive gets the next message).

nonisolated(unsafe) let intPair = InprocPair()

/// The little-endian value of `bytes`, computed one byte at a time.
func littleEndianValue(_ bytes: [UInt8]) -> UInt64 {
  var value: UInt64 = 0
  for (index, byte) in bytes.enumerated() { value |= UInt64(byte) << (8 * UInt64(index)) }
  return value
}

/// Checks one decoder against the model for a message of `bytes`.
func checkDecoder<Value: FixedWidthInteger>(
  _ bytes: [UInt8], size: Int, _ decode: (UnsafeRawBufferPointer) throws(MessageSizeError) -> Value
) -> Result<Value, MessageSizeError> {
  let result = bytes.withUnsafeBytes { buffer in Result { () throws(MessageSizeError) in try decode(buffer) } }
  switch result {
  case .success(let value):
    require(bytes.count == size, "a \(bytes.count)-byte message was accepted as a \(size)-byte integer")
    require(value == Value(truncatingIfNeeded: littleEndianValue(bytes)), "wrong value \(value) for \(bytes)")
    require(withUnsafeBytes(of: value.littleEndian) { Array($0) } == bytes, "\(value) does not re-encode to \(bytes)")
  case .failure(let error):
    require(bytes.count != size, "a \(size)-byte message was refused: \(error)")
    require(error == MessageSizeError(expected: size, received: bytes.count), "wrong error \(error)")
    require(!error.description.isEmpty, "empty error description")
  }
  return result
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRecvInt(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let bytes = Array(UnsafeRawBufferPointer(start: data, count: size))
  let int32 = checkDecoder(bytes, size: 4, ReceivedBytes.int32)
  let int64 = checkDecoder(bytes, size: 8, ReceivedBytes.int64)

  // Through a socket: the same outcome, and a refused message is consumed.
  let sentinel = Int32(bitPattern: 0x5A5A_0001)
  func receive<Value: Equatable>(_ expected: Result<Value, MessageSizeError>, _ call: () throws -> Value?) {
    intPair.send([bytes])
    do {
      guard let value = try call() else { fatalError("receive returned nil") }
      require(expected == .success(value), "socket decoded \(value), pure decoder \(expected)")
    } catch let error as MessageSizeError {
      require(expected == .failure(error), "socket threw \(error), pure decoder \(expected)")
    } catch {
      fatalError("receive failed: \(error)")
    }
    do {
      try intPair.sender.send(sentinel)
      require(try intPair.receiver.recvInt() == sentinel, "the message after \(bytes) was not the next one")
    } catch {
      fatalError("sentinel round trip failed: \(error)")
    }
  }
  receive(int32) { try intPair.receiver.recvInt() }
  receive(int64) { try intPair.receiver.recvInt64() }
  return 0
}
