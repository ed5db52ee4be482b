import Foundation

// The block-level part of the AsciiDoc reader: definition lists (the
// option tables), prose paragraphs and the shapes of single lines.
extension AsciiDocWalker {
  // MARK: Lists

  /// Reads one row and its continuation lines; returns the next line's index.
  mutating func readRow(label rawLabel: String, value rawValue: String, at start: Int) -> Int {
    var valueLines = rawValue.isEmpty ? [] : [rawValue]
    var index = start + 1
    // The value goes on until a blank line, the next row or a block.
    while index < lines.count {
      let next = lines[index].trimmingCharacters(in: .whitespaces)
      if next.isEmpty {
        // `Label::` with its value after a blank line is allowed too.
        if valueLines.isEmpty, index + 1 < lines.count {
          let following = lines[index + 1].trimmingCharacters(in: .whitespaces)
          if !following.isEmpty, Self.definitionRow(following) == nil, Self.blockDelimiter(following) == nil,
            !following.hasPrefix("[")
          {
            index += 1
            continue
          }
        }
        break
      }
      if Self.definitionRow(next) != nil || Self.blockDelimiter(next) != nil || next == "+" || next.hasPrefix("[")
        || next.hasPrefix("//")
      {
        break
      }
      if index + 1 < lines.count, Self.underline(lines[index + 1]) != nil { break }
      valueLines.append(next)
      index += 1
    }
    let label = AsciiDocReader.plainText(rawLabel)
    let value = AsciiDocReader.plainText(valueLines.joined(separator: " "))
    guard current != nil, section == "DESCRIPTION" || section.isEmpty else {
      horizontalPending = false
      return index
    }
    if !inTable {
      let isTable = horizontalPending || Self.fieldLabels.contains(label.lowercased())
      horizontalPending = false
      guard isTable else { return index }  // a prose list
      if tableDone {
        diagnostics.append(
          Diagnostic(
            .warning, "\(fileName): \(current!.name)",
            "second table at line \(start + 1) ignored; the option's first table is used"))
        return skipList(from: index)
      }
      inTable = true
    }
    if current!.fields.contains(where: { $0.label.lowercased() == label.lowercased() }) {
      diagnostics.append(
        Diagnostic(.warning, "\(fileName): \(current!.name)", "table row '\(label)' repeated; the first is used"))
    } else {
      current!.fields.append(.init(label: label, value: value))
    }
    return index
  }

  /// Skips the rest of a list that is not read.
  func skipList(from start: Int) -> Int {
    var index = start
    while index < lines.count {
      let next = lines[index].trimmingCharacters(in: .whitespaces)
      if next.isEmpty || Self.definitionRow(next) != nil {
        index += 1
        if next.isEmpty, index < lines.count,
          Self.definitionRow(lines[index].trimmingCharacters(in: .whitespaces)) == nil
        {
          break
        }
        continue
      }
      break
    }
    return index
  }

  mutating func endList() {
    if inTable {
      inTable = false
      tableDone = true
    }
    horizontalPending = false
  }

  // MARK: Prose

  mutating func endParagraph() {
    guard !paragraph.isEmpty else { return }
    let text = AsciiDocReader.plainText(paragraph.joined(separator: " "))
    paragraph = []
    if section == "SYNOPSIS" { synopsis.append(text) }
    noteProse(text)
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

  // MARK: Line shapes

  /// `== Title` (level = number of `=` minus one), or nil.
  static func oneLineTitle(_ line: String) -> (Int, String)? {
    guard line.hasPrefix("=") else { return nil }
    let marks = line.prefix { $0 == "=" }
    guard marks.count <= 6 else { return nil }
    let rest = line.dropFirst(marks.count)
    guard rest.first == " " else { return nil }
    var title = rest.trimmingCharacters(in: .whitespaces)
    // A closing run of `=` is allowed: `== Title ==`.
    if title.hasSuffix(" " + String(marks)) {
      title = String(title.dropLast(marks.count)).trimmingCharacters(in: .whitespaces)
    }
    guard !title.isEmpty else { return nil }
    return (marks.count - 1, title)
  }

  /// A title underline: one character repeated (at least twice), the
  /// level it marks and its length.
  static func underline(_ line: String) -> (Int, Int)? {
    let text = line.trimmingCharacters(in: .whitespaces)
    guard text.count >= 2, text.count == line.count, let first = text.first, let level = underlineLevels[first],
      text.allSatisfy({ $0 == first })
    else { return nil }
    return (level, text.count)
  }

  /// The line that closes a delimited block opened by this line, or nil.
  /// Listing `----`, literal `....`, example `====`, sidebar `****`, quote
  /// `____`, passthrough `++++`, comment `////` (four or more), and tables
  /// `|===`.
  static func blockDelimiter(_ line: String) -> String? {
    if line.hasPrefix("|==="), line.dropFirst().allSatisfy({ $0 == "=" }) { return line }
    guard line.count >= 4, let first = line.first, "-.=*_+/".contains(first), line.allSatisfy({ $0 == first })
    else { return nil }
    return line
  }

  /// `Label:: value` or `Label::` (the value on the next lines), or nil.
  /// Labels with a `:` of their own are not rows.
  static func definitionRow(_ line: String) -> (String, String)? {
    guard
      let separator = line.range(of: ":: ") ?? (line.hasSuffix("::") ? line.range(of: "::", options: .backwards) : nil)
    else { return nil }
    let label = String(line[..<separator.lowerBound]).trimmingCharacters(in: .whitespaces)
    let value = String(line[separator.upperBound...]).trimmingCharacters(in: .whitespaces)
    guard !label.isEmpty, !label.contains("::"), !label.hasPrefix("http") else { return nil }
    return (label, value)
  }
}
