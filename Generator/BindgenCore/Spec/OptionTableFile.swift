import Foundation
import Yams

/// A spec file that could not be read.
public struct OptionTableFileError: Error, CustomStringConvertible, Equatable {
  /// The file as given to the parser (`spec/derived/options.yaml`).
  public var file: String
  public var message: String
  public init(file: String, message: String) {
    self.file = file
    self.message = message
  }
  public var description: String { "\(file): \(message)" }
}

/// The text forms of the option table (`spec/derived/options.yaml`) and of the
/// reviewed overrides (`spec/option-overrides.yaml`).
///
/// `render` is deterministic — fixed key order, one mapping per option in
/// table order, a blank line between options, strings written plain only
/// when YAML cannot read them as anything else and double-quoted otherwise
/// — and `parse` reads exactly what it writes, so
/// `parse(render(t)) == t` and `render(parse(text)) == text` for rendered
/// text. Parsing is strict: unknown or repeated keys, missing keys and
/// values of the wrong shape are errors naming the entry.
public enum OptionTableFile {
  /// Where the table lives in the package. It is machine-written, so it
  /// sits under `spec/derived/`, apart from the reviewed tables.
  public static let path = "spec/derived/options.yaml"

  /// Row keys in the order they are written.
  static let rowKeys = [
    "name", "scope", "summary", "type", "kind", "unit", "defaultValue", "socketTypes", "settable", "gettable", "draft",
    "deprecated", "aliasOf",
  ]
  static let optionalRowKeys: Set<String> = ["unit", "defaultValue", "socketTypes", "aliasOf"]

  // MARK: Rendering

  public static func render(_ table: OptionTable) -> String {
    // The source goes into a comment too: keep it on one line there.
    let sourceInComment = String(
      String.UnicodeScalarView(table.source.unicodeScalars.map { isPrintable($0) ? $0 : " " }))
    var out = """
      # \(path): the socket and context options of libzmq, one entry per option.
      # Written by `zmq-bindgen spec sync` from the \(sourceInComment)
      # (\(SpecSync.pageNames.map { $0 + ".3" }.joined(separator: ", "))), the ZMQ_* macros of zmq.h and
      # spec/option-overrides.yaml. Do not edit: correct the overrides and sync again.

      """
    out += "source: \(scalar(table.source))\n"
    out += table.rows.isEmpty ? "options: []\n" : "options:\n"
    for (index, row) in table.rows.enumerated() {
      if index > 0 { out += "\n" }
      var fields: [(String, String)] = [
        ("name", scalar(row.name)), ("scope", scalar(row.scope.rawValue)), ("summary", scalar(row.summary)),
        ("type", scalar(row.type)), ("kind", scalar(row.kind.rawValue)),
      ]
      if let unit = row.unit { fields.append(("unit", scalar(unit))) }
      if let value = row.defaultValue { fields.append(("defaultValue", scalar(value))) }
      if let types = row.socketTypes { fields.append(("socketTypes", scalar(types))) }
      fields += [
        ("settable", String(row.settable)), ("gettable", String(row.gettable)), ("draft", String(row.draft)),
        ("deprecated", String(row.deprecated)),
      ]
      if let target = row.aliasOf { fields.append(("aliasOf", scalar(target))) }
      for (offset, field) in fields.enumerated() {
        out += (offset == 0 ? "- " : "  ") + "\(field.0): \(field.1)\n"
      }
    }
    return out
  }

