import Foundation

/// One option as a libzmq man page documents it: the `ZMQ_NAME: summary`
/// heading and the label/value rows of its table, with text kept as written
/// (escapes decoded, whitespace collapsed).
public struct ManPageOption: Codable, Equatable, Sendable {
  /// The C name, `ZMQ_LINGER`.
  public var name: String
  /// The heading after the colon: `Set linger period for socket shutdown`.
  public var summary: String
  /// The table's rows in page order: `("Option value type", "int")`, …
  /// Every label is kept, including ones the option table does not use
  /// (`Option value size`, `Maximum value`).
  public var fields: [Field]
  /// Set when the section says the name is a deprecated alias of another
  /// option ("Use ZMQ_ROUTING_ID instead … remains as an alias").
  public var aliasOf: String?
  /// Set when the section says "This option is deprecated" (or "This
  /// option name is now deprecated").
  public var deprecated: Bool
  /// The 1-based line of the heading in the decompressed page.
  public var line: Int

  public struct Field: Codable, Equatable, Sendable {
    public var label: String
    public var value: String
    public init(label: String, value: String) {
      self.label = label
      self.value = value
    }
  }

  public init(
    name: String, summary: String, fields: [Field] = [], aliasOf: String? = nil, deprecated: Bool = false,
    line: Int = 0
  ) {
    self.name = name
    self.summary = summary
    self.fields = fields
    self.aliasOf = aliasOf
    self.deprecated = deprecated
    self.line = line
  }

  /// The value of the first row with this label (compared
  /// case-insensitively), if any.
  public func field(_ label: String) -> String? {
    let wanted = label.lowercased()
    return fields.first { $0.label.lowercased() == wanted }?.value
  }

  public var type: String? { field(ManPageOption.typeLabel) }
  public var unit: String? { field(ManPageOption.unitLabel) }
  public var defaultValue: String? { field(ManPageOption.defaultLabel) }
  public var socketTypes: String? { field(ManPageOption.socketTypesLabel) }

  public static let typeLabel = "Option value type"
  public static let unitLabel = "Option value unit"
  public static let defaultLabel = "Default value"
  public static let socketTypesLabel = "Applicable socket types"
}

/// What one page says: its title line, the options it documents and what
/// the reader had to work around.
public struct ManPage: Equatable, Sendable {
  /// The page name from `.TH` (lower-cased), `zmq_setsockopt`; empty if none.
  public var name: String
  /// The manual section from `.TH`, `3`.
  public var section: String
  /// The source field of `.TH`, `0MQ 4.3.4`.
  public var source: String?
  /// The libzmq version in `source`, `4.3.4`.
  public var version: String?
  /// The value type the SYNOPSIS gives for every option of the page, when
  /// it is not a `void *`: `int` for `zmq_ctx_set (…, int option_value)`
  /// and for `int zmq_ctx_get (…)`, which returns the value; `nil` for the
  /// socket option pages, whose tables give a type per option.
  public var synopsisValueType: String?
  public var options: [ManPageOption]
  /// Oddities the reader worked around (recovered headings, tables it
  /// could not attach, malformed tables). Locations are `page.3: ZMQ_X`.
  public var diagnostics: [Diagnostic]

  /// The page name as diagnostics spell it: `zmq_setsockopt.3`.
  public var fileName: String { name.isEmpty ? "(untitled page)" : "\(name).\(section.isEmpty ? "3" : section)" }

  public init(
    name: String, section: String, source: String?, version: String?, synopsisValueType: String?,
    options: [ManPageOption], diagnostics: [Diagnostic]
  ) {
    self.name = name
    self.section = section
    self.source = source
    self.version = version
    self.synopsisValueType = synopsisValueType
    self.options = options
    self.diagnostics = diagnostics
  }
}

/// A page that could not be read.
public struct ManPageError: Error, CustomStringConvertible, Equatable {
  public var path: String
  public var reason: String
  public init(path: String, reason: String) {
    self.path = path
    self.reason = reason
  }
  public var description: String { "cannot read man page \(path): \(reason)" }
}

