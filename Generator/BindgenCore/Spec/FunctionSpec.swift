import Foundation
import Yams

/// `spec/functions.yaml`: one row per function of the JavaScript `zmq`
/// module the API follows, with its Swift form.
public struct FunctionSpec: Codable, Sendable, Equatable {
  public struct Row: Codable, Sendable, Equatable {
    public enum Shape: String, Codable, Sendable {
      /// Call, check, throw: emitted by the generator.
      case mechanical
      /// Hand-written; `implementation` names the file.
      case runtime
    }
    /// The JavaScript module's name for it: `Socket.recv_str(flags)`.
    public var javascript: String
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

  public static func load(from url: URL) throws -> FunctionSpec {
    let text = try String(contentsOf: url, encoding: .utf8)
    do {
      return try YAMLDecoder().decode(FunctionSpec.self, from: text)
    } catch {
      throw SpecError(file: url.lastPathComponent, message: "\(error)")
    }
  }

  /// The coverage gate: every row's documentation section, and every
  /// section `javascriptAPI` names (when the list is there), has at least
  /// one example.
  public func coverage(examples: [DocExample], javascriptAPI: JavaScriptAPI?) -> [Diagnostic] {
    var counts: [String: Int] = [:]
    for example in examples {
      let file = example.file.split(separator: "/").last.map(String.init) ?? example.file
      counts["\(file)#\(example.section)", default: 0] += 1
    }
    var diagnostics: [Diagnostic] = []
    for row in functions where counts[row.docs, default: 0] == 0 {
      diagnostics.append(
        Diagnostic(
          .error, "spec/functions.yaml: \(row.javascript)",
          "no ```swift example in the documentation section \(row.docs)"))
    }
    for entry in javascriptAPI?.entries ?? [] where counts[entry.docs, default: 0] == 0 {
      diagnostics.append(
        Diagnostic(
          .error, "\(JavaScriptAPI.path): \(entry.name)",
          "documented in \(entry.docs), which has no ```swift example"))
    }
    return diagnostics
  }

  /// Cross-checks the rows against the header (every named C function
  /// exists, with the availability the row claims) and, when `root` is
  /// given, that each runtime row's implementation file exists.
  public func validate(against model: HeaderModel, root: URL?) -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    var seen: Set<String> = []
    for row in functions {
      let location = "spec/functions.yaml: \(row.javascript)"
      if !seen.insert(row.javascript).inserted {
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
          diagnostics.append(
            Diagnostic(.error, location, "\(name) is draft API in \(model.header) but the row is not marked draft"))
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

/// `spec/javascript-api.yaml`: the surface of the JavaScript `zmq` module,
/// each entry with the DocC section that documents its Swift counterpart.
public struct JavaScriptAPI: Codable, Sendable, Equatable {
  public static let path = "spec/javascript-api.yaml"

  public struct Entry: Codable, Sendable, Equatable {
    /// As the module names it: `zmq.Socket.prototype.recv_str()`.
    public var name: String
    /// `File.md#heading`.
    public var docs: String

    public init(name: String, docs: String) {
      self.name = name
      self.docs = docs
    }
  }

  public var entries: [Entry]

  public init(entries: [Entry]) { self.entries = entries }

  public static func load(from url: URL) throws -> JavaScriptAPI {
    let text = try String(contentsOf: url, encoding: .utf8)
    do {
      return try YAMLDecoder().decode(JavaScriptAPI.self, from: text)
    } catch {
      throw SpecError(file: url.lastPathComponent, message: "\(error)")
    }
  }
}
