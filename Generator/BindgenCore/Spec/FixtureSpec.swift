import Foundation
import Yams

/// `spec/doctest-fixtures.yaml`: the fixtures documentation examples can name.
public struct FixtureSpec: Codable, Sendable, Equatable {
  public struct Fixture: Codable, Sendable, Equatable {
    public var name: String
    /// The values the example sees, in the order the fixture passes them.
    public var parameters: [String]
    public var summary: String
  }

  public var fixtures: [Fixture]

  public func fixture(named name: String) -> Fixture? { fixtures.first { $0.name == name } }

  public static func load(from url: URL) throws -> FixtureSpec {
    do {
      return try YAMLDecoder().decode(FixtureSpec.self, from: String(contentsOf: url, encoding: .utf8))
    } catch {
      throw SpecError(file: url.lastPathComponent, message: "\(error)")
    }
  }
}
