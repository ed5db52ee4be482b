/// Emits one typed group of `spec/groups.yaml` as a Swift type: a
/// `RawRepresentable` struct with static members, or an `OptionSet`.
struct GroupEmitter {
  let context: GenerationContext
  let group: GroupSpec.Group

  struct Member {
    var cName: String
    var swiftName: String
    var value: Int64
    var draft: Bool
  }

  /// The members present in the header (and in the API level generated),
  /// in spec order, or sorted by C name for prefix groups.
  func members(diagnostics: inout [Diagnostic]) -> [Member] {
    let names: [String]
    if let members = group.members {
      names = members
    } else if let prefix = group.prefix {
      names = context.zmqMacros.filter { $0.name.hasPrefix(prefix) && $0.integerValue != nil }.map(\.name)
    } else {
      diagnostics.append(Diagnostic(.error, "spec/groups.yaml: \(group.type)", "a group needs `members` or `prefix`"))
      return []
    }
    var result: [Member] = []
    for cName in names {
      guard let macro = context.model.macro(named: cName) else {
        diagnostics.append(
          Diagnostic(
            .warning, "spec/groups.yaml: \(group.type)",
            "\(cName) is not declared by \(context.model.header); left out"))
        continue
      }
      guard let value = macro.integerValue else {
        diagnostics.append(Diagnostic(.error, "spec/groups.yaml: \(group.type)", "\(cName) has no integer value"))
        continue
      }
      if macro.availability == .draft && !context.draft { continue }
      let swiftName = group.names?[cName] ?? SwiftNaming.memberName(cName, strip: group.strip)
      result.append(Member(cName: cName, swiftName: swiftName, value: value, draft: macro.availability == .draft))
    }
    for (cName, _) in (group.names ?? [:]).sorted(by: { $0.key < $1.key }) where !names.contains(cName) {
      diagnostics.append(Diagnostic(.error, "spec/groups.yaml: \(group.type)", "names: \(cName) is not a member"))
    }
    return result
  }

  func emit(diagnostics: inout [Diagnostic]) -> GeneratedFile {
    let members = members(diagnostics: &diagnostics)
    let type = group.type, raw = group.raw
    var writer = SwiftWriter()
    writer.line(context.provenance(inputs: ["spec/groups.yaml"]).banner)
    writer.doc(group.summary)
    let conformances =
      group.shape == .optionSet
      ? "OptionSet, Hashable, Sendable, CustomStringConvertible"
      : "RawRepresentable, Hashable, Sendable, CustomStringConvertible"
    writer.block("public struct \(type): \(conformances)") { w in
      w.line("public var rawValue: \(raw)")
      w.line()
      w.line("@inlinable")
      w.line("public init(rawValue: \(raw)) { self.rawValue = rawValue }")
      for member in members {
        w.line()
        w.doc("`\(member.cName)`\(member.draft ? " (draft API)" : "")")
        w.line("public static let \(member.swiftName) = \(type)(rawValue: \(member.value))")
      }
      w.line()
      w.doc("Every named value, in declaration order, with its Swift name.")
      w.line("public static let allNamed: [(value: \(type), name: String)] = [")
      for member in members {
        w.line(
          "  (.\(member.swiftName), \(SwiftLiteral.string(member.swiftName.replacingOccurrences(of: "`", with: "")))),")
      }
      w.line("]")
      w.line()
      if group.shape == .optionSet {
        w.doc("The names of the single-flag members this value contains, e.g. `[pollIn, pollOut]`.")
        w.block("public var description: String") { w in
          w.line("var rest = rawValue")
          w.line("var names: [String] = []")
          w.block(
            "for (value, name) in Self.allNamed where value.rawValue != 0 && value.rawValue & (value.rawValue - 1) == 0 && contains(value)"
          ) { w in
            w.line("names.append(name)")
            w.line("rest &= ~value.rawValue")
          }
          w.line("if rest != 0 { names.append(\"0x\" + String(rest, radix: 16)) }")
          w.line("return \"[\" + names.joined(separator: \", \") + \"]\"")
        }
      } else {
        w.doc("The Swift name of a known value, else `\(type)(raw)`.")
        w.block("public var description: String") { w in
          w.line("Self.allNamed.first { $0.value == self }?.name ?? \"\(type)(\\(rawValue))\"")
        }
      }
    }
    return GeneratedFile(path: context.libraryDirectory + "/\(type).swift", contents: writer.text)
  }
}

/// Emits the `ZMQError` code members and the `Capability` values.
struct ErrorsAndCapabilitiesEmitter {
  let context: GenerationContext

  func emitErrors() -> GeneratedFile {
    var writer = SwiftWriter()
    writer.line(context.provenance(inputs: ["spec/groups.yaml"]).banner)
    // POSIX error codes are taken from the platform's headers through CZeroMQ.
    writer.line("internal import CZeroMQ")
    writer.line()
    writer.block("extension ZMQError") { w in
      for (index, code) in context.errorCodes.enumerated() {
        if index > 0 { w.line() }
        w.doc("`\(code.name)`: \(code.origin)")
        w.line(
          "public static let \(SwiftNaming.escaped(code.name.lowercased())) = ZMQError(rawValue: \(code.swiftValue))")
      }
      w.line()
      w.doc("Every named code, in declaration order, with its C name.")
      w.line("public static let allNamed: [(value: ZMQError, name: String)] = [")
      for code in context.errorCodes { w.line("  (.\(code.name.lowercased()), \"\(code.name)\"),") }
      w.line("]")
    }
    return GeneratedFile(path: context.libraryDirectory + "/ZMQError+Codes.swift", contents: writer.text)
  }

  func emitCapabilities() -> GeneratedFile {
    var writer = SwiftWriter()
    writer.line(context.provenance(inputs: ["spec/groups.yaml"]).banner)
    writer.doc("A capability `ZMQ.has(_:)` can probe (zmq_has(3)).")
    writer.block("public struct Capability: RawRepresentable, Hashable, Sendable, CustomStringConvertible") { w in
      w.line("public var rawValue: String")
      w.line()
      w.line("public init(rawValue: String) { self.rawValue = rawValue }")
      for capability in context.spec.capabilities {
        w.line()
        w.doc("`\"\(capability.name)\"`: \(capability.summary).")
        w.line(
          "public static let \(SwiftNaming.escaped(capability.name)) = Capability(rawValue: \(SwiftLiteral.string(capability.name)))"
        )
      }
      w.line()
      w.doc("Every capability the spec lists.")
      w.line(
        "public static let all: [Capability] = [\(context.spec.capabilities.map { "." + $0.name }.joined(separator: ", "))]"
      )
      w.line()
      w.line("public var description: String { rawValue }")
    }
    return GeneratedFile(path: context.libraryDirectory + "/Capability.swift", contents: writer.text)
  }
}
