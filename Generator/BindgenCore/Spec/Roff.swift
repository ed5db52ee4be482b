/// A small reader for the roff that DocBook's XSL stylesheets (by way of
/// asciidoc) emit for the libzmq man pages.
///
/// It understands just enough to find section headings, paragraphs,
/// no-fill (literal) blocks and `tbl` tables, and to decode inline escapes.
/// Everything else — conditionals, register and string definitions,
/// indentation and spacing requests — is skipped.
///
/// The reader is total: any input, including truncated tables, an
/// unterminated `T{` text block, stray escapes or bytes that are not
/// UTF-8 (the caller decodes those to U+FFFD), yields a document. Every
/// loop consumes at least one line or scalar per step, so nothing can hang.
public enum Roff {
  /// Decodes the inline escapes of one line of roff text: font changes,
  /// colours and size changes vanish, `\&` (zero-width) vanishes, `\-` is a
  /// hyphen, `\(xx` and `\[name]` glyphs become the characters they name,
  /// `\*(Aq` and friends become their conventional strings, `\"` starts a
  /// comment. Unknown escapes keep the escaped character. Whitespace is kept
  /// as is; see `normalizeWhitespace` to collapse it.
  public static func decodeEscapes(_ text: String) -> String {
    var scanner = EscapeDecoder(Array(text.unicodeScalars))
    return scanner.decode()
  }

  /// Collapses runs of whitespace (including the no-break spaces produced by
  /// `\ ` and `\~`) to single spaces and trims both ends.
  public static func normalizeWhitespace(_ text: String) -> String {
    var result = String.UnicodeScalarView()
    var pendingSpace = false
    for scalar in text.unicodeScalars {
      if scalar.properties.isWhitespace || scalar == "\u{00A0}" {
        pendingSpace = !result.isEmpty
      } else {
        if pendingSpace { result.append(" ") }
        pendingSpace = false
        result.append(scalar)
      }
    }
    return String(result)
  }

  /// Splits a request line's arguments the way roff does: separated by
  /// blanks, a double-quoted argument may contain blanks, and `""` inside a
  /// quoted argument is a literal quote. Escapes are decoded afterwards.
  public static func splitArguments(_ text: String) -> [String] {
    let scalars = Array(text.unicodeScalars)
    var arguments: [String] = []
    var index = 0
    while index < scalars.count {
      while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" { index += 1 }
      guard index < scalars.count else { break }
      var argument = String.UnicodeScalarView()
      if scalars[index] == "\"" {
        index += 1
        while index < scalars.count {
          if scalars[index] == "\"" {
            if index + 1 < scalars.count, scalars[index + 1] == "\"" {
              argument.append("\"")
              index += 2
              continue
            }
            index += 1
            break
          }
          // Keep an escape and the character it escapes together, so `\"`
          // inside a quoted argument does not end it.
          if scalars[index] == "\\", index + 1 < scalars.count {
            argument.append(scalars[index])
            argument.append(scalars[index + 1])
            index += 2
            continue
          }
          argument.append(scalars[index])
          index += 1
        }
      } else {
        while index < scalars.count, scalars[index] != " ", scalars[index] != "\t" {
          if scalars[index] == "\\", index + 1 < scalars.count {
            argument.append(scalars[index])
            argument.append(scalars[index + 1])
            index += 2
            continue
          }
          argument.append(scalars[index])
          index += 1
        }
      }
      arguments.append(decodeEscapes(String(argument)))
    }
    return arguments
  }
}

/// One structural element of a roff document, in reading order.
public enum RoffBlock: Equatable, Sendable {
  /// `.SH`: a section heading, escapes decoded.
  case sectionHeading(String, line: Int)
  /// `.SS`: a subsection heading, escapes decoded.
  case subsectionHeading(String, line: Int)
  /// Filled text between paragraph breaks, escapes decoded and whitespace
  /// collapsed.
  case paragraph(String, line: Int)
  /// The lines of a no-fill block (`.nf` … `.fi`), escapes decoded, one
  /// entry per input line (blank lines kept as empty strings).
  case literal([String], line: Int)
  /// A `tbl` table (`.TS` … `.TE`).
  case table(RoffTable)
}

