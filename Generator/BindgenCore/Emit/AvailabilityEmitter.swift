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
    var diagnostics: [Diagnostic] = []
    return emit(diagnostics: &diagnostics)
  }

  public func emit(diagnostics: inout [Diagnostic]) -> [GeneratedFile] {
    [emitSwift(diagnostics: &diagnostics), emitAPILevelHeader()]
  }

  /// How each option of the spec is declared in this variant.
  enum OptionDeclaration: Equatable {
    /// The option table's key (OptionsEmitter writes it).
    case fromTable
    /// The header has the macro, the option table no row: the spec's type, the header's value.
    case fromSpec(Int64)
    /// The header lacks the macro: a placeholder number.
    case placeholder(Int64)
  }

  /// The options of the spec, sorted by macro, with how each is declared;
  /// a type or access that differs from the option table's is an error.
  func optionDeclarations(diagnostics: inout [Diagnostic]) -> [(AvailabilitySpec.Option, OptionDeclaration)] {
    var tableKeys: [String: OptionsEmitter.Key] = [:]
    if let table = context.options {
      var ignored: [Diagnostic] = []
      let emitter = OptionsEmitter(context: context, table: table)
      for scope in [OptionScope.socket, .context] {
        for key in emitter.keys(scope, diagnostics: &ignored) { tableKeys["\(scope):\(key.row.name)"] = key }
      }
    }
    var result: [(AvailabilitySpec.Option, OptionDeclaration)] = []
    for (index, option) in spec.options.sorted(by: { $0.macro < $1.macro }).enumerated() {
      if let key = tableKeys["\(option.scope):\(option.macro)"] {
        if key.swiftName != option.member || key.row.kind.swiftType != option.value
          || key.access.typeName != option.access
        {
          diagnostics.append(
            Diagnostic(
              .error, "spec/availability.yaml: \(option.macro)",
              "declared as .\(option.member): \(option.keyType)<\(option.value), \(option.access)>, but the option table gives .\(key.swiftName): <\(key.row.kind.swiftType), \(key.access.typeName)>"
            ))
        }
        result.append((option, .fromTable))
      } else if let value = value(of: option.macro) {
        result.append((option, .fromSpec(value)))
      } else {
        result.append((option, .placeholder(AvailabilitySpec.optionPlaceholderBase + Int64(index))))
      }
    }
    return result
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

  func emitSwift(diagnostics: inout [Diagnostic]) -> GeneratedFile {
    let options = optionDeclarations(diagnostics: &diagnostics)
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
        var typed: [(flag: String, doc: String, value: Bool)] = spec.members.map {
          ($0.member, "`\($0.macro)` (`\($0.type).\($0.member)`)", value(of: $0.macro) != nil)
        }
        for (flag, entries) in Dictionary(grouping: spec.options, by: \.member) {
          let keys = entries.map { "`\($0.keyType).\($0.member)`" }.sorted().joined(separator: ", ")
          typed.append((flag, "`\(entries[0].macro)` (\(keys))", value(of: entries[0].macro) != nil))
        }
        for entry in typed.sorted(by: { $0.flag < $1.flag }) {
          w.doc(entry.doc)
          w.line("public static let \(entry.flag) = \(entry.value)")
          w.line()
        }
        w.doc(
          "Thread-safe socket types (``ThreadSafeSocketType``): \(safeTypes.isEmpty ? "none in this variant" : safeTypes.map { "`\($0.0)`" }.joined(separator: ", "))."
        )
        w.line("public static let threadSafeSockets = \(!safeTypes.isEmpty)")
        w.line()
        var names: [String: Bool] = [:]
        for function in spec.functions { names[function.name] = declares(function: function.name) }
        for member in spec.members { names[member.macro] = value(of: member.macro) != nil }
        for option in spec.options { names[option.macro] = value(of: option.macro) != nil }
        for type in spec.threadSafeSocketTypes { names[type] = value(of: type) != nil }
        w.doc(
          """
          The same, by C name: whether this header declares each function and \
          macro of spec/availability.yaml at the API level generated.
          """)
        w.line("static let declared: [String: Bool] = [")
        for name in names.keys.sorted() { w.line("  \(SwiftLiteral.string(name)): \(names[name]!),") }
        w.line("]")
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

    let extra = options.filter { $0.1 != .fromTable }
    let byConstraint = Dictionary(grouping: extra) {
      "\($0.0.keyType) where Value == \($0.0.value), Access == \($0.0.access)"
    }
    for constraint in byConstraint.keys.sorted() {
      w.line()
      w.block("extension \(constraint)") { w in
        for (index, (option, declaration)) in byConstraint[constraint]!.enumerated() {
          if index > 0 { w.line() }
          switch declaration {
          case .fromTable:
            break
          case .fromSpec(let value):
            w.doc(
              "`\(option.macro)`, which the option table does not document (spec/availability.yaml gives its type).")
            w.line("@inlinable public static var \(option.member): Self { Self(rawValue: \(value)) }")
          case .placeholder(let value):
            w.doc(
              """
              `\(option.macro)` is not in this libzmq's header: a placeholder option number no libzmq \
              uses; reading or writing it throws ``ZMQError/unavailable`` naming the macro.
              """)
            w.line(
              "@inlinable public static var \(option.member): Self { Self(rawValue: 0x\(String(value, radix: 16))) }")
          }
        }
      }
    }
    w.line()
    w.block("extension ZMQ") { w in
      w.doc("Option numbers from here up are placeholders (spec/availability.yaml options).")
      w.line("static let optionPlaceholderBase: Int32 = 0x\(String(AvailabilitySpec.optionPlaceholderBase, radix: 16))")
      w.line()
      let placeholders = options.compactMap { entry -> (Int64, String)? in
        if case .placeholder(let value) = entry.1 { return (value, entry.0.macro) }
        return nil
      }
      w.doc("The placeholder option numbers of this variant and the macros they stand for.")
      if placeholders.isEmpty {
        w.line("static let unavailableOptions: [Int32: String] = [:]")
      } else {
        w.line("static let unavailableOptions: [Int32: String] = [")
        for (value, macro) in placeholders { w.line("  0x\(String(value, radix: 16)): \(SwiftLiteral.string(macro)),") }
        w.line("]")
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
