/// Emits the availability shim (`Generated/Availability.swift`) and the C
/// module's API-level header (`Sources/CZeroMQ/api-level.h`) from the header
/// and `spec/availability.yaml`.
///
/// The runtime never names a C function or macro that some `zmq.h` may lack:
/// it calls `CShim.<function>` and uses typed members that exist in every
/// variant. What this header declares (at the API level generated) is called
/// directly; what it lacks becomes a stub that throws ENOTSUP naming the
/// function, or a placeholder constant the runtime refuses at run time.
public struct AvailabilityEmitter {
  public var context: GenerationContext
  public var spec: AvailabilitySpec

  public init(context: GenerationContext, spec: AvailabilitySpec) {
    self.context = context
    self.spec = spec
  }

  /// Whether the header declares `function` at the API level generated.
  func declares(function name: String) -> Bool {
    guard let function = context.model.function(named: name) else { return false }
    return context.draft || function.availability == .stable
  }

  /// The value of `macro` at the API level generated, if the header has it.
  func value(of macro: String) -> Int64? {
    guard let definition = context.model.macro(named: macro) else { return nil }
    guard context.draft || definition.availability == .stable else { return nil }
    return definition.integerValue
  }

  public func emit() -> [GeneratedFile] {
    [emitSwift(), emitAPILevelHeader()]
  }

  func emitAPILevelHeader() -> GeneratedFile {
    var text = context.provenance(inputs: []).banner
    text += "//\n"
    text += "// Included by shim.h before zmq.h: the API level Swift sees.\n"
    if context.draft {
      text += "// Draft mode: zmq.h's draft declarations are visible (zmq_ppoll needs sigset_t).\n"
      text += "#include <signal.h>\n"
      text += "#ifndef ZMQ_BUILD_DRAFT_API\n#define ZMQ_BUILD_DRAFT_API 1\n#endif\n"
    } else {
      text += "// Stable mode: zmq.h's draft declarations stay hidden.\n"
    }
    return GeneratedFile(path: "Sources/CZeroMQ/api-level.h", contents: text)
  }

