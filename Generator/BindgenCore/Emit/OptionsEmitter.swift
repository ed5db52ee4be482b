/// Emits the typed option keys from the option table (`spec/options.yaml`):
/// `SocketOption`/`ContextOption` static members constrained by value type
/// and access, and the internal kind tables the untyped accessors use.
struct OptionsEmitter {
  let context: GenerationContext
  let table: OptionTable

  /// The Swift value type of a kind (DESIGN §4).
  static func swiftType(_ kind: OptionValueKind) -> String {
    switch kind {
    case .int32: "Int32"
    case .bool: "Bool"
    case .int64: "Int64"
    case .uint64: "UInt64"
    case .string: "String"
    case .bytes, .z85: "[UInt8]"
    }
  }

  static func access(_ row: OptionRow) -> String? {
    switch (row.settable, row.gettable) {
    case (true, true): "ReadWrite"
    case (true, false): "WriteOnly"
    case (false, true): "ReadOnly"
    case (false, false): nil
    }
  }

  struct Key {
    var row: OptionRow
    var swiftName: String
    var value: Int64
    var access: String
  }

  /// The rows of `scope` that the header declares at the API level generated.
  func keys(_ scope: OptionScope, diagnostics: inout [Diagnostic]) -> [Key] {
    var keys: [Key] = []
    for row in table.rows where row.scope == scope {
      guard let macro = context.model.macro(named: row.name), let value = macro.integerValue else {
        diagnostics.append(Diagnostic(.warning, "spec/options.yaml: \(row.name)",
          "documented but not declared by \(context.model.header); no key emitted"))
        continue
      }
      if macro.availability == .draft && !context.draft { continue }
      guard let access = Self.access(row) else {
        diagnostics.append(Diagnostic(.error, "spec/options.yaml: \(row.name)", "neither settable nor gettable"))
        continue
      }
      keys.append(Key(row: row, swiftName: SwiftNaming.memberName(row.name), value: value, access: access))
    }
    return keys.sorted { $0.row.name < $1.row.name }
  }

  func documentation(_ key: Key) -> String {
    let row = key.row
    var lines = ["\(row.summary.isEmpty ? row.name : row.summary) (`\(row.name)`\(context.model.macro(named: row.name)?.availability == .draft ? ", draft API" : "")).", ""]
    lines.append("- Type: \(row.type) → `\(Self.swiftType(row.kind))`")
    if let unit = row.unit { lines.append("- Unit: \(unit)") }
    if let defaultValue = row.defaultValue { lines.append("- Default: \(defaultValue)") }
    if let socketTypes = row.socketTypes { lines.append("- Socket types: \(socketTypes)") }
    if let alias = row.aliasOf { lines.append("- Alias of `\(alias)`") }
    lines.append("- Access: \(key.access == "ReadWrite" ? "read and write" : key.access == "ReadOnly" ? "read only" : "write only")")
    return lines.joined(separator: "\n")
  }

  func emit(diagnostics: inout [Diagnostic]) -> [GeneratedFile] {
    let socket = keys(.socket, diagnostics: &diagnostics)
    let context = keys(.context, diagnostics: &diagnostics)
    return [
      file("SocketOptions.swift", type: "SocketOption", keys: socket),
      file("ContextOptions.swift", type: "ContextOption", keys: context),
      kindsFile(socket: socket, context: context),
    ]
  }

  func file(_ name: String, type: String, keys: [Key]) -> GeneratedFile {
    var writer = SwiftWriter()
    writer.line(self.context.provenance(inputs: ["spec/options.yaml (\(table.source))"]).banner)
    // One constrained extension per (value type, access) pair, in a fixed order.
    let groups = Dictionary(grouping: keys) { "\(Self.swiftType($0.row.kind))|\($0.access)" }
    for groupKey in groups.keys.sorted() {
      let members = groups[groupKey]!
      let parts = groupKey.split(separator: "|")
      writer.block("extension \(type) where Value == \(parts[0]), Access == \(parts[1])") { w in
        for (index, key) in members.enumerated() {
          if index > 0 { w.line() }
          w.doc(documentation(key))
          if key.row.deprecated, let target = key.row.aliasOf {
            w.line("@available(*, deprecated, renamed: \"\(SwiftNaming.memberName(target).replacingOccurrences(of: "`", with: ""))\")")
          } else if key.row.deprecated {
            w.line("@available(*, deprecated, message: \"\(key.row.name) is deprecated in libzmq\")")
          }
          w.line("@inlinable public static var \(key.swiftName): Self { Self(rawValue: \(key.value)) }")
        }
      }
      writer.line()
    }
    var text = writer.text
    while text.hasSuffix("\n\n") { text.removeLast() }
    return GeneratedFile(path: self.context.libraryDirectory + "/" + name, contents: text)
  }

  func kindsFile(socket: [Key], context: [Key]) -> GeneratedFile {
    var writer = SwiftWriter()
    writer.line(self.context.provenance(inputs: ["spec/options.yaml (\(table.source))"]).banner)
    writer.block("extension ZMQ") { w in
      for (name, keys) in [("socketOptionKinds", socket), ("contextOptionKinds", context)] {
        w.doc("How each documented \(name == "socketOptionKinds" ? "socket" : "context") option's value is stored, by option number.")
        w.line("static let \(name): [Int32: OptionValueKind] = [")
        var seen: Set<Int64> = []
        for key in keys.sorted(by: { ($0.row.aliasOf != nil ? 1 : 0, $0.row.name) < ($1.row.aliasOf != nil ? 1 : 0, $1.row.name) })
        where seen.insert(key.value).inserted {
          w.line("  \(key.value): .\(key.row.kind.rawValue),  // \(key.row.name)")
        }
        w.line("]")
        if name == "socketOptionKinds" { w.line() }
      }
    }
    return GeneratedFile(path: self.context.libraryDirectory + "/OptionKinds.swift", contents: writer.text)
  }
}