/// The data of one `tbl` table: rows of cells, each cell's text with
/// escapes decoded and whitespace collapsed.
public struct RoffTable: Equatable, Sendable {
  public var rows: [[String]]
  /// The 1-based line of the `.TS` request.
  public var line: Int
  /// Problems found while reading the table (for example an unterminated
  /// `T{` text block or a missing `.TE`).
  public var problems: [String]

  public init(rows: [[String]], line: Int, problems: [String] = []) {
    self.rows = rows
    self.line = line
    self.problems = problems
  }
}

/// A roff document reduced to its title line and a flat list of blocks.
public struct RoffDocument: Equatable, Sendable {
  /// The decoded arguments of the `.TH` request (title, section, date,
  /// source, manual), or empty when there is none.
  public var titleArguments: [String]
  public var blocks: [RoffBlock]

  public init(titleArguments: [String] = [], blocks: [RoffBlock] = []) {
    self.titleArguments = titleArguments
    self.blocks = blocks
  }

  /// Reads a whole document. Never fails; see `Roff` for what is understood.
  public init(parsing text: String) {
    var parser = RoffParser(text: text)
    self = parser.parse()
  }
}

// MARK: - Block parser

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
      blocks.append(heading.section ? .sectionHeading(text, line: heading.line) : .subsectionHeading(text, line: heading.line))
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
        blocks.append(request.name == "SH" ? .sectionHeading(text, line: lineNumber) : .subsectionHeading(text, line: lineNumber))
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

// MARK: - Escapes

/// Decodes escapes over an array of scalars with an explicit cursor; every
/// branch advances the cursor by at least one.
struct EscapeDecoder {
  private let scalars: [Unicode.Scalar]
  private var index = 0
  private var output = String.UnicodeScalarView()

  init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

  /// Named glyphs (`\(xx`, `\[xx]`) that appear in DocBook output, and a
  /// few common others.
  static let glyphs: [String: String] = [
    "cq": "\u{2019}", "oq": "\u{2018}", "aq": "'", "dq": "\"",
    "lq": "\u{201C}", "rq": "\u{201D}", "Bq": "\u{201E}", "bq": "\u{201A}",
    "em": "\u{2014}", "en": "\u{2013}", "hy": "-", "mi": "-", "ti": "~",
    "bu": "\u{2022}", "co": "\u{00A9}", "rg": "\u{00AE}", "tm": "\u{2122}",
    "lA": "\u{21D0}", "rA": "\u{21D2}", "<-": "\u{2190}", "->": "\u{2192}",
    "de": "\u{00B0}", "+-": "\u{00B1}", "mu": "\u{00D7}", "di": "\u{00F7}",
    "ha": "^", "rs": "\\", "sl": "/", "ba": "|", "at": "@", "sh": "#",
    "Do": "$", "lB": "[", "rB": "]", "lC": "{", "rC": "}", "la": "\u{27E8}",
    "ra": "\u{27E9}", "ga": "`", "aa": "\u{00B4}", "oe": "\u{0153}", "ss": "\u{00DF}",
    "Fo": "\u{00AB}", "Fc": "\u{00BB}", "fo": "\u{2039}", "fc": "\u{203A}",
    ">=": "\u{2265}", "<=": "\u{2264}", "!=": "\u{2260}", "==": "\u{2261}",
    "sp": " ", "ul": "_", "ru": "_", "br": "|", "dg": "\u{2020}", "pc": "\u{00B7}",
  ]

  /// Strings (`\*x`, `\*(xx`, `\*[name]`) defined by DocBook's preamble or
  /// by the man macros; unknown ones expand to nothing.
  static let strings: [String: String] = [
    "Aq": "'", "R": "\u{00AE}", "S": "", "lq": "\u{201C}", "rq": "\u{201D}", "Tm": "\u{2122}",
  ]

