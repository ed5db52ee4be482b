import Foundation
import Testing
import ZeroMQ

/// A value read from or written to an option, normalised for comparison.
enum Observed: Equatable, Sendable, CustomStringConvertible {
  case int(Int64), bool(Bool), string(String), bytes([UInt8])

  var description: String {
    switch self {
    case .int(let v): "\(v)"
    case .bool(let v): "\(v)"
    case .string(let v): "\"\(v)\""
    case .bytes(let v): "\(v.count) bytes \(v.prefix(8))"
    }
  }
}

/// One socket option, as the generated cases describe it.
struct SocketOptionCase: Sendable {
  var name: String
  var socketTypes: [SocketType]
  var read: (@Sendable (Socket) throws -> Observed)? = nil
  var documentedDefault: Observed? = nil
  var defaultsBySocketType: [SocketType: Observed] = [:]
  var write: (@Sendable (Socket) throws -> Void)? = nil
  var written: Observed? = nil
  var refused: String? = nil
  var requires: Capability? = nil
  /// Socket types on which libzmq answers EINVAL to every use.
  var refusedOn: [SocketType] = []

  /// Whether libzmq answers EINVAL to every use on `type`: always refused,
  /// refused on that socket type, or a capability the running libzmq lacks.
  func isRefused(on type: SocketType) -> Bool {
    refused != nil || refusedOn.contains(type) || requires.map { !ZMQ.has($0) } == true
  }
}

/// One context option, as the generated cases describe it.
struct ContextOptionCase: Sendable {
  var name: String
  var read: (@Sendable (Context) throws -> Observed)? = nil
  var documentedDefault: Observed? = nil
  var write: (@Sendable (Context) throws -> Void)? = nil
  var written: Observed? = nil
  var refused: String? = nil
  var requires: Capability? = nil
  var isRefused: Bool { refused != nil || requires.map { !ZMQ.has($0) } == true }
}

/// One option on one socket type: the unit a conformance test runs.
struct SocketOptionArgument: Sendable, CustomTestStringConvertible {
  var option: SocketOptionCase
  var type: SocketType
  var testDescription: String { "\(option.name) on \(type)" }
}

struct ContextOptionArgument: Sendable, CustomTestStringConvertible {
  var option: ContextOptionCase
  var testDescription: String { option.name }
}

/// The generated cases (OptionConformanceCases.swift) and their expansion.
enum OptionConformance {
  static var socketArguments: [SocketOptionArgument] {
    socketCases.flatMap { option in option.socketTypes.map { SocketOptionArgument(option: option, type: $0) } }
  }
  static var contextArguments: [ContextOptionArgument] { contextCases.map { ContextOptionArgument(option: $0) } }

  /// One context for every socket case; sockets are closed with linger 0.
  static let context: Context? = try? Context()

  static func withSocket(_ type: SocketType, _ body: (Socket) throws -> Void) throws {
    let context = try #require(Self.context)
    let socket = try context.socket(type)
    defer { try? socket.set(.linger, 0); try? socket.close() }
    try body(socket)
  }
}

/// Every option × applicable socket type: readable options read on a fresh
/// socket and equal the documented default where there is a concrete one;
/// read-write options round-trip a valid value; write-only options accept
/// one. Options libzmq refuses here (spec/option-conformance.yaml: `refused`,
/// `refusedOnSocketTypes` for this socket type, or a `requires` capability
/// this build lacks) are asserted to fail with EINVAL.
@Suite struct SocketOptionConformance {
  @Test(arguments: OptionConformance.socketArguments)
  func freshSocketReadsTheDefault(_ argument: SocketOptionArgument) throws {
    guard let read = argument.option.read else { return }
    try OptionConformance.withSocket(argument.type) { socket in
      if argument.option.isRefused(on: argument.type) {
        #expect(throws: ZMQError.einval) { _ = try read(socket) }
        return
      }
      let value = try read(socket)
      if let expected = argument.option.defaultsBySocketType[argument.type] ?? argument.option.documentedDefault {
        #expect(value == expected, "\(argument.option.name) on \(argument.type)")
      }
    }
  }

  @Test(arguments: OptionConformance.socketArguments.filter { $0.option.write != nil })
  func writeIsAcceptedAndReadBack(_ argument: SocketOptionArgument) throws {
    let write = try #require(argument.option.write)
    try OptionConformance.withSocket(argument.type) { socket in
      if argument.option.isRefused(on: argument.type) {
        #expect(throws: ZMQError.einval) { try write(socket) }
        return
      }
      try write(socket)
      if let read = argument.option.read, let written = argument.option.written {
        #expect(try read(socket) == written, "\(argument.option.name) on \(argument.type)")
      }
    }
  }

  @Test func everyCaseNamesSocketTypes() {
    for option in OptionConformance.socketCases {
      #expect(!option.socketTypes.isEmpty, "\(option.name) applies to no socket type")
    }
  }
}

/// The same for context options, each on a fresh context.
@Suite struct ContextOptionConformance {
  @Test(arguments: OptionConformance.contextArguments)
  func freshContextReadsTheDefaultAndRoundTrips(_ argument: ContextOptionArgument) throws {
    let context = try Context()
    defer { try? context.term() }
    let option = argument.option
    if option.isRefused {
      if let read = option.read { #expect(throws: ZMQError.einval) { _ = try read(context) } }
      if let write = option.write { #expect(throws: ZMQError.einval) { try write(context) } }
      return
    }
    if let read = option.read {
      let value = try read(context)
      if let expected = option.documentedDefault { #expect(value == expected, "\(option.name)") }
    }
    if let write = option.write {
      try write(context)
      if let read = option.read, let written = option.written {
        #expect(try read(context) == written, "\(option.name)")
      }
    }
  }
}
