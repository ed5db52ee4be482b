/// Emits the option conformance cases: for every option of the table, the
/// socket types it applies to, its documented default where concrete, and
/// a valid value to write — each read and write through the typed keys.
/// The suites that run them are hand-written
/// (Tests/ConformanceTests/Support/OptionConformance.swift).
struct OptionConformanceEmitter {
  let context: GenerationContext
  let table: OptionTable
  let conformance: ConformanceSpec

  /// A value in the two forms the generated code needs.
  struct Value {
    var swift: String
    var observed: String
  }

  /// Every socket type of the API level generated, as Swift member names.
  var allSocketTypes: [String] {
    guard let group = context.spec.groups.first(where: { $0.type == "SocketType" }) else { return [] }
    return (group.members ?? []).compactMap { name in
      guard let macro = context.model.macro(named: name), context.draft || macro.availability == .stable else {
        return nil
      }
      return SwiftNaming.memberName(name)
    }
  }

  /// The socket types the "Applicable socket types" text names: "all"
  /// (optionally "but ZMQ_X"), an explicit list, or nothing/N/A (all).
  func socketTypes(_ text: String?) -> [String] {
    let all = allSocketTypes
    guard let text, !text.isEmpty, text != "N/A" else { return all }
    let lower = text.lowercased()
    let named = text.split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "_") })
      .map(String.init).filter { $0.hasPrefix("ZMQ_") }.map { SwiftNaming.memberName($0) }
    if lower.hasPrefix("all") {
      if lower.hasPrefix("all but") { return all.filter { !named.contains($0) } }
      return all
    }
    return all.filter { named.contains($0) }
  }

  /// The documented default as an observed value, when it is concrete.
  func defaultValue(_ text: String?, kind: OptionValueKind) -> String? {
    guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
    let head = String(text.prefix { !$0.isWhitespace })
    switch kind {
    case .int32, .int64, .uint64:
      if let value = Int64(head) { return ".int(\(value))" }
      if head == "INT_MAX" { return ".int(\(Int32.max))" }
      if let value = context.model.macro(named: head)?.integerValue { return ".int(\(value))" }
      return nil
    case .bool:
      switch head {
      case "0": return ".bool(false)";
      case "1": return ".bool(true)";
      default: return nil
      }
    case .string:
      return ["not set", "NULL", "empty", "null string"].contains(text) ? ".string(\"\")" : nil
    case .bytes:
      return text == "NULL" ? ".bytes([])" : nil
    case .z85:
      return text == "32 zero bytes" ? ".bytes([UInt8](repeating: 0, count: 32))" : nil
    }
  }

  /// A value that is valid to write: the spec's, else one chosen from the kind.
  func writeValue(_ row: OptionRow, documentedDefault: String?) -> Value {
    let explicit = conformance.entry(row.name, row.scope)?.value
    switch row.kind {
    case .int32, .int64, .uint64:
      let value = explicit.flatMap { Int64($0) } ?? (documentedDefault == ".int(2)" ? 3 : 2)
      return Value(swift: "\(value)", observed: ".int(\(value))")
    case .bool:
      let value = explicit.map { $0 == "true" } ?? (documentedDefault != ".bool(true)")
      return Value(swift: "\(value)", observed: ".bool(\(value))")
    case .string:
      let value = explicit ?? "swift-zeromq"
      return Value(swift: SwiftLiteral.string(value), observed: ".string(\(SwiftLiteral.string(value)))")
    case .bytes:
      let bytes = Array((explicit ?? "swift").utf8)
      let literal = "[" + bytes.map(String.init).joined(separator: ", ") + "] as [UInt8]"
      return Value(swift: literal, observed: ".bytes(\(literal))")
    case .z85:
      let literal = "[UInt8](1...32)"
      return Value(swift: literal, observed: ".bytes(\(literal))")
    }
  }

  static func observe(_ kind: OptionValueKind, _ expression: String) -> String {
    switch kind {
    case .int32, .int64, .uint64: ".int(Int64(\(expression)))"
    case .bool: ".bool(\(expression))"
    case .string: ".string(\(expression))"
    case .bytes, .z85: ".bytes(\(expression))"
    }
  }

  func emit() -> GeneratedFile {
    var writer = SwiftWriter()
    writer.line(
      context.provenance(inputs: ["\(OptionTableFile.path) (\(table.source))", "spec/option-conformance.yaml"]).banner)
    writer.line("import ZeroMQ")
    writer.line()
    writer.block("extension OptionConformance") { w in
      for scope in [OptionScope.socket, .context] {
        let type = scope == .socket ? "SocketOptionCase" : "ContextOptionCase"
        let key = scope == .socket ? "SocketOption" : "ContextOption"
        let target = scope == .socket ? "socket" : "context"
        w.doc(
          "Every \(scope.rawValue) option of the table at this API level (deprecated aliases are covered by the option they alias)."
        )
        w.line("static let \(scope.rawValue)Cases: [\(type)] = [")
        for row in table.rows where row.scope == scope && row.aliasOf == nil {
          guard let macro = context.model.macro(named: row.name), let number = macro.integerValue,
            context.draft || macro.availability == .stable, let access = OptionAccessMarker(row)
          else { continue }
          let swiftType = row.kind.swiftType
          let keyExpression =
            row.deprecated
            ? "\(key)<\(swiftType), \(access.typeName)>(rawValue: \(number)\(scope == .socket ? ", kind: .\(row.kind.rawValue)" : ""))"
            : ".\(SwiftNaming.memberName(row.name))"
          let documented = defaultValue(row.defaultValue, kind: row.kind)
          let entry = conformance.entry(row.name, scope)
          var fields = ["name: \(SwiftLiteral.string(row.name))"]
          if scope == .socket {
            fields.append("socketTypes: [\(socketTypes(row.socketTypes).map { "." + $0 }.joined(separator: ", "))]")
          }
          if row.gettable {
            fields.append(
              "read: { \(target) in \(Self.observe(row.kind, "try \(target).get(\(keyExpression)) as \(swiftType)")) }")
            fields.append("documentedDefault: \(documented ?? "nil")")
          }
          // Facts about socket types this API level lacks (draft types in a
          // stable build) are left out: those types have no cases here.
          let available = Set(allSocketTypes)
          if let overrides = entry?.defaultsBySocketType, scope == .socket {
            let pairs = overrides.sorted { $0.key < $1.key }.compactMap { name, value -> String? in
              let member = SwiftNaming.memberName(name)
              guard available.contains(member) else { return nil }
              return defaultValue(value, kind: row.kind).map { ".\(member): \($0)" }
            }
            if !pairs.isEmpty { fields.append("defaultsBySocketType: [\(pairs.joined(separator: ", "))]") }
          }
          if let refusedOn = entry?.refusedOnSocketTypes, scope == .socket {
            let members = refusedOn.map { SwiftNaming.memberName($0) }.filter(available.contains).sorted()
            if !members.isEmpty { fields.append("refusedOn: [\(members.map { "." + $0 }.joined(separator: ", "))]") }
          }
          if row.settable {
            let value = writeValue(row, documentedDefault: documented)
            fields.append("write: { \(target) in try \(target).set(\(keyExpression), \(value.swift)) }")
            fields.append("written: \(row.gettable ? value.observed : "nil")")
          }
          if let refused = entry?.refused {
            fields.append("refused: \(SwiftLiteral.string(refused))")
          }
          if let capability = entry?.requires {
            fields.append("requires: Capability(rawValue: \(SwiftLiteral.string(capability)))")
          }
          w.line("  \(type)(")
          for (index, field) in fields.enumerated() {
            w.line("    \(field)\(index == fields.count - 1 ? "" : ",")")
          }
          w.line("  ),")
        }
        w.line("]")
        if scope == .socket { w.line() }
      }
    }
    return GeneratedFile(path: context.testDirectory + "/OptionConformanceCases.swift", contents: writer.text)
  }

  /// A value of a type the option does not take.
  static func wrongValue(_ kind: OptionValueKind) -> String {
    switch kind {
    case .string, .bytes, .z85: "Int32(1)"
    default: "\"text\""
    }
  }

  /// A well-typed value, for the controls.
  static func rightValue(_ kind: OptionValueKind) -> String {
    switch kind {
    case .int32: "Int32(1)"
    case .bool: "true"
    case .int64: "Int64(1)"
    case .uint64: "UInt64(1)"
    case .string: "\"text\""
    case .bytes, .z85: "[UInt8]([1])"
    }
  }

  /// Statements that must not compile (each with what it proves) and
  /// statements that must: for every option, its access and value type.
  func emitCompileChecks() -> GeneratedFile {
    var misuse: [(String, String)] = []
    var controls: [String] = []
    for row in table.rows where row.aliasOf == nil && !row.deprecated {
      guard let macro = context.model.macro(named: row.name), macro.integerValue != nil,
        context.draft || macro.availability == .stable
      else { continue }
      let target = row.scope == .socket ? "socket" : "context"
      let key = ".\(SwiftNaming.memberName(row.name))"
      let type = row.kind.swiftType
      if row.settable {
        controls.append("try \(target).set(\(key), \(Self.rightValue(row.kind)))")
        misuse.append(("\(row.name): wrong value type", "try \(target).set(\(key), \(Self.wrongValue(row.kind)))"))
      } else {
        misuse.append(("\(row.name): read-only, set", "try \(target).set(\(key), \(Self.rightValue(row.kind)))"))
      }
      if row.gettable {
        controls.append("let _: \(type) = try \(target).get(\(key))")
      } else {
        misuse.append(("\(row.name): write-only, get", "let _: \(type) = try \(target).get(\(key))"))
      }
    }
    var writer = SwiftWriter()
    writer.line(context.provenance(inputs: ["\(OptionTableFile.path) (\(table.source))"]).banner)
    writer.block("extension CompileChecks") { w in
      w.doc("Each statement must fail to type-check (\(misuse.count) statements).")
      w.line("static let misuse: [(proves: String, code: String)] = [")
      for (proves, code) in misuse { w.line("  (\(SwiftLiteral.string(proves)), \(SwiftLiteral.string(code))),") }
      w.line("]")
      w.line()
      w.doc("Each statement must type-check (\(controls.count) statements).")
      w.line("static let controls: [String] = [")
      for code in controls { w.line("  \(SwiftLiteral.string(code)),") }
      w.line("]")
    }
    return GeneratedFile(path: context.testDirectory + "/CompileCheckCases.swift", contents: writer.text)
  }
}
