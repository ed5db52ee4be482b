/// How an option can be used, as the access marker type of its key.
enum OptionAccessMarker: String, Hashable, Comparable {
  case readOnly = "ReadOnly"
  case readWrite = "ReadWrite"
  case writeOnly = "WriteOnly"

  init?(_ row: OptionRow) {
    switch (row.settable, row.gettable) {
    case (true, true): self = .readWrite
    case (true, false): self = .writeOnly
    case (false, true): self = .readOnly
    case (false, false): return nil
    }
  }

  /// The Swift type name (`ReadWrite`).
  var typeName: String { rawValue }

  /// In words, for documentation: `read and write`.
  var prose: String {
    switch self {
    case .readOnly: "read only"
    case .readWrite: "read and write"
    case .writeOnly: "write only"
    }
  }

  static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

/// Emits the typed option keys from the option table: `SocketOption` and
/// `ContextOption` static members in extensions constrained by value type
/// and access, the runtime's `OptionValueKind` enum, and the socket
/// option kind table the untyped `getsockopt`/`setsockopt` read.
struct OptionsEmitter {
  let context: GenerationContext
  let table: OptionTable

  struct Key {
    var row: OptionRow
    var swiftName: String
    var value: Int64
    var access: OptionAccessMarker
  }

  /// The generic constraint of one extension: the value type and access
  /// its members share.
  struct Constraint: Hashable, Comparable {
    var valueType: String
    var access: OptionAccessMarker

    static func < (a: Self, b: Self) -> Bool { (a.valueType, a.access) < (b.valueType, b.access) }
  }

  var inputs: [String] { ["\(OptionTableFile.path) (\(table.source))"] }

  /// The rows of `scope` that the header declares at the API level generated.
  func keys(_ scope: OptionScope, diagnostics: inout [Diagnostic]) -> [Key] {
    var keys: [Key] = []
    for row in table.rows where row.scope == scope {
      guard let macro = context.model.macro(named: row.name), let value = macro.integerValue else {
        diagnostics.append(
          Diagnostic(
            .warning, "\(OptionTableFile.path): \(row.name)",
            "documented but not declared by \(context.model.header); no key emitted"))
        continue
      }
      if macro.availability == .draft && !context.draft { continue }
      guard let access = OptionAccessMarker(row) else {
        diagnostics.append(Diagnostic(.error, "\(OptionTableFile.path): \(row.name)", "neither settable nor gettable"))
        continue
      }
      keys.append(Key(row: row, swiftName: SwiftNaming.memberName(row.name), value: value, access: access))
    }
    return keys.sorted { $0.row.name < $1.row.name }
  }

  func documentation(_ key: Key) -> String {
    let row = key.row
    let draft = context.model.macro(named: row.name)?.availability == .draft ? ", draft API" : ""
    var lines = ["\(row.summary.isEmpty ? row.name : row.summary) (`\(row.name)`\(draft)).", ""]
    lines.append("- Type: \(row.type) → `\(row.kind.swiftType)`")
    if let unit = row.unit { lines.append("- Unit: \(unit)") }
    if let defaultValue = row.defaultValue { lines.append("- Default: \(defaultValue)") }
    if let socketTypes = row.socketTypes { lines.append("- Socket types: \(socketTypes)") }
    if let alias = row.aliasOf { lines.append("- Alias of `\(alias)`") }
    lines.append("- Access: \(key.access.prose)")
    return lines.joined(separator: "\n")
  }

  func emit(diagnostics: inout [Diagnostic]) -> [GeneratedFile] {
    let socket = keys(.socket, diagnostics: &diagnostics)
    let context = keys(.context, diagnostics: &diagnostics)
    return [
      file("SocketOptions.swift", type: "SocketOption", keys: socket, storesKind: true),
      file("ContextOptions.swift", type: "ContextOption", keys: context, storesKind: false),
      kindsFile(socket: socket),
      kindEnumFile(),
    ]
  }