  /// A string as a YAML scalar: plain when that is unambiguous — it starts
  /// with a letter, uses only letters, digits, spaces and `_-.,/()+'`, has
  /// no trailing space and is not one of YAML's words for booleans or null
  /// — and double-quoted with escapes otherwise.
  public static func scalar(_ text: String) -> String {
    if isSafePlain(text) { return text }
    var out = "\""
    for scalar in text.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      // YAML's own line breaks would be folded into spaces if written as is.
      case "\u{85}": out += "\\N"
      case "\u{2028}": out += "\\L"
      case "\u{2029}": out += "\\P"
      default:
        if isPrintable(scalar) {
          out.unicodeScalars.append(scalar)
        } else if scalar.value <= 0xFFFF {
          out += "\\u" + hex(scalar.value, digits: 4)
        } else {
          out += "\\U" + hex(scalar.value, digits: 8)
        }
      }
    }
    return out + "\""
  }

  static let plainWords: Set<String> = ["y", "n", "yes", "no", "true", "false", "on", "off", "null"]

  static func isSafePlain(_ text: String) -> Bool {
    guard let first = text.unicodeScalars.first, isASCIILetter(first), text.unicodeScalars.last != " " else {
      return false
    }
    guard !plainWords.contains(text.lowercased()) else { return false }
    for scalar in text.unicodeScalars {
      if isASCIILetter(scalar) || ("0"..."9").contains(scalar) { continue }
      if " _-.,/()+'".unicodeScalars.contains(scalar) { continue }
      return false
    }
    return !text.contains("  ")
  }

  static func isASCIILetter(_ scalar: Unicode.Scalar) -> Bool {
    ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar)
  }

  /// YAML's printable set (what libyaml accepts unescaped in a quoted scalar).
  static func isPrintable(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x20...0x7E, 0x10000...0x10FFFF: return true
    case 0xA0...0xD7FF: return scalar.value != 0x2028 && scalar.value != 0x2029
    case 0xE000...0xFFFD: return scalar.value != 0xFEFF
    default: return false
    }
  }

  static func hex(_ value: UInt32, digits: Int) -> String {
    let text = String(value, radix: 16, uppercase: true)
    return String(repeating: "0", count: max(0, digits - text.count)) + text
  }

  // MARK: Parsing the table

  public static func parse(_ text: String, file: String = OptionTableFile.path) throws -> OptionTable {
    let root = try compose(text, file: file)
    let top = try mapping(root, file: file, what: "the document")
    try checkKeys(
      top, allowed: ["source", "options"], required: ["source", "options"], file: file, what: "the document")
    let source = try string(top["source"]!, file: file, what: "source")
    guard case .sequence(let sequence) = top["options"]! else {
      throw OptionTableFileError(file: file, message: "options: expected a list")
    }
    var rows: [OptionRow] = []
    for (index, node) in sequence.enumerated() {
      let what = "option \(index + 1)"
      let entry = try mapping(node, file: file, what: what)
      let name = (entry["name"]?.scalar?.string).map { "option \(index + 1) (\($0))" } ?? what
      try checkKeys(
        entry, allowed: Set(rowKeys), required: Set(rowKeys).subtracting(optionalRowKeys), file: file, what: name)
      func text(_ key: String) throws -> String { try string(entry[key]!, file: file, what: "\(name): \(key)") }
      func optionalText(_ key: String) throws -> String? {
        try entry[key].map { try string($0, file: file, what: "\(name): \(key)") }
      }
      func flag(_ key: String) throws -> Bool { try bool(entry[key]!, file: file, what: "\(name): \(key)") }
      rows.append(
        OptionRow(
          name: try text("name"), scope: try enumValue(entry["scope"]!, file: file, what: "\(name): scope"),
          summary: try text("summary"), type: try text("type"), unit: try optionalText("unit"),
          defaultValue: try optionalText("defaultValue"), socketTypes: try optionalText("socketTypes"),
          settable: try flag("settable"), gettable: try flag("gettable"), draft: try flag("draft"),
          kind: try enumValue(entry["kind"]!, file: file, what: "\(name): kind"), deprecated: try flag("deprecated"),
          aliasOf: try optionalText("aliasOf")))
    }
    var seen: Set<String> = []
    for row in rows where !seen.insert("\(row.scope.rawValue) \(row.name)").inserted {
      throw OptionTableFileError(file: file, message: "\(row.scope.rawValue) option \(row.name) is listed twice")
    }
    return OptionTable(source: source, rows: rows)
  }

  public static func load(path: String) throws -> OptionTable {
    try parse(try readFile(path), file: path)
  }

  // MARK: Overrides

  static let overrideKeys = OptionOverride.CodingKeys.allCases.map(\.rawValue)

  /// Reads `spec/option-overrides.yaml`: a mapping with one key,
  /// `overrides`, holding a list of entries with the keys of
  /// `OptionOverride` (`name`, `scope` and `reason` required). An empty
  /// `reason` is read; the builder refuses to apply it.
  public static func parseOverrides(_ text: String, file: String = "spec/option-overrides.yaml") throws
    -> [OptionOverride]
  {
    guard let root = try compose(text, file: file, allowEmpty: true) else { return [] }
    let top = try mapping(root, file: file, what: "the document")
    try checkKeys(top, allowed: ["overrides"], required: [], file: file, what: "the document")
    guard let list = top["overrides"] else { return [] }
    if case .scalar(let scalar) = list, scalar.string.isEmpty || scalar.string == "~" || scalar.string == "null" {
      return []
    }
    guard case .sequence(let sequence) = list else {
      throw OptionTableFileError(file: file, message: "overrides: expected a list")
    }
    var overrides: [OptionOverride] = []
    for (index, node) in sequence.enumerated() {
      let entry = try mapping(node, file: file, what: "override \(index + 1)")
      let name = (entry["name"]?.scalar?.string).map { "override \(index + 1) (\($0))" } ?? "override \(index + 1)"
      try checkKeys(entry, allowed: Set(overrideKeys), required: ["name", "scope", "reason"], file: file, what: name)
      func text(_ key: String) throws -> String? {
        try entry[key].map { try string($0, file: file, what: "\(name): \(key)") }
      }
      func flag(_ key: String) throws -> Bool? {
        try entry[key].map { try bool($0, file: file, what: "\(name): \(key)") }
      }
      overrides.append(
        OptionOverride(
          name: try text("name")!, scope: try enumValue(entry["scope"]!, file: file, what: "\(name): scope"),
          summary: try text("summary"), type: try text("type"), unit: try text("unit"),
          defaultValue: try text("defaultValue"), socketTypes: try text("socketTypes"), settable: try flag("settable"),
          gettable: try flag("gettable"),
          kind: try entry["kind"].map { try enumValue($0, file: file, what: "\(name): kind") },
          deprecated: try flag("deprecated"), aliasOf: try text("aliasOf"), add: try flag("add") ?? false,
          remove: try flag("remove") ?? false, reason: try text("reason")!))
    }
    return overrides
  }

  public static func loadOverrides(path: String) throws -> [OptionOverride] {
    try parseOverrides(try readFile(path), file: path)
  }

  // MARK: Node helpers

  static func readFile(_ path: String) throws -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw OptionTableFileError(file: path, message: "cannot read the file (missing or unreadable)")
    }
    return String(decoding: data, as: UTF8.self)
  }

  static func compose(_ text: String, file: String) throws -> Node {
    guard let node = try compose(text, file: file, allowEmpty: false) else {
      throw OptionTableFileError(file: file, message: "the file is empty")
    }
    return node
  }

  static func compose(_ text: String, file: String, allowEmpty: Bool) throws -> Node? {
    do {
      let node = try Yams.compose(yaml: text)
      if node == nil && !allowEmpty { throw OptionTableFileError(file: file, message: "the file is empty") }
      return node
    } catch let error as OptionTableFileError {
      throw error
    } catch {
      throw OptionTableFileError(file: file, message: "not valid YAML: \(error)")
    }
  }

  static func mapping(_ node: Node, file: String, what: String) throws -> Node.Mapping {
    guard case .mapping(let mapping) = node else {
      throw OptionTableFileError(file: file, message: "\(what): expected a mapping\(line(node))")
    }
    return mapping
  }

  static func checkKeys(
    _ mapping: Node.Mapping, allowed: Set<String>, required: Set<String>, file: String, what: String
  ) throws {
    var seen: Set<String> = []
    for (keyNode, _) in mapping {
      guard let key = keyNode.scalar?.string else {
        throw OptionTableFileError(file: file, message: "\(what): keys must be plain strings\(line(keyNode))")
      }
      guard allowed.contains(key) else {
        throw OptionTableFileError(
          file: file,
          message:
            "\(what): unknown key '\(key)'\(line(keyNode)) (known keys: \(allowed.sorted().joined(separator: ", ")))")
      }
      guard seen.insert(key).inserted else {
        throw OptionTableFileError(file: file, message: "\(what): key '\(key)' given twice\(line(keyNode))")
      }
    }
    for key in required.sorted() where !seen.contains(key) {
      throw OptionTableFileError(file: file, message: "\(what): missing key '\(key)'")
    }
  }

  static func string(_ node: Node, file: String, what: String) throws -> String {
    guard case .scalar(let scalar) = node else {
      throw OptionTableFileError(file: file, message: "\(what): expected a string\(line(node))")
    }
    return scalar.string
  }

  static func bool(_ node: Node, file: String, what: String) throws -> Bool {
    guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any,
      scalar.string == "true" || scalar.string == "false"
    else {
      throw OptionTableFileError(file: file, message: "\(what): expected true or false\(line(node))")
    }
    return scalar.string == "true"
  }

  static func enumValue<T: RawRepresentable & CaseIterable>(_ node: Node, file: String, what: String) throws -> T
  where T.RawValue == String {
    let text = try string(node, file: file, what: what)
    guard let value = T(rawValue: text) else {
      throw OptionTableFileError(
        file: file,
        message: "\(what): '\(text)' is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))\(line(node))")
    }
    return value
  }

  static func line(_ node: Node) -> String {
    node.mark.map { " (line \($0.line))" } ?? ""
  }
}

