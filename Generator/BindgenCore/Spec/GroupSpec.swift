import Foundation
import Yams

/// `spec/groups.yaml`: how the header's macros become typed Swift values.
public struct GroupSpec: Codable, Sendable, Equatable {
  public struct Errors: Codable, Sendable, Equatable {
    /// libzmq's own codes, evaluated from zmq.h.
    public var header: [String]
    /// POSIX codes, valued from the platform's errno.h.
    public var posix: [String]
  }

  public struct Capability: Codable, Sendable, Equatable {
    public var name: String
    public var summary: String
  }

  public struct Group: Codable, Sendable, Equatable {
    public enum Shape: String, Codable, Sendable { case `struct`, optionSet }
    public var type: String
    public var shape: Shape
    public var raw: String
    public var summary: String
    /// Explicit members, in the order given.
    public var members: [String]?
    /// Or every integer macro whose name starts with this.
    public var prefix: String?
    /// A prefix removed from C names before the Swift name is derived.
    public var strip: String?
    /// Explicit Swift names, by C name.
    public var names: [String: String]?
  }

  public var errors: Errors
  public var capabilities: [Capability]
  public var groups: [Group]

  public static func load(from url: URL) throws -> GroupSpec {
    let text = try String(contentsOf: url, encoding: .utf8)
    do {
      return try YAMLDecoder().decode(GroupSpec.self, from: text)
    } catch {
      throw SpecError(file: url.lastPathComponent, message: "\(error)")
    }
  }
}

/// A spec file that cannot be read, naming the file and the problem.
public struct SpecError: Error, CustomStringConvertible {
  public var file: String
  public var message: String
  public init(file: String, message: String) {
    self.file = file
    self.message = message
  }
  public var description: String { "\(file): \(message)" }
}
