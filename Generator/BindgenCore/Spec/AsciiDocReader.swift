import Foundation

/// Reads the option sections of a libzmq documentation *source* page, the
/// AsciiDoc a libzmq source tree ships in `doc/`: `zmq_setsockopt.txt`,
/// `zmq_getsockopt.txt`, `zmq_ctx_set.txt` and `zmq_ctx_get.txt` in the 4.x
/// releases, the same pages as `.adoc` files later on.
///
/// The result is the `ManPage` the man-page reader gives for the rendered
/// page, so `OptionTableBuilder` takes either. Both heading styles are read:
///
/// - two-line titles, the text underlined with `=` (the page title), `-`
///   (a section such as `DESCRIPTION`) or `~` (an option);
/// - one-line titles, `= title`, `== SECTION`, `=== ZMQ_NAME: summary`.
///
/// An option runs from its `ZMQ_NAME: summary` heading to the next heading.
/// Its table is the first labelled list (`Label:: value`) that follows a
/// `[horizontal]` attribute line or whose first label is one of the field
/// labels (`Option value type`, `Default value`, …); a value may continue
/// on the following lines or start on the line after its label. Other
/// lists (the `*ZMQ_POLLIN*::` list of `ZMQ_EVENTS`) are prose. Delimited
/// blocks (`----`, `....`, `====`, `////`, …) and comment lines are
/// skipped. Inline markup is removed the way the rendered page shows the
/// text: `'emphasis'`, `_emphasis_`, `*strong*`, `` `code` ``, `+code+`,
/// `linkzmq:zmq_bind[3]` → `zmq_bind(3)`.
///
/// Where the source is sloppier than an AsciiDoc processor allows, the
/// reader takes what the author meant and says so: an option heading
/// whose underline is not the length of its title (a processor leaves it
/// unrendered, as happened to `ZMQ_PRIORITY` in 4.3.4's
/// `zmq_getsockopt.txt`) is still a heading, with a warning.
public enum AsciiDocReader {
  /// Reads one page's text. `fileName` names the page in diagnostics
  /// (`zmq_setsockopt.txt`).
  public static func read(_ text: String, fileName: String = "(AsciiDoc page)") -> ManPage {
    var walker = AsciiDocWalker(lines: splitLines(text), fileName: fileName)
    return walker.walk()
  }

