import Foundation
import Yams

/// `spec/option-conformance.yaml`: per-option settings of the generated
/// option conformance suite, each with a reason.
public struct ConformanceSpec: Codable, Sendable, Equatable {
  public struct Entry: Codable, Sendable, Equatable {
    public var name: String
    public var scope: OptionScope?
    /// The value to set, written as in the option table (an integer, true/false, text).
    public var value: String?
    /// libzmq answers EINVAL to every use of the option here; the reason says why.
    public var refused: String?
    /// A `zmq_has` capability the option needs; where the running libzmq
    /// lacks it, every use is asserted to fail with EINVAL.
    public var requires: String?
    /// Socket types on which the documented default does not hold, with
    /// the value libzmq reports there instead ("ZMQ_ROUTER: 1").
    public var defaultsBySocketType: [String: String]?
    /// Socket types on which libzmq answers EINVAL to every use of the
    /// option although the table says it applies to them.
    public var refusedOnSocketTypes: [String]?
    public var reason: String
  }

  public var options: [Entry]

  public func entry(_ name: String, _ scope: OptionScope) -> Entry? {
    options.first { $0.name == name && ($0.scope ?? .socket) == scope }
  }

  /// Entries that name a socket type `socketTypes` (the C names of
  /// spec/groups.yaml's SocketType members) does not list. Socket types the
  /// header being generated from lacks (draft types, in a stable build) are
  /// left out of the generated cases; a name no group lists is a mistake.
  public func diagnostics(socketTypes: Set<String>, file: String = "spec/option-conformance.yaml") -> [Diagnostic] {
    var diagnostics: [Diagnostic] = []
    for entry in options {
      let named = Array((entry.defaultsBySocketType ?? [:]).keys).sorted() + (entry.refusedOnSocketTypes ?? [])
      for name in named where !socketTypes.contains(name) {
        diagnostics.append(
          Diagnostic(.error, "\(file): \(entry.name)", "\(name) is not a socket type of spec/groups.yaml's SocketType"))
      }
      if entry.refusedOnSocketTypes != nil, (entry.scope ?? .socket) == .context {
        diagnostics.append(
          Diagnostic(.error, "\(file): \(entry.name)", "refusedOnSocketTypes is for socket options only"))
      }
    }
    return diagnostics
  }

  public static func load(from url: URL) throws -> ConformanceSpec {
    do {
      let spec = try YAMLDecoder().decode(ConformanceSpec.self, from: String(contentsOf: url, encoding: .utf8))
      for entry in spec.options where entry.reason.trimmingCharacters(in: .whitespaces).isEmpty {
        throw SpecError(file: url.lastPathComponent, message: "\(entry.name): every entry needs a reason")
      }
      return spec
    } catch let error as SpecError {
      throw error
    } catch {
      throw SpecError(file: url.lastPathComponent, message: "\(error)")
    }
  }
}