/// Reads the option sections of a libzmq man page (`zmq_setsockopt.3`,
/// `zmq_getsockopt.3`, `zmq_ctx_set.3`, `zmq_ctx_get.3`).
///
/// An option starts at a `.SS "ZMQ_NAME: summary"` heading and runs to the
/// next heading. Its first table gives its fields; the labels are the left
/// column, the values the right one. Tables have four rows on most socket
/// options, three or five on some, and a single `Default value` row on the
/// context pages; `zmq_ctx_get.3` has no tables at all.
///
/// One slip of the 4.3.4 pages is recovered rather than lost: in
/// `zmq_getsockopt.3` the `ZMQ_PRIORITY` section was not rendered, so its
/// heading, an AsciiDoc `Label:: value` list and the `ZMQ_RATE` heading
/// appear as plain lines of a literal block inside the `ZMQ_USE_FD`
/// section. A literal line of the form `ZMQ_NAME: summary` is taken as a
/// heading and `Label:: value` lines as table rows, each with a warning.
public enum ManPageReader {
  /// Reads one page's text.
  public static func read(_ text: String) -> ManPage {
    let document = RoffDocument(parsing: text)
    var reader = PageWalker(document: document)
    return reader.walk()
  }

  /// The options of one page's text (the diagnostics are dropped; use
  /// `read(_:)` to see them).
  public static func options(in text: String) -> [ManPageOption] {
    read(text).options
  }

  /// The text of a page file: a `.gz` file is decompressed with `gzip -dc`,
  /// anything else is read as is. Bytes that are not UTF-8 become U+FFFD.
  public static func loadText(path: String) throws -> String {
    guard FileManager.default.fileExists(atPath: path) else {
      throw ManPageError(path: path, reason: "no such file")
    }
    let data: Data
    if path.hasSuffix(".gz") {
      data = try gunzip(path: path)
    } else {
      guard let contents = FileManager.default.contents(atPath: path) else {
        throw ManPageError(path: path, reason: "file is not readable")
      }
      data = contents
    }
    return String(decoding: data, as: UTF8.self)
  }

  /// Reads and parses a page file.
  public static func load(path: String) throws -> ManPage {
    read(try loadText(path: path))
  }

  private static func gunzip(path: String) throws -> Data {
    let result: SubprocessResult
    do {
      result = try runSubprocess(["gzip", "-dc", "--", path])
    } catch {
      throw ManPageError(path: path, reason: "cannot run gzip: \(error)")
    }
    guard result.status == 0 else {
      let detail = result.errors.trimmingCharacters(in: .whitespacesAndNewlines)
      throw ManPageError(
        path: path, reason: "gzip -dc exited with status \(result.status)\(detail.isEmpty ? "" : ": \(detail)")")
    }
    return result.output
  }

  /// `ZMQ_NAME: summary` (the summary may be empty), or nil.
  static func optionHeading(_ text: String) -> (name: String, summary: String)? {
    let scalars = Array(text.unicodeScalars)
    guard scalars.count > 4, String(String.UnicodeScalarView(scalars[0..<4])) == "ZMQ_" else { return nil }
    var index = 4
    while index < scalars.count, isNameScalar(scalars[index]) { index += 1 }
    guard index < scalars.count, scalars[index] == ":" else { return nil }
    let name = String(String.UnicodeScalarView(scalars[0..<index]))
    let summary = Roff.normalizeWhitespace(String(String.UnicodeScalarView(scalars[(index + 1)...])))
    return (name, summary)
  }

  static func isNameScalar(_ scalar: Unicode.Scalar) -> Bool {
    ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
  }
}

/// Walks a document's blocks and collects options.
private struct PageWalker {
  let document: RoffDocument
  var options: [ManPageOption] = []
  var diagnostics: [Diagnostic] = []
  var current: ManPageOption? = nil
  var currentHasTable = false
  var section = ""
  var synopsis: [String] = []
  var pageName = ""
  var pageSection = ""

