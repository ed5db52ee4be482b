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