  /// Reads and parses a page file.
  public static func load(path: String) throws -> ManPage {
    guard FileManager.default.fileExists(atPath: path) else {
      throw ManPageError(path: path, reason: "no such file")
    }
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ManPageError(path: path, reason: "file is not readable")
    }
    return read(String(decoding: data, as: UTF8.self), fileName: (path as NSString).lastPathComponent)
  }

  /// The file extensions a documentation page may have, in the order they
  /// are looked for.
  public static let extensions = ["adoc", "txt"]

  /// The page `name` in a documentation directory: `name.adoc`, else
  /// `name.txt`; nil when neither exists.
  public static func pagePath(named name: String, in directory: String) -> String? {
    for ext in extensions {
      let path = (directory as NSString).appendingPathComponent("\(name).\(ext)")
      if FileManager.default.fileExists(atPath: path) { return path }
    }
    return nil
  }

  /// Lines without their terminators (`\n`, `\r\n`).
  static func splitLines(_ text: String) -> [String] {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
      line.hasSuffix("\r") ? String(line.dropLast()) : String(line)
    }
    if lines.last == "" { lines.removeLast() }
    return lines
  }

  // MARK: Inline text

  /// The text as a rendered page shows it: inline markup removed,
  /// whitespace collapsed.
  public static func plainText(_ text: String) -> String {
    var result = replaceLinks(text)
    // A trailing ` +` is a forced line break.
    if result.hasSuffix(" +") { result.removeLast(2) }
    for marker: Character in ["*", "'", "_", "`", "+"] {
      result = removeConstrained(marker, in: result)
    }
    return Roff.normalizeWhitespace(curlApostrophes(result))
  }

  /// An apostrophe between two letters or digits (`socket's`) is typeset
  /// as U+2019, as the rendered pages have it.
  static func curlApostrophes(_ text: String) -> String {
    guard text.contains("'") else { return text }
    var characters = Array(text)
    for index in characters.indices.dropFirst().dropLast() where characters[index] == "'" {
      let before = characters[index - 1], after = characters[index + 1]
      if (before.isLetter || before.isNumber) && (after.isLetter || after.isNumber) { characters[index] = "\u{2019}" }
    }
    return String(characters)
  }

  /// `linkzmq:zmq_bind[3]` → `zmq_bind(3)`; `xref:zmq_bind.adoc[zmq_bind]`
  /// → `zmq_bind`.
  static func replaceLinks(_ text: String) -> String {
    var text = text
    while let start = text.range(of: "xref:"), let open = text[start.upperBound...].firstIndex(of: "["),
      let close = text[open...].firstIndex(of: "]"), !text[start.upperBound..<open].contains(" ")
    {
      text.replaceSubrange(start.lowerBound...close, with: text[text.index(after: open)..<close])
    }
    guard text.contains("linkzmq:") else { return text }
    var output = ""
    var rest = Substring(text)
    while let start = rest.range(of: "linkzmq:") {
      output += rest[..<start.lowerBound]
      let after = rest[start.upperBound...]
      guard let open = after.firstIndex(of: "["), let close = after[open...].firstIndex(of: "]"),
        !after[..<open].contains(" ")
      else {
        output += "linkzmq:"
        rest = after
        continue
      }
      output += after[..<open] + "(" + after[after.index(after: open)..<close] + ")"
      rest = after[after.index(after: close)...]
    }
    return output + rest
  }

  /// Removes pairs of `marker` that enclose a phrase: the opening one at
  /// the start or after a character that is not a letter, digit or `_`,
  /// followed by a non-space; the closing one after a non-space and before
  /// the end or a character that is not a letter or digit. Markers inside
  /// words (`ZMQ_SNDHWM`, `context's`) stay.
  static func removeConstrained(_ marker: Character, in text: String) -> String {
    var characters = Array(text)
    guard characters.contains(marker) else { return text }
    func isWord(_ c: Character) -> Bool { c.isLetter || c.isNumber || c == "_" }
    var index = 0
    while index < characters.count {
      guard characters[index] == marker else {
        index += 1
        continue
      }
      let opens =
        (index == 0 || !isWord(characters[index - 1]))
        && index + 1 < characters.count && !characters[index + 1].isWhitespace && characters[index + 1] != marker
      guard opens else {
        index += 1
        continue
      }
      var close = index + 2
      var found: Int? = nil
      while close < characters.count {
        if characters[close] == marker, !characters[close - 1].isWhitespace,
          close + 1 == characters.count || !(characters[close + 1].isLetter || characters[close + 1].isNumber)
        {
          found = close
          break
        }
        close += 1
      }
      guard let found else {
        index += 1
        continue
      }
      characters.remove(at: found)
      characters.remove(at: index)
      index = found - 1
    }
    return String(characters)
  }
}

/// Walks the lines of one page.
struct AsciiDocWalker {
  let lines: [String]
  let fileName: String
  var options: [ManPageOption] = []
  var diagnostics: [Diagnostic] = []
  var current: ManPageOption? = nil
  /// The option's table is complete; later lists are not read.
  var tableDone = false
  /// A table is being read (rows so far belong to it).
  var inTable = false
  /// The previous line was `[horizontal]` (blank lines aside).
  var horizontalPending = false
  var section = ""
  var synopsis: [String] = []
  var pageName = ""
  var pageSection = ""
  /// Prose lines of the current paragraph, joined when it ends.
  var paragraph: [String] = []

  init(lines: [String], fileName: String) {
    self.lines = lines
    self.fileName = fileName
  }

  static let fieldLabels: Set<String> = [
    ManPageOption.typeLabel, ManPageOption.unitLabel, ManPageOption.defaultLabel, ManPageOption.socketTypesLabel,
    "Option value size", "Maximum value",
  ].reduce(into: []) { $0.insert($1.lowercased()) }

  /// Characters that underline a two-line title, by level.
  static let underlineLevels: [Character: Int] = ["=": 0, "-": 1, "~": 2, "^": 3, "+": 4]

