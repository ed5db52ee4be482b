import Testing
@testable import ZeroMQ

/// The receive decoders as pure functions (the ones the `recv-string` and
/// `recv-int` fuzz targets call), on the corner cases of their committed corpora.
@Suite struct ReceivedBytesTests {
  func string(_ bytes: [UInt8]) -> [UInt8] {
    Array(bytes.withUnsafeBytes { ReceivedBytes.string($0) }.utf8)
  }

  @Test func aLoneTrailingNulIsDroppedAndOtherNulsAreKept() {
    #expect(string([]) == [])
    #expect(string([0]) == [])
    #expect(string(Array("hello\0".utf8)) == Array("hello".utf8))
    #expect(string([0x61, 0, 0x62]) == [0x61, 0, 0x62])
    #expect(string([0x61, 0, 0x62, 0]) == [0x61, 0, 0x62, 0])
    #expect(string([0, 0]) == [0, 0])
  }

  @Test func invalidUTF8BecomesReplacementCharacters() {
    #expect(string([0xFF, 0x41]) == Array("\u{FFFD}A".utf8))
    #expect(string([0x63, 0xC3]) == Array("c\u{FFFD}".utf8))
    #expect(string([0xC3, 0xA9, 0]) == Array("é".utf8))
  }

  @Test(arguments: 0...9) func integersNeedExactlyTheirSize(count: Int) {
    let bytes = (1...UInt8(max(count, 1))).prefix(count).map { $0 }
    let int32 = bytes.withUnsafeBytes { buffer in
      Result { () throws(MessageSizeError) in try ReceivedBytes.int32(buffer) }
    }
    let int64 = bytes.withUnsafeBytes { buffer in
      Result { () throws(MessageSizeError) in try ReceivedBytes.int64(buffer) }
    }
    #expect(int32 == (count == 4 ? .success(0x0403_0201) : .failure(MessageSizeError(expected: 4, received: count))))
    #expect(
      int64 == (count == 8 ? .success(0x0807_0605_0403_0201) : .failure(MessageSizeError(expected: 8, received: count)))
    )
  }

  @Test func integersAreLittleEndianAndSigned() throws {
    let minusOne: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF]
    let min32: [UInt8] = [0, 0, 0, 0x80]
    let min64: [UInt8] = [0, 0, 0, 0, 0, 0, 0, 0x80]
    #expect(try minusOne.withUnsafeBytes { try ReceivedBytes.int32($0) } == -1)
    #expect(try min32.withUnsafeBytes { try ReceivedBytes.int32($0) } == Int32.min)
    #expect(try min64.withUnsafeBytes { try ReceivedBytes.int64($0) } == Int64.min)
  }
}
