import Foundation
import Testing
@testable import BindgenCore

/// Documentation examples marked `<!-- doctest: draft -->` become tests only
/// when generating in draft mode.
@Suite struct DraftDoctestTests {
  static let markdown = """
    # Draft

    <!-- doctest: draft -->
    ```swift
    print("draft only")  // prints: draft only
    ```

    <!-- doctest: fixture=pair draft -->
    ```swift
    print("draft with a fixture")  // prints: draft with a fixture
    ```

    ```swift
    print("every variant")  // prints: every variant
    ```
    """

  @Test func theMarkerIsRead() throws {
    let examples = try DocCatalog.examples(in: Self.markdown, file: "Draft.md")
    #expect(examples.map(\.draftOnly) == [true, true, false])
    #expect(examples.map(\.fixture) == [nil, "pair", nil])
  }

  @Test func draftExamplesAreEmittedOnlyInDraftMode() throws {
    let examples = try DocCatalog.examples(in: Self.markdown, file: "Draft.md")
    let fixtures = FixtureSpec(fixtures: [.init(name: "pair", parameters: ["a", "b"], summary: "two sockets")])
    for draft in [false, true] {
      let context = GenerationContext(model: try parseFixture("current.h"), spec: try loadSpec(), draft: draft)
      var diagnostics: [Diagnostic] = []
      let files = DoctestEmitter(context: context, examples: examples, fixtures: fixtures).emit(
        diagnostics: &diagnostics)
      let text = files.map(\.contents).joined()
      #expect(text.contains("every variant"))
      #expect(text.contains("draft only") == draft)
      #expect(text.contains("draft with a fixture") == draft)
    }
  }
}