  func emitSwift() -> GeneratedFile {
    var w = SwiftWriter()
    w.raw(context.provenance(inputs: ["spec/availability.yaml"]).banner)
    w.line("internal import CZeroMQ")
    w.line()

    // Flags: one per flag name, true when every function behind it is declared.
    var flags: [String: Bool] = [:]
    var flagFunctions: [String: [String]] = [:]
    for function in spec.functions {
      flags[function.flag] = (flags[function.flag] ?? true) && declares(function: function.name)
      flagFunctions[function.flag, default: []].append(function.name)
    }
    let safeTypes = spec.threadSafeSocketTypes.sorted().compactMap { name in value(of: name).map { (name, $0) } }

    w.block("extension ZMQ") { w in
      w.doc(
        """
        What this binding's `zmq.h` declares, at the API level it was generated \
        for (\(context.apiLevel)), of the functions and constants the runtime can do without.
        A `false` flag means the calls behind it throw ``ZMQError`` with code
        ``ZMQError/enotsup`` and ``ZMQError/unavailable`` naming the C function.
        """)
      w.block("public enum Available") { w in
        for flag in flags.keys.sorted() {
          w.doc(flagFunctions[flag]!.map { "`\($0)`" }.joined(separator: ", "))
          w.line("public static let \(flag) = \(flags[flag]!)")
          w.line()
        }
        for member in spec.members.sorted(by: { $0.member < $1.member }) {
          w.doc("`\(member.macro)` (`\(member.type).\(member.member)`)")
          w.line("public static let \(member.member) = \(value(of: member.macro) != nil)")
          w.line()
        }
        w.doc(
          "Thread-safe socket types (``ThreadSafeSocketType``): \(safeTypes.isEmpty ? "none in this variant" : safeTypes.map { "`\($0.0)`" }.joined(separator: ", "))."
        )
        w.line("public static let threadSafeSockets = \(!safeTypes.isEmpty)")
      }
    }
    w.line()

    w.doc("The runtime's calls to C functions some `zmq.h` lacks (spec/availability.yaml).")
    w.block("enum CShim") { w in
      for function in spec.functions.sorted(by: { $0.name < $1.name }) {
        let parameters = function.parameters.enumerated().map { "_ p\($0.offset): \($0.element)" }.joined(
          separator: ", ")
        let arguments = function.parameters.indices.map { "p\($0)" }.joined(separator: ", ")
        let declared = declares(function: function.name)
        w.doc(
          declared
            ? "`\(function.name)`, declared by this header."
            : "`\(function.name)` is not declared by this header: always throws.")
        w.line("@inline(__always)")
        w.block("static func \(function.name)(\(parameters)) throws(ZMQError) -> \(function.returns)") { w in
          if declared {
            w.line("CZeroMQ.\(function.name)(\((function.arguments?.joined(separator: ", ")) ?? arguments))")
          } else {
            if !function.parameters.isEmpty { w.line("_ = (\(arguments))") }
            w.line("throw ZMQError(unavailable: \(SwiftLiteral.string(function.name)))")
          }
        }
        w.line()
      }
    }

    let types = Set(spec.members.map(\.type)).sorted()
    for type in types {
      let members = spec.members.filter { $0.type == type }.sorted { $0.member < $1.member }
      w.line()
      w.block("extension \(type)") { w in
        for member in members where value(of: member.macro) == nil {
          w.doc(
            """
            `\(member.macro)` is not in this libzmq's header: a placeholder value no libzmq \
            uses, refused at run time with ``ZMQError/unavailable`` naming the macro.
            """)
          w.line("public static let \(member.member) = \(type)(rawValue: 0x\(String(member.placeholder, radix: 16)))")
          w.line()
        }
        let missing = members.filter { value(of: $0.macro) == nil }
        w.doc("The placeholders of this variant and the macros they stand for.")
        if missing.isEmpty {
          w.line("static let unavailableMembers: [(member: \(type), macro: String)] = []")
        } else {
          w.line("static let unavailableMembers: [(member: \(type), macro: String)] = [")
          for member in missing { w.line("  (.\(member.member), \(SwiftLiteral.string(member.macro))),") }
          w.line("]")
        }
      }
    }

    let renamed = spec.renamedOptions.filter { value(of: $0.macro) == nil && value(of: $0.older) != nil }
    if !renamed.isEmpty {
      w.line()
      w.block("extension ZMQ") { w in
        for option in renamed {
          w.doc("`\(option.macro)`: not in this header, which has the option's older name `\(option.older)`.")
          w.line("public static let \(SwiftNaming.constantName(option.macro)): Int32 = \(value(of: option.older)!)")
        }
      }
      for option in renamed {
        w.line()
        w.block("extension SocketOption where Value == \(option.value), Access == \(option.access)") { w in
          w.doc("`\(option.macro)`, under its older name `\(option.older)` in this header.")
          w.line("@inlinable public static var \(option.member): Self { Self(rawValue: \(value(of: option.older)!)) }")
        }
      }
    }

    w.line()
    w.doc(
      """
      The socket types libzmq lets several threads use at once, as far as this \
      variant has them (\(context.apiLevel)): ``Context/threadSafeSocket(_:)`` creates a
      ``ThreadSafeSocket`` of one of these. In a stable variant there are none.
      """)
    w.block("public struct ThreadSafeSocketType: RawRepresentable, Hashable, Sendable, CustomStringConvertible") { w in
      w.line("public var rawValue: Int32")
      w.line()
      w.line("@inlinable")
      w.line("public init?(rawValue: Int32) {")
      w.line("  guard Self.allCases.contains(where: { $0.rawValue == rawValue }) else { return nil }")
      w.line("  self.rawValue = rawValue")
      w.line("}")
      w.line()
      w.line("@usableFromInline")
      w.line("init(unchecked rawValue: Int32) { self.rawValue = rawValue }")
      w.line()
      for (name, value) in safeTypes {
        w.doc("`\(name)`")
        w.line("public static let \(SwiftNaming.memberName(name)) = ThreadSafeSocketType(unchecked: \(value))")
        w.line()
      }
      w.doc("Every thread-safe type of this variant, sorted by C name.")
      w.line(
        "public static let allCases: [ThreadSafeSocketType] = [\(safeTypes.map { "." + SwiftNaming.memberName($0.0) }.joined(separator: ", "))]"
      )
      w.line()
      w.doc("The classic ``SocketType`` with the same value.")
      w.line("public var socketType: SocketType { SocketType(rawValue: rawValue) }")
      w.line()
      w.line("public var description: String { socketType.description }")
    }
    return GeneratedFile(path: "\(context.libraryDirectory)/Availability.swift", contents: w.text)
  }
}