// MARK: - Spec sync

/// `zmq-bindgen spec sync` in one call: read the four option pages from a
/// man directory, cross-check them with the header and apply the overrides.
public enum SpecSync {
  /// Where Debian puts libzmq's section-3 pages.
  public static let defaultManDirectory = "/usr/share/man/man3"

  /// The option pages, without extension, in the order the builder takes
  /// them (and the table's header comment names them).
  public static let pageNames = ["zmq_setsockopt", "zmq_getsockopt", "zmq_ctx_set", "zmq_ctx_get"]

  /// Builds the option table. Each page is read from `NAME.3.gz` or, when
  /// that does not exist, `NAME.3`; a missing page throws `ManPageError`
  /// naming the path.
  public static func build(manDirectory: String, header: HeaderModel, overrides: [OptionOverride]) throws -> (
    OptionTable, [Diagnostic]
  ) {
    let texts = try pageNames.map { try pageText(named: $0, in: manDirectory) }
    let builder = OptionTableBuilder(
      socketSetPage: texts[0], socketGetPage: texts[1], contextSetPage: texts[2], contextGetPage: texts[3],
      header: HeaderMacroFact.facts(from: header), overrides: overrides)
    return builder.build()
  }

  /// The text of one page from a man directory.
  public static func pageText(named name: String, in manDirectory: String) throws -> String {
    let base = (manDirectory as NSString).appendingPathComponent("\(name).3")
    let compressed = base + ".gz"
    if FileManager.default.fileExists(atPath: compressed) { return try ManPageReader.loadText(path: compressed) }
    if FileManager.default.fileExists(atPath: base) { return try ManPageReader.loadText(path: base) }
    throw ManPageError(
      path: compressed, reason: "no such file (nor \(base)); install libzmq's man pages (Debian: libzmq3-dev)")
  }
}
