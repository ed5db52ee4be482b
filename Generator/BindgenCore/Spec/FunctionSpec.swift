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
        break
      }
    }
    return diagnostics
  }
}
