import Foundation

/// One ```swift example of the documentation catalog.
public struct DocExample: Sendable, Equatable {
  /// The Markdown file, relative to the package root.
  public var file: String
  /// The line of the first code line (after the fence).
  public var line: Int
  /// The nearest heading above the example.
  public var section: String
  /// 1 for the first example under its heading, 2 for the second, …
  public var ordinal: Int
  /// The fixture named by `<!-- doctest: fixture=NAME -->`, if any.
  public var fixture: String?
  /// The code lines, as written.
  public var code: [String]
  /// Marked `<!-- doctest: draft -->`: the example needs the draft API and
  /// runs as a test only when generating with `--draft`.
  public var draftOnly = false
  /// Marked `<!-- doctest: requires=ZMQ_X,zmq_y -->`: the C macros and
  /// functions the example needs. It runs as a test only when the header
  /// declares every one of them at the API level generated; otherwise its
  /// test is emitted disabled, naming what this header lacks.
  public var requires: [String] = []

  /// One expected output line: exact text, or a whole-line regular expression.
  public struct Expectation: Sendable, Equatable {
    public var text: String
    public var isPattern: Bool
  }

  /// The `// prints: …` and `// prints matching: …` lines, in order.
  public var expectations: [Expectation] {
    code.compactMap { line in
      if let range = line.range(of: "// prints matching: ") {
        return Expectation(text: String(line[range.upperBound...]), isPattern: true)
      }
      if let range = line.range(of: "// prints: ") {
        return Expectation(text: String(line[range.upperBound...]), isPattern: false)
      }
      return nil
    }
  }
}

/// Reads the ```swift examples out of a DocC catalog's Markdown files.
public enum DocCatalog {
  /// A problem with an example's markup, naming file and line.
  public struct Problem: Error, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int
    public var message: String
    public var description: String { "\(file):\(line): \(message)" }
  }

  /// The examples of one Markdown text.
  public static func examples(in text: String, file: String) throws(Problem) -> [DocExample] {
    var examples: [DocExample] = []
    var section = (file as NSString).lastPathComponent.replacingOccurrences(of: ".md", with: "")
    var ordinals: [String: Int] = [:]
    var previous = ""
    var current: (line: Int, annotation: Annotation, code: [String])?
    var fence = ""
    var otherFence: String?
    for (index, line) in text.components(separatedBy: "\n").enumerated() {
      let number = index + 1
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if var open = current {
        if trimmed == fence {
          ordinals[section, default: 0] += 1
          var example = DocExample(
            file: file, line: open.line, section: section, ordinal: ordinals[section]!,
            fixture: open.annotation.fixture, code: open.code)
          example.draftOnly = open.annotation.draftOnly
          example.requires = open.annotation.requires
          examples.append(example)
          current = nil
          // An annotation belongs to one block only.
          previous = ""
        } else {
          open.code.append(line)
          current = open
        }
        continue
      }
      if let other = otherFence {
        // Inside a non-Swift block: nothing in it is a heading or an example.
        if trimmed == other { otherFence = nil }
        continue
      }
      if trimmed.hasPrefix("```") || trimmed.hasPrefix("~~~") {
        let marker = String(trimmed.prefix { $0 == "`" || $0 == "~" })
        let language = trimmed.dropFirst(marker.count).trimmingCharacters(in: .whitespaces)
        if language == "swift" {
          current = (number + 1, try annotation(in: previous, file: file, line: number - 1), [])
          fence = marker
        } else {
          otherFence = marker
        }
        continue
      }
      if trimmed.hasPrefix("#") {
        section = trimmed.drop { $0 == "#" }.trimmingCharacters(in: .whitespaces)
      }
      if !trimmed.isEmpty { previous = trimmed }
    }
    if let open = current {
      throw Problem(file: file, line: open.line - 1, message: "```swift block is never closed")
    }
    return examples
  }

  /// The settings of a `<!-- doctest: … -->` line.
  struct Annotation: Equatable {
    var fixture: String?
    var draftOnly = false
    var requires: [String] = []
  }

  /// Reads the annotation from the line before a fence: `fixture=NAME`,
  /// `draft`, `requires=NAME[,NAME…]`, separated by spaces.
  static func annotation(in line: String, file: String, line number: Int) throws(Problem) -> Annotation {
    var annotation = Annotation()
    guard line.hasPrefix("<!--"), line.contains("doctest:") else { return annotation }
    guard line.hasSuffix("-->") else {
      throw Problem(file: file, line: number, message: "unterminated doctest annotation")
    }
    let body = line.dropFirst(4).dropLast(3).trimmingCharacters(in: .whitespaces)
    guard body.hasPrefix("doctest:") else { return annotation }
    for setting in body.dropFirst("doctest:".count).split(separator: " ") {
      if setting == "draft" {
        annotation.draftOnly = true
        continue
      }
      let parts = setting.split(separator: "=", maxSplits: 1)
      switch (parts.count == 2 ? parts[0] : "", parts.count == 2 ? String(parts[1]) : "") {
      case ("fixture", let name):
        annotation.fixture = name
      case ("requires", let names):
        let list = names.split(separator: ",").map(String.init)
        guard !list.isEmpty, list.allSatisfy(isCName) else {
          throw Problem(
            file: file, line: number,
            message: "requires=\(names): expected C names separated by commas (requires=ZMQ_BLOCKY,zmq_join)")
        }
        annotation.requires += list
      default:
        throw Problem(
          file: file, line: number,
          message: "unknown doctest setting '\(setting)' (known: fixture=NAME, draft, requires=NAME,…)")
      }
    }
    return annotation
  }

  /// A macro or function name: `ZMQ_…` or `zmq_…`, letters, digits and underscores.
  static func isCName(_ name: String) -> Bool {
    (name.hasPrefix("ZMQ_") || name.hasPrefix("zmq_")) && name.count > 4
      && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
  }

  /// Every example of the catalog at `directory` (relative to `root`), files in name order.
  public static func load(root: URL, directory: String) throws -> [DocExample] {
    let base = root.appendingPathComponent(directory)
    let names = ((try? FileManager.default.subpathsOfDirectory(atPath: base.path)) ?? [])
      .filter { $0.hasSuffix(".md") }.sorted()
    var examples: [DocExample] = []
    for name in names {
      let text = try String(contentsOf: base.appendingPathComponent(name), encoding: .utf8)
      examples += try Self.examples(in: text, file: directory + "/" + name)
    }
    return examples
  }
}
