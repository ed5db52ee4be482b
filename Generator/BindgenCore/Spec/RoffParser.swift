// The block parser of the roff reader (see `Roff`).

/// Turns lines into blocks. Paragraph text and literal lines accumulate
/// until a request or heading ends them.
struct RoffParser {
  private let lines: [String]
  private var index = 0
  private var titleArguments: [String] = []
  private var blocks: [RoffBlock] = []
  private var paragraph: [String] = []
  private var paragraphLine = 0
  private var literal: [String]? = nil
  private var literalLine = 0
  /// A `.SH`/`.SS` without arguments takes its text from the next line.
  private var pendingHeading: (section: Bool, line: Int)? = nil

  init(text: String) {
    var lines: [String] = []
    // Split on LF and drop a CR before it; work on scalars so that no
    // grapheme clustering of "\r\n" or combining marks can surprise us.
    var current = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
      if scalar == "\n" {
        if current.last == "\r" { current.removeLast() }
        lines.append(String(current))
        current = String.UnicodeScalarView()
      } else {
        current.append(scalar)
      }
    }
    if !current.isEmpty {
      if current.last == "\r" { current.removeLast() }
      lines.append(String(current))
    }
    self.lines = lines
  }

  mutating func parse() -> RoffDocument {
    while index < lines.count {
      let line = lines[index]
      let lineNumber = index + 1
      index += 1
      if let request = RoffRequest(line: line) {
        handle(request, lineNumber: lineNumber)
      } else {
        handleText(line, lineNumber: lineNumber)
      }
    }
    flushParagraph()
    flushLiteral()
    return RoffDocument(titleArguments: titleArguments, blocks: blocks)
  }

  private mutating func handleText(_ line: String, lineNumber: Int) {
    handleDecodedText(Roff.decodeEscapes(line), lineNumber: lineNumber)
  }

  private mutating func handleDecodedText(_ decoded: String, lineNumber: Int) {
    if let heading = pendingHeading {
      pendingHeading = nil
      let text = Roff.normalizeWhitespace(decoded)
      blocks.append(
        heading.section ? .sectionHeading(text, line: heading.line) : .subsectionHeading(text, line: heading.line))
      return
    }
    if literal != nil {
      literal!.append(decoded)
      return
    }
    if Roff.normalizeWhitespace(decoded).isEmpty {
      flushParagraph()
      return
    }
    if paragraph.isEmpty { paragraphLine = lineNumber }
    paragraph.append(decoded)
  }

  private mutating func handle(_ request: RoffRequest, lineNumber: Int) {
    switch request.name {
    case "\\\"", "\\}", "":
      return  // comment, end of conditional block, empty request
    case "TH":
      titleArguments = Roff.splitArguments(request.rest)
    case "SH", "SS":
      flushParagraph()
      flushLiteral()
      let text = Roff.normalizeWhitespace(Roff.splitArguments(request.rest).joined(separator: " "))
      if text.isEmpty {
        pendingHeading = (request.name == "SH", lineNumber)
      } else {
        blocks.append(
          request.name == "SH" ? .sectionHeading(text, line: lineNumber) : .subsectionHeading(text, line: lineNumber))
      }
    case "TS":
      flushParagraph()
      // A table inside a no-fill block splits the block around it.
      let inLiteral = literal != nil
      flushLiteral()
      blocks.append(.table(readTable(startLine: lineNumber)))
      if inLiteral {
        literal = []
        literalLine = index + 1
      }
    case "nf":
      flushParagraph()
      if literal == nil {
        literal = []
        literalLine = lineNumber + 1
      }
    case "fi":
      flushLiteral()
    case "sp", "PP", "P", "LP", "br", "RS", "RE", "IP", "TP", "HP", "in", "ti":
      // Paragraph breaks (and indentation, which we do not model). In a
      // literal block `.sp` is an empty line.
      if literal != nil {
        if request.name == "sp" { literal!.append("") }
      } else {
        flushParagraph()
      }
    case "B", "I", "SM", "SB":
      handleDecodedText(Roff.splitArguments(request.rest).joined(separator: " "), lineNumber: lineNumber)
    case "BR", "RB", "IR", "RI", "BI", "IB":
      handleDecodedText(Roff.splitArguments(request.rest).joined(), lineNumber: lineNumber)
    case "de", "de1", "am", "ig":
      // Macro definitions and ignored blocks run to a line of `..`.
      while index < lines.count {
        let line = lines[index]
        index += 1
        if line.hasPrefix("..") { break }
      }
    default:
      return  // .ie, .el, .if, .ds, .nh, .ad, .ll, .TE without .TS, …
    }
  }

  private mutating func flushParagraph() {
    guard !paragraph.isEmpty else { return }
    let text = Roff.normalizeWhitespace(paragraph.joined(separator: " "))
    if !text.isEmpty { blocks.append(.paragraph(text, line: paragraphLine)) }
    paragraph = []
  }

  private mutating func flushLiteral() {
    guard let lines = literal else { return }
    literal = nil
    blocks.append(.literal(lines, line: literalLine))
  }

  // MARK: Tables

  /// Reads from just after `.TS` up to and including `.TE` (or the end of
  /// input). Layout: an optional options line ending in `;` (only `tab(x)`
  /// matters), format lines up to one ending in `.`, then data rows whose
  /// cells are separated by the tab character; a cell written `T{` runs on
  /// the following lines up to a line starting with `T}`, and the row goes
  /// on after it.
  private mutating func readTable(startLine: Int) -> RoffTable {
    var table = RoffTable(rows: [], line: startLine)
    // Find the extent first so a missing `.TE` cannot swallow the rest of
    // the page silently: it ends at the next `.TE`, or at the next heading
    // when `.TE` is missing.
    var end = index
    var sawEnd = false
    while end < lines.count {
      if let request = RoffRequest(line: lines[end]) {
        if request.name == "TE" { sawEnd = true; break }
        if request.name == "SH" || request.name == "SS" || request.name == "TS" { break }
      }
      end += 1
    }
    let body = Array(lines[index..<end])
    index = sawEnd ? end + 1 : end
    if !sawEnd { table.problems.append("table has no .TE") }

    var position = 0
    var tab: Unicode.Scalar = "\t"
    // Options line.
    if position < body.count, body[position].trimmingTrailingBlanks().hasSuffix(";") {
      if let found = Self.tabCharacter(in: body[position]) { tab = found }
      position += 1
    }
    position = Self.skipFormat(body, from: position, problems: &table.problems)

    var row: [String] = []
    var rowHasContent = false
    func finishRow() {
      if rowHasContent { table.rows.append(row) }
      row = []
      rowHasContent = false
    }
    while position < body.count {
      let line = body[position]
      position += 1
      if let request = RoffRequest(line: line) {
        if request.name == "T&" {
          position = Self.skipFormat(body, from: position, problems: &table.problems)
        }
        // Other requests between rows (.sp, .TH table header, …) carry no data.
        continue
      }
      var rest = Substring(line).unicodeScalars
      while true {
        if rest.starts(with: "T{".unicodeScalars) {
          // A text block. Anything after `T{` on the same line is ignored
          // by tbl; so are we.
          var cellLines: [String] = []
          var closed = false
          while position < body.count {
            let blockLine = body[position]
            position += 1
            if blockLine.hasPrefix("T}") {
              rest = Substring(blockLine).unicodeScalars.dropFirst(2)
              closed = true
              break
            }
            cellLines.append(blockLine)
          }
          row.append(Self.cellText(cellLines))
          rowHasContent = true
          if !closed {
            table.problems.append("unterminated T{ text block")
            rest = Substring("").unicodeScalars
          }
        } else {
          let cell: Substring.UnicodeScalarView
          if let tabIndex = rest.firstIndex(of: tab) {
            cell = rest[..<tabIndex]
            rest = rest[tabIndex...]
          } else {
            cell = rest
            rest = Substring("").unicodeScalars
          }
          let text = Roff.normalizeWhitespace(Roff.decodeEscapes(String(String.UnicodeScalarView(cell))))
          row.append(text)
          if !text.isEmpty { rowHasContent = true }
        }
        // After a cell: a tab introduces the next cell; anything else ends
        // the row.
        if let first = rest.first, first == tab {
          rest = rest.dropFirst()
          continue
        }
        break
      }
      finishRow()
    }
    finishRow()
    return table
  }

  /// The text of a `T{ … T}` block: request lines are breaks, text lines
  /// are decoded and joined with spaces.
  private static func cellText(_ lines: [String]) -> String {
    var parts: [String] = []
    for line in lines where RoffRequest(line: line) == nil {
      parts.append(Roff.decodeEscapes(line))
    }
    return Roff.normalizeWhitespace(parts.joined(separator: " "))
  }

  /// Skips format lines up to and including the first that ends in `.`.
  /// When no line does, the format is taken to be absent and nothing is
  /// skipped.
  private static func skipFormat(_ body: [String], from start: Int, problems: inout [String]) -> Int {
    var position = start
    while position < body.count {
      let line = body[position].trimmingTrailingBlanks()
      position += 1
      if line.hasSuffix(".") { return position }
      if line.hasPrefix("T{") || line.contains("T}") { break }
    }
    problems.append("table format has no terminating '.'")
    return start
  }

  private static func tabCharacter(in options: String) -> Unicode.Scalar? {
    let scalars = Array(options.unicodeScalars)
    var index = 0
    while index + 4 < scalars.count {
      if String(String.UnicodeScalarView(scalars[index..<index + 4])) == "tab(" {
        return scalars[index + 4] == ")" ? nil : scalars[index + 4]
      }
      index += 1
    }
    return nil
  }
}

/// A control line: `.name args` or `'name args`.
struct RoffRequest: Equatable {
  var name: String
  var rest: String

  init?(line: String) {
    let scalars = Array(line.unicodeScalars)
    guard let first = scalars.first, first == "." || first == "'" else { return nil }
    var index = 1
    while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
    // Comments: `.\"` and `.\#`.
    if index + 1 < scalars.count, scalars[index] == "\\", scalars[index + 1] == "\"" || scalars[index + 1] == "#" {
      name = "\\\""
      rest = ""
      return
    }
    // End of a conditional block: `.\}`.
    if index + 1 < scalars.count, scalars[index] == "\\", scalars[index + 1] == "}" {
      name = "\\}"
      rest = ""
      return
    }
    let nameStart = index
    while index < scalars.count, scalars[index] != " ", scalars[index] != "\t" { index += 1 }
    name = String(String.UnicodeScalarView(scalars[nameStart..<index]))
    rest = String(String.UnicodeScalarView(scalars[index...]))
  }
}

extension String {
  fileprivate func trimmingTrailingBlanks() -> String {
    var scalars = Array(unicodeScalars)
    while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
    return String(String.UnicodeScalarView(scalars))
  }
}
