// libFuzzer target: monitor messages. The input is split into frames
// (Fuzz/Support/FuzzSupport.swift: a length byte 0…254 then that many bytes;
// 255 = the rest of the input). Properties:
// - MonitorEvent.decode over the first two frames succeeds exactly when the
//   first frame is 6 bytes holding one known event bit and the second frame
//   is UTF-8, and otherwise throws the MonitorEventDecodingError of the
//   first check that fails (model below);
// - a decoded event carries the code, the value (host byte order) and the
//   endpoint text of the frames, and re-encodes to the first frame;
// - the generic decode(first:second:) agrees with the raw-buffer one;
// - SocketMonitor.next, fed the same frames over inproc, returns the same
//   event or error, reports a missing endpoint frame or extra frames with
//   an error rather than trapping, and consumes the whole message.

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The monitor under test, fed by `feeder`; replaced after a
/// `.monitorStopped` event ends it.
nonisolated(unsafe) var monitorChannel: (pair: InprocPair, monitor: SocketMonitor)?

/// Every single event this build names (`allNamed` also lists `.all`).
let knownEvents = MonitorEvents.allNamed.map(\.value).filter { $0.rawValue.nonzeroBitCount == 1 }
  .reduce(into: MonitorEvents()) { $0.formUnion($1) }

func makeMonitorChannel() -> (pair: InprocPair, monitor: SocketMonitor) {
  let pair = InprocPair()
  return (pair, SocketMonitor(socket: pair.receiver, endpoint: pair.endpoint, watched: knownEvents))
}

/// The expected outcome of decoding two frames, computed independently of
/// the decoder's code.
func expectedDecoding(_ first: [UInt8], _ second: [UInt8]) -> Result<MonitorEvent, MonitorEventDecodingError> {
  guard first.count == 6 else { return .failure(.wrongFirstFrameSize(first.count)) }
  var code: UInt16 = 0
  var value: UInt32 = 0
  withUnsafeMutableBytes(of: &code) { $0.copyBytes(from: first[0..<2]) }
  withUnsafeMutableBytes(of: &value) { $0.copyBytes(from: first[2..<6]) }
  if code == 0 { return .failure(.noEvent) }
  if code.nonzeroBitCount != 1 { return .failure(.multipleEvents(code)) }
  let event = MonitorEvents(rawValue: Int32(code))
  if !knownEvents.contains(event) { return .failure(.unknownEvent(code)) }
  guard let endpoint = String(validating: second, as: UTF8.self) else { return .failure(.endpointNotUTF8) }
  return .success(MonitorEvent(event: event, value: Int32(bitPattern: value), endpoint: endpoint))
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMonitor(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
  let frames = splitFrames(UnsafeRawBufferPointer(start: data, count: size))
  let first = frames.first ?? []
  let second = frames.count > 1 ? frames[1] : []

  // The pure decoder.
  let expected = expectedDecoding(first, second)
  let decoded = first.withUnsafeBytes { a in
    second.withUnsafeBytes { b in Result { () throws(MonitorEventDecodingError) in try MonitorEvent.decode(a, b) } }
  }
  require(decoded == expected, "decode gave \(decoded), expected \(expected)")
  let generic = Result { () throws(MonitorEventDecodingError) in
    try MonitorEvent.decode(first: first, second: Data(second))
  }
  require(generic == decoded, "decode(first:second:) gave \(generic), the raw decoder \(decoded)")
  switch decoded {
  case .success(let event):
    var code = UInt16(truncatingIfNeeded: event.event.rawValue)
    var value = event.value
    let encoded = withUnsafeBytes(of: &code) { Array($0) } + withUnsafeBytes(of: &value) { Array($0) }
    require(encoded == first, "\(event) does not re-encode to its first frame")
    require(Array(event.endpoint.utf8) == second, "the endpoint changed in decoding")
    require(!event.name.hasPrefix("0x") && !event.description.isEmpty, "a known event without a name")
    _ = event.error
  case .failure(let error):
    require(!error.description.isEmpty, "empty error description")
  }

  // The socket monitor, fed the same frames.
  guard !frames.isEmpty else { return 0 }
  if monitorChannel == nil || monitorChannel!.monitor.isStopped { monitorChannel = makeMonitorChannel() }
  let (pair, monitor) = monitorChannel!
  pair.send(frames)
  let received: Result<MonitorEvent?, MonitorEventDecodingError>
  do {
    received = .success(try monitor.next(timeout: 1000))
  } catch let error as MonitorEventDecodingError {
    received = .failure(error)
  } catch {
    fatalError("SocketMonitor.next failed: \(error)")
  }
  let expectedNext: Result<MonitorEvent?, MonitorEventDecodingError> =
    switch frames.count {
    case 1: .failure(.missingEndpointFrame)
    case 2: expected.map { $0 }
    default: .failure(.extraFrames(frames.count - 2))
    }
  require(received == expectedNext, "SocketMonitor.next gave \(received), expected \(expectedNext)")
  if case .success(let event?) = received, event.event == .monitorStopped {
    require(monitor.isStopped, "the monitor goes on after .monitorStopped")
  } else {
    // Nothing of the message is left behind.
    do {
      let leftover = try monitor.next(timeout: 0)
      require(leftover == nil, "a part of the message was left queued: \(String(describing: leftover))")
    } catch {
      fatalError("a part of the message was left queued: \(error)")
    }
  }
  return 0
}
