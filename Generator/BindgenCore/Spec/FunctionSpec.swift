import Foundation
import Yams

/// `spec/functions.yaml`: one row per documented function of the seed and its Swift form.
public struct FunctionSpec: Codable, Sendable, Equatable {
  public struct Row: Codable, Sendable, Equatable {
    public enum Shape: String, Codable, Sendable {
      /// Call, check, throw: emitted by the generator.
      case mechanical
      /// Hand-written; `implementation` names the file.
      case runtime
    }
    public var seed: String
    public var swift: String
    public var c: [String]
    public var shape: Shape
    /// Mechanical rows: the wrapper's shape (see `WrapperEmitter`).
    public var template: String?
    /// Mechanical rows: the wrapper's doc comment.
    public var doc: String?
    /// The DocC section (`File.md#heading`) that must hold an example.
    public var docs: String
    public var implementation: String?
    public var result: String
    public var errors: String
    /// The wrapped functions are draft API.
    public var draft: Bool?
  }

  public var functions: [Row]
  /// The seed document's `##` headings and the DocC section of each one's Swift counterpart.
  public var seedSections: [String: String]

  public static func load(from url: URL) throws -> FunctionSpec {
    let text = try String(contentsOf: url, encoding: .utf8)
    do {
      return try YAMLDecoder().decode(FunctionSpec.self, from: text)
    } catch {
      throw SpecError(file: url.lastPathComponent, message: "\(error)")
    }
  }

  /// The coverage gate: every row's documentation section, and every
  /// section of the seed document (its `##` headings, when the seed is
  /// available), has at least one example.
  public func coverage(examples: [DocExample], seedHeadings: [String]?) -> [Diagnostic] {
    var counts: [String: Int] = [:]
    for example in examples {
      let file = example.file.split(separator: "/").last.map(String.init) ?? example.file
      counts["\(file)#\(example.section)", default: 0] += 1
    }
    var diagnostics: [Diagnostic] = []
    for row in functions where counts[row.docs, default: 0] == 0 {
      diagnostics.append(Diagnostic(.error, "spec/functions.yaml: \(row.seed)",
        "no ```swift example in the documentation section \(row.docs)"))
    }
    for heading in seedHeadings ?? [] {
      guard let section = seedSections[heading] else {
        diagnostics.append(Diagnostic(.error, "spec/functions.yaml: seedSections",
          "the seed's section \"\(heading)\" has no Swift counterpart listed"))
        continue
      }
      if counts[section, default: 0] == 0 {
        diagnostics.append(Diagnostic(.error, "spec/functions.yaml: seedSections",
          "the seed's section \"\(heading)\" maps to \(section), which has no ```swift example"))
      }
    }
    return diagnostics
  }

  /// The `##` headings of the seed document.
  public static func seedHeadings(in text: String) -> [String] {
    text.split(separator: "\n").compactMap { line in
      line.hasPrefix("## ") ? line.dropFirst(3).trimmingCharacters(in: .whitespaces) : nil
    }
  }

  /// Cross-checks the rows against the header (every named C function
  /// exists, with the availability the row claims) and, when `root` is
  /// given, that each runtime row's implementation file exists.
  public func validate(against model: HeaderModel, root: URL?) -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    var seen: Set<String> = []
    for row in functions {
      let location = "spec/functions.yaml: \(row.seed)"
      if !seen.insert(row.seed).inserted {
        diagnostics.append(Diagnostic(.error, location, "listed twice"))
      }
      if row.c.isEmpty {
        diagnostics.append(Diagnostic(.error, location, "names no C function"))
      }
      for name in row.c {
        guard let function = model.function(named: name) else {
          diagnostics.append(Diagnostic(.error, location, "\(name) is not declared by \(model.header)"))
          continue
        }
        if function.availability == .draft && row.draft != true {
          diagnostics.append(Diagnostic(.error, location, "\(name) is draft API in \(model.header) but the row is not marked draft"))
        }
      }
      switch row.shape {
      case .runtime:
        guard let implementation = row.implementation else {
          diagnostics.append(Diagnostic(.error, location, "a runtime row needs `implementation`"))
          continue
        }
        if let root, !FileManager.default.fileExists(atPath: root.appendingPathComponent(implementation).path) {
          diagnostics.append(Diagnostic(.error, location, "implementation \(implementation) does not exist"))
        }
      case .mechanical:
        if row.template == nil || row.doc == nil {
          diagnostics.append(Diagnostic(.error, location, "a mechanical row needs `template` and `doc`"))
        }
        if row.implementation != nil {
          diagnostics.append(Diagnostic(.error, location, "a mechanical row is generated; it has no `implementation`"))
        }
      }
    }
    return diagnostics
  }
}
