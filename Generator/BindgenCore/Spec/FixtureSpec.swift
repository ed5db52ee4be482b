import Foundation
import Yams

/// `spec/doctest-fixtures.yaml`: the fixtures documentation examples can name.
public struct FixtureSpec: Codable, Sendable, Equatable {
  public struct Fixture: Codable, Sendable, Equatable {
    public var name: String
    /// The values the example sees, in the order the fixture passes them.
    public var parameters: [String]
    public var summary: String
    /// Whether the fixture is `async` (its examples may `await` directly,
    /// and their generated tests are `async throws`).
    public var isAsync: Bool?

    public init(name: String, parameters: [String], summary: String, isAsync: Bool? = nil) {
      self.name = name
      self.parameters = parameters
      self.summary = summary
      self.isAsync = isAsync
    }

    enum CodingKeys: String, CodingKey {
      case name, parameters, summary
      case isAsync = "async"
    }
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