  mutating func walk() -> ManPage {
    var index = 0
    while index < lines.count {
      let line = lines[index]
      let trimmed = line.trimmingCharacters(in: .whitespaces)

      // Delimited blocks: skip to the closing delimiter.
      if let delimiter = Self.blockDelimiter(trimmed) {
        endParagraph()
        endList()
        var end = index + 1
        while end < lines.count, lines[end].trimmingCharacters(in: .whitespaces) != delimiter { end += 1 }
        index = end + 1
        continue
      }
      // Comment lines.
      if trimmed.hasPrefix("//") {
        index += 1
        continue
      }
      if trimmed.isEmpty {
        endParagraph()
        index += 1
        continue
      }
      // One-line titles: `== NAME`.
      if let (level, title) = Self.oneLineTitle(trimmed) {
        heading(level: level, title: title, line: index + 1, underlineNote: nil)
        index += 1
        continue
      }
      // Two-line titles: the text, then a line of one underline character.
      if index + 1 < lines.count, paragraph.isEmpty, !line.hasPrefix(" "), !line.hasPrefix("\t"),
        !trimmed.hasPrefix("."), !trimmed.hasPrefix("["), Self.definitionRow(trimmed) == nil,
        let (level, length) = Self.underline(lines[index + 1])
      {
        let title = Roff.normalizeWhitespace(trimmed)
        let fits = abs(title.count - length) <= 2
        let isOption = ManPageReader.optionHeading(title) != nil && level >= 2
        if fits || isOption {
          let note =
            fits
            ? nil
            : "title underline is \(length) characters for a \(title.count)-character title (an AsciiDoc processor would not render it as a heading); taken as the option's heading"
          heading(level: level, title: title, line: index + 1, underlineNote: note)
          index += 2
          continue
        }
      }
      // Block attribute lines: `[horizontal]`, `[source,c]`, `[[anchor]]`.
      if trimmed.hasPrefix("["), trimmed.hasSuffix("]") {
        endParagraph()
        endList()
        if trimmed.lowercased() == "[horizontal]" { horizontalPending = true }
        index += 1
        continue
      }
      // Block titles (`.Example`) and document attributes (`:name: value`).
      if (trimmed.hasPrefix(".") && trimmed.count > 1 && !trimmed.hasPrefix("..")
        && !trimmed.dropFirst().hasPrefix(" "))
        || (section.isEmpty && trimmed.hasPrefix(":") && trimmed.dropFirst().contains(":"))
      {
        endParagraph()
        index += 1
        continue
      }
      // Labelled lists.
      if let (label, value) = Self.definitionRow(trimmed) {
        endParagraph()
        index = readRow(label: label, value: value, at: index)
        continue
      }
      // Prose (or a synopsis line); a list ends where prose starts, unless
      // the line continues the last row (handled in readRow).
      if paragraph.isEmpty { endList() }
      paragraph.append(trimmed)
      index += 1
    }
    endParagraph()
    finishOption()
    return ManPage(
      name: pageName, section: pageSection, source: nil, version: nil,
      synopsisValueType: synopsis.first.flatMap(ManPageShapes.valueType(fromSynopsis:)), options: options,
      diagnostics: diagnostics)
  }

  // MARK: Headings

  mutating func heading(level: Int, title: String, line: Int, underlineNote: String?) {
    endParagraph()
    endList()
    let text = AsciiDocReader.plainText(title)
    if level == 0 {
      // `zmq_setsockopt(3)`
      if let open = text.firstIndex(of: "("), text.hasSuffix(")") {
        pageName = text[..<open].lowercased()
        pageSection = String(text[text.index(after: open)..<text.index(before: text.endIndex)])
      } else {
        pageName = text.lowercased()
      }
      return
    }
    finishOption()
    if level == 1 {
      section = text.uppercased()
      return
    }
    guard let option = ManPageReader.optionHeading(text) else { return }
    current = ManPageOption(name: option.name, summary: option.summary, line: line)
    tableDone = false
    if let underlineNote {
      diagnostics.append(Diagnostic(.warning, "\(fileName): \(option.name)", "\(underlineNote) (line \(line))"))
    }
  }

  mutating func finishOption() {
    endList()
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
}