  init(document: RoffDocument) {
    self.document = document
    pageName = document.titleArguments.first?.lowercased() ?? ""
    pageSection = document.titleArguments.count > 1 ? document.titleArguments[1] : ""
  }

  var fileName: String {
    pageName.isEmpty ? "(untitled page)" : "\(pageName).\(pageSection.isEmpty ? "3" : pageSection)"
  }

  mutating func walk() -> ManPage {
    for block in document.blocks {
      switch block {
      case .sectionHeading(let text, _):
        finishOption()
        section = text.uppercased()
      case .subsectionHeading(let text, let line):
        finishOption()
        if let heading = ManPageReader.optionHeading(text) {
          startOption(heading.name, summary: heading.summary, line: line)
        }
      case .paragraph(let text, let line):
        if section == "SYNOPSIS" { synopsis.append(text) }
        if section == "DESCRIPTION", let heading = Self.strayHeading(text) {
          finishOption()
          startOption(heading.name, summary: heading.summary, line: line)
          diagnostics.append(
            Diagnostic(
              .warning, "\(fileName): \(heading.name)",
              "heading recovered from an unrendered AsciiDoc title (line \(line))"))
        } else {
          noteProse(text)
        }
      case .literal(let lines, let line):
        readLiteral(lines, firstLine: line)
      case .table(let table):
        attach(table)
      }
    }
    finishOption()
    let source = document.titleArguments.count > 3 ? document.titleArguments[3] : nil
    return ManPage(
      name: pageName, section: pageSection, source: source, version: source.flatMap(Self.version(in:)),
      synopsisValueType: synopsis.first.flatMap(Self.valueType(fromSynopsis:)), options: options,
      diagnostics: diagnostics)
  }

  mutating func startOption(_ name: String, summary: String, line: Int) {
    current = ManPageOption(name: name, summary: summary, line: line)
    currentHasTable = false
  }

  mutating func finishOption() {
    guard let option = current else { return }
    current = nil
    if let index = options.firstIndex(where: { $0.name == option.name }) {
      diagnostics.append(
        Diagnostic(
          .warning, "\(fileName): \(option.name)",
          "documented twice (lines \(options[index].line) and \(option.line)); the first section is used"))
      return
    }
    options.append(option)
  }

