import Foundation
import Yams

/// `spec/availability.yaml`: the C functions and macros the hand-written
/// runtime reaches through the generated availability shim, because some
/// `zmq.h` (older releases, or the stable half of a draft one) lacks them.
public struct AvailabilitySpec: Codable, Sendable, Equatable {
  /// A C function the runtime calls through `CShim`.
  public struct Function: Codable, Sendable, Equatable {
    public var name: String
    /// The `ZMQ.Available` flag that tells whether the function is there.
    public var flag: String
    /// The Swift types of the parameters, as Swift imports the declaration.
    public var parameters: [String]
    /// The Swift return type.
    public var returns: String
    /// The arguments of the direct call, as Swift expressions of `p0`,
    /// `p1`, …; `nil` passes the parameters through. For a parameter whose
    /// C type only exists at some API levels (a draft struct): `parameters`
    /// names a type every level has, the argument converts it.
    public var arguments: [String]?

    public init(name: String, flag: String, parameters: [String], returns: String, arguments: [String]? = nil) {
      self.name = name
      self.flag = flag
      self.parameters = parameters
      self.returns = returns
      self.arguments = arguments
    }
  }

  /// A typed constant that must exist in every variant; when the header
  /// lacks its macro it gets `placeholder`, a value no libzmq uses.
  public struct Member: Codable, Sendable, Equatable {
    public var macro: String
    public var type: String
    public var member: String
    public var placeholder: Int64

    public init(macro: String, type: String, member: String, placeholder: Int64) {
      self.macro = macro
      self.type = type
      self.member = member
      self.placeholder = placeholder
    }
  }

  /// A socket option libzmq renamed (4.2: `ZMQ_IDENTITY` → `ZMQ_ROUTING_ID`).
  public struct RenamedOption: Codable, Sendable, Equatable {
    public var macro: String
    public var older: String
    public var member: String
    /// The typed key's `Value` and `Access`.
    public var value: String
    public var access: String

    public init(macro: String, older: String, member: String, value: String, access: String) {
      self.macro = macro
      self.older = older
      self.member = member
      self.value = value
      self.access = access
    }
  }

  /// A typed option key the runtime, its tests, its tools or its
  /// documentation name, declared in every variant: from the option table
  /// where the header and the table have it; with this entry's `value` and
  /// `access` where the table lacks it; with a placeholder option number,
  /// refused at run time naming the macro, where the header lacks it.
  public struct Option: Codable, Sendable, Equatable {
    public var macro: String
    /// `socket` (a `SocketOption`) or `context` (a `ContextOption`).
    public var scope: String
    public var member: String
    public var value: String
    public var access: String

    public init(macro: String, scope: String, member: String, value: String, access: String) {
      self.macro = macro
      self.scope = scope
      self.member = member
      self.value = value
      self.access = access
    }

    /// The key type: `SocketOption` or `ContextOption`.
    public var keyType: String { scope == "context" ? "ContextOption" : "SocketOption" }
  }

  /// Option numbers from here up are placeholders: far above any libzmq
  /// option, so the runtime tells them apart with one comparison.
  public static let optionPlaceholderBase: Int64 = 0x7A00_0000

  public var functions: [Function]
  public var members: [Member]
  public var options: [Option] = []
  public var renamedOptions: [RenamedOption] = []
  /// The socket types `ThreadSafeSocketType` may offer.
  public var threadSafeSocketTypes: [String]

  public init(
    functions: [Function], members: [Member], options: [Option] = [], renamedOptions: [RenamedOption] = [],
    threadSafeSocketTypes: [String]
  ) {
    self.functions = functions
    self.members = members
    self.options = options
    self.renamedOptions = renamedOptions
    self.threadSafeSocketTypes = threadSafeSocketTypes
  }

  enum CodingKeys: String, CodingKey {
    case functions, members, options
    case renamedOptions = "renamed_options"
    case threadSafeSocketTypes = "thread_safe_socket_types"
  }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.container(keyedBy: CodingKeys.self)
    functions = try container.decode([Function].self, forKey: .functions)
    for function in functions {
      if let arguments = function.arguments, arguments.count != function.parameters.count {
        throw DecodingError.dataCorruptedError(
          forKey: .functions, in: container,
          debugDescription:
            "\(function.name): \(arguments.count) arguments for \(function.parameters.count) parameters")
      }
    }
    members = try container.decode([Member].self, forKey: .members)
    options = try container.decodeIfPresent([Option].self, forKey: .options) ?? []
    for option in options where option.scope != "socket" && option.scope != "context" {
      throw DecodingError.dataCorruptedError(
        forKey: .options, in: container, debugDescription: "\(option.macro): scope must be socket or context")
    }
    renamedOptions = try container.decodeIfPresent([RenamedOption].self, forKey: .renamedOptions) ?? []
    threadSafeSocketTypes = try container.decode([String].self, forKey: .threadSafeSocketTypes)
  }

  public static func load(from url: URL) throws -> AvailabilitySpec {
    do {
      return try YAMLDecoder().decode(AvailabilitySpec.self, from: String(contentsOf: url, encoding: .utf8))
    } catch {
      throw SpecError(file: url.lastPathComponent, message: "\(error)")
    }
  }
}