  /// Socket keys store their kind (a `[UInt8]` key may be a CURVE key);
  /// every context option is an `int`, so context keys need none.
  func file(_ name: String, type: String, keys: [Key], storesKind: Bool) -> GeneratedFile {
    var writer = SwiftWriter()
    writer.line(self.context.provenance(inputs: inputs).banner)
    let groups = Dictionary(grouping: keys) { Constraint(valueType: $0.row.kind.swiftType, access: $0.access) }
    for constraint in groups.keys.sorted() {
      writer.block("extension \(type) where Value == \(constraint.valueType), Access == \(constraint.access.typeName)")
      { w in
        for (index, key) in groups[constraint]!.enumerated() {
          if index > 0 { w.line() }
          w.doc(documentation(key))
          if key.row.deprecated, let target = key.row.aliasOf {
            w.line(
              "@available(*, deprecated, renamed: \"\(SwiftNaming.memberName(target).replacingOccurrences(of: "`", with: ""))\")"
            )
          } else if key.row.deprecated {
            w.line("@available(*, deprecated, message: \"\(key.row.name) is deprecated in libzmq\")")
          }
          let kind = storesKind ? ", kind: .\(key.row.kind.rawValue)" : ""
          w.line("@inlinable public static var \(key.swiftName): Self { Self(rawValue: \(key.value)\(kind)) }")
        }
      }
      writer.line()
    }
    var text = writer.text
    while text.hasSuffix("\n\n") { text.removeLast() }
    return GeneratedFile(path: self.context.libraryDirectory + "/" + name, contents: text)
  }

  /// The kind of each socket option by number, for the untyped accessors.
  /// An alias shares its target's number; the target's row comes first.
  func kindsFile(socket: [Key]) -> GeneratedFile {
    var writer = SwiftWriter()
    writer.line(self.context.provenance(inputs: inputs).banner)
    writer.block("extension ZMQ") { w in
      w.doc("How each documented socket option's value is stored, by option number.")
      w.line("static let socketOptionKinds: [Int32: OptionValueKind] = [")
      var seen: Set<Int64> = []
      for key in socket.sorted(by: {
        ($0.row.aliasOf != nil ? 1 : 0, $0.row.name) < ($1.row.aliasOf != nil ? 1 : 0, $1.row.name)
      })
      where seen.insert(key.value).inserted {
        w.line("  \(key.value): .\(key.row.kind.rawValue),  // \(key.row.name)")
      }
      w.line("]")
    }
    return GeneratedFile(path: self.context.libraryDirectory + "/OptionKinds.swift", contents: writer.text)
  }

  /// The runtime's copy of the generator's `OptionValueKind`.
  func kindEnumFile() -> GeneratedFile {
    var writer = SwiftWriter()
    writer.line(
      Provenance(command: context.command, inputs: ["Generator/BindgenCore/Spec/OptionValueKind.swift"]).banner)
    writer.doc(
      "How libzmq stores an option's value, from its documentation: the C\ntype, with `int` options whose unit is boolean told apart."
    )
    writer.block("public enum OptionValueKind: Sendable, Hashable") { w in
      for (index, kind) in OptionValueKind.allCases.enumerated() {
        if index > 0 { w.line() }
        w.doc(kind.summary)
        w.line("case \(kind.rawValue)")
      }
    }
    writer.line()
    // Binary data is the fallback, so the types of `.bytes` and `.z85`
    // are not listed.
    let distinct = OptionValueKind.allCases.filter { kind in
      OptionValueKind.allCases.filter { $0.swiftType == kind.swiftType }.count == 1
    }
    writer.block("extension OptionValueKind") { w in
      w.doc(
        "The kind a key's value type implies when the key is made without one:\nbinary data for `[UInt8]` and any type without a kind of its own."
      )
      w.line("@usableFromInline")
      w.block("init(valueType: Any.Type)") { w in
        w.line("switch valueType {")
        for kind in distinct { w.line("case is \(kind.swiftType).Type: self = .\(kind.rawValue)") }
        w.line("default: self = .bytes")
        w.line("}")
      }
    }
    return GeneratedFile(path: context.libraryDirectory + "/OptionValueKind.swift", contents: writer.text)
  }
}