  /// Deprecation and alias sentences of an option's prose.
  mutating func noteProse(_ text: String) {
    guard current != nil else { return }
    if text.range(of: #"This option( name)? is (now )?deprecated"#, options: [.regularExpression, .caseInsensitive])
      != nil
    {
      current!.deprecated = true
    }
    if text.range(of: "alias", options: .caseInsensitive) != nil,
      let match = text.range(of: #"Use ZMQ_[A-Z0-9_]+ instead"#, options: .regularExpression)
    {
      let target = text[match].dropFirst(4).dropLast(8)
      if target != current!.name { current!.aliasOf = String(target) }
    }
  }

  /// Literal blocks normally hold examples; inside the option list they
  /// may hold AsciiDoc that was never rendered (see `ManPageReader`).
  mutating func readLiteral(_ lines: [String], firstLine: Int) {
    guard section == "DESCRIPTION" || current != nil else { return }
    var recovered: [String] = []
    var recoveredLines: [Int] = []
    func reportRecovered(_ walker: inout PageWalker) {
      guard let name = walker.current?.name, !recovered.isEmpty else { return }
      let lineText =
        recoveredLines.first == recoveredLines.last
        ? "line \(recoveredLines[0])" : "lines \(recoveredLines.first!)-\(recoveredLines.last!)"
      walker.diagnostics.append(
        Diagnostic(
          .warning, "\(walker.fileName): \(name)",
          "table rows recovered from an unrendered AsciiDoc list (\(lineText)): \(recovered.joined(separator: ", "))"))
      walker.currentHasTable = true
      recovered = []
      recoveredLines = []
    }
    for (offset, raw) in lines.enumerated() {
      let text = Roff.normalizeWhitespace(raw)
      let lineNumber = firstLine + offset
      if let heading = Self.strayHeading(text) {
        reportRecovered(&self)
        finishOption()
        startOption(heading.name, summary: heading.summary, line: lineNumber)
        diagnostics.append(
          Diagnostic(
            .warning, "\(fileName): \(heading.name)",
            "heading recovered from an unrendered AsciiDoc title in a literal block (line \(lineNumber))"))
      } else if current != nil, let (label, value) = Self.definitionRow(text) {
        if currentHasTable {
          diagnostics.append(
            Diagnostic(
              .warning, "\(fileName): \(current!.name)",
              "AsciiDoc row '\(label)' ignored: the option already has a table"))
          continue
        }
        guard !current!.fields.contains(where: { $0.label.lowercased() == label.lowercased() }) else { continue }
        current!.fields.append(.init(label: label, value: value))
        recovered.append(label)
        recoveredLines.append(lineNumber)
      } else if !text.isEmpty {
        noteProse(text)
      }
    }
    reportRecovered(&self)
  }

  /// An AsciiDoc labelled-list line, `Label:: value`, with a label that
  /// starts with a letter.
  static func definitionRow(_ text: String) -> (String, String)? {
    guard
      let separator = text.range(of: ":: ") ?? (text.hasSuffix("::") ? text.range(of: "::", options: .backwards) : nil)
    else { return nil }
    let label = Roff.normalizeWhitespace(String(text[..<separator.lowerBound]))
    let value = Roff.normalizeWhitespace(String(text[separator.upperBound...]))
    guard let first = label.unicodeScalars.first, first.properties.isAlphabetic, !label.contains(":") else {
      return nil
    }
    return (label, value)
  }

  mutating func attach(_ table: RoffTable) {
    guard let name = current?.name else {
      if section == "DESCRIPTION" {
        diagnostics.append(
          Diagnostic(.warning, "\(fileName):\(table.line)", "table outside any option section ignored"))
      }
      return
    }
    for problem in table.problems {
      diagnostics.append(
        Diagnostic(.warning, "\(fileName): \(name)", "malformed table at line \(table.line): \(problem)"))
    }
    if currentHasTable {
      diagnostics.append(
        Diagnostic(
          .warning, "\(fileName): \(name)",
          "second table at line \(table.line) ignored; the option's first table is used"))
      return
    }
    currentHasTable = true
    for row in table.rows {
      guard let label = row.first, !label.isEmpty else { continue }
      if row.count != 2 {
        diagnostics.append(
          Diagnostic(.warning, "\(fileName): \(name)", "table row '\(label)' has \(row.count) cells, expected 2"))
      }
      let value = row.count > 1 ? row[1...].filter { !$0.isEmpty }.joined(separator: " ") : ""
      if current!.fields.contains(where: { $0.label.lowercased() == label.lowercased() }) {
        diagnostics.append(
          Diagnostic(.warning, "\(fileName): \(name)", "table row '\(label)' repeated; the first is used"))
        continue
      }
      current!.fields.append(.init(label: label, value: value))
    }
  }

  /// A line of text that is an AsciiDoc section title which was never
  /// rendered: `ZMQ_NAME: summary` on its own, short, with a non-empty
  /// summary that is not a sentence.
  static func strayHeading(_ text: String) -> (name: String, summary: String)? {
    guard text.count <= 120, !text.contains("::"), !text.hasSuffix("."),
      let heading = ManPageReader.optionHeading(text), !heading.summary.isEmpty
    else { return nil }
    return heading
  }

  /// `4.3.4` from `0MQ 4.3.4`.
  static func version(in source: String) -> String? {
    guard let range = source.range(of: #"[0-9]+(\.[0-9]+)+"#, options: .regularExpression) else { return nil }
    return String(source[range])
  }

  /// The option value's type from a prototype (the rule both readers
  /// share, ``ManPageShapes/valueType(fromSynopsis:)``).
  static func valueType(fromSynopsis synopsis: String) -> String? {
    ManPageShapes.valueType(fromSynopsis: synopsis)
  }
}