  mutating func decode() -> String {
    while index < scalars.count {
      let scalar = scalars[index]
      index += 1
      if scalar != "\\" {
        output.append(scalar)
        continue
      }
      guard index < scalars.count else { break }  // trailing `\`: line continuation
      let escape = scalars[index]
      index += 1
      switch escape {
      case "\"", "#":
        return String(output)  // comment to end of line
      case "&", "%", "|", "^", ":", "c", ")", "d", "u", "r", "a", "E", "z", "p", "{", "}":
        // Zero-width and layout escapes. (`\z` would overstrike the next
        // character; dropping the escape keeps the character.)
        break
      case "-":
        output.append("-")
      case "e", "\\":
        output.append("\\")
      case " ", "~", "0":
        output.append("\u{00A0}")
      case "t":
        output.append("\t")
      case ".", "'", "`":
        output.append(escape == "'" ? "\u{00B4}" : escape)
      case "(":
        let name = take(2)
        appendGlyph(name)
      case "[":
        let name = takeBracketed()
        appendGlyph(name)
      case "*":
        let name = takeName()
        output.append(contentsOf: Self.strings[name, default: ""].unicodeScalars)
      case "f", "F", "g", "k", "m", "M", "n", "V", "Y":
        // Font, colour, register and environment references: dropped.
        _ = takeName()
      case "s":
        skipSize()
      case "h", "v", "w", "o", "b", "l", "L", "D", "N", "x", "X", "A", "B", "C", "R", "Z", "H", "S", "T", "U", "j":
        // Delimited arguments: \X'…'. `\C'name'` and `\N'n'` name glyphs;
        // we keep `\C` names we know and drop the rest.
        let argument = takeDelimited()
        if escape == "C" { appendGlyph(argument) }
      default:
        output.append(escape)
      }
    }
    return String(output)
  }

  private mutating func appendGlyph(_ name: String) {
    if let glyph = Self.glyphs[name] {
      output.append(contentsOf: glyph.unicodeScalars)
    } else if name.hasPrefix("u"), name.count > 1, let code = UInt32(name.dropFirst(), radix: 16),
      let scalar = Unicode.Scalar(code)
    {
      output.append(scalar)  // groff's \[uXXXX]
    } else if name.unicodeScalars.count == 1 {
      output.append(contentsOf: name.unicodeScalars)
    }
  }

  /// Up to `count` scalars (fewer at the end of the line).
  private mutating func take(_ count: Int) -> String {
    let end = min(index + count, scalars.count)
    let text = String(String.UnicodeScalarView(scalars[index..<end]))
    index = end
    return text
  }

  /// `[name]` up to the closing bracket or the end of the line.
  private mutating func takeBracketed() -> String {
    var name = String.UnicodeScalarView()
    while index < scalars.count {
      let scalar = scalars[index]
      index += 1
      if scalar == "]" { break }
      name.append(scalar)
    }
    return String(name)
  }

  /// The name after an escape that takes one: `x`, `(xx` or `[name]`.
  private mutating func takeName() -> String {
    guard index < scalars.count else { return "" }
    let first = scalars[index]
    index += 1
    switch first {
    case "(": return take(2)
    case "[": return takeBracketed()
    default: return String(first)
    }
  }

  /// `\s` size changes: `\sN`, `\s±N`, `\s(NN`, `\s±(NN`, `\s[N]`, `\s'N'`.
  private mutating func skipSize() {
    if index < scalars.count, scalars[index] == "+" || scalars[index] == "-" { index += 1 }
    guard index < scalars.count else { return }
    switch scalars[index] {
    case "(":
      index += 1
      _ = take(2)
    case "[":
      index += 1
      _ = takeBracketed()
    case "'":
      _ = takeDelimited()
    default:
      if scalars[index].properties.numericType != nil { index += 1 }
    }
  }

  /// `'…'` (or any delimiter) up to the matching delimiter or the end of
  /// the line.
  private mutating func takeDelimited() -> String {
    guard index < scalars.count else { return "" }
    let delimiter = scalars[index]
    index += 1
    var text = String.UnicodeScalarView()
    while index < scalars.count {
      let scalar = scalars[index]
      index += 1
      if scalar == delimiter { break }
      text.append(scalar)
    }
    return String(text)
  }
}
