import Foundation
import Testing
@testable import BindgenCore

// The option table file: reading and writing the YAML, and the overrides.
extension OptionTableTests {
  // MARK: YAML

  @Test func tableRoundTrips() throws {
    let (table, _) = try buildFixtureOptionTable()
    let text = OptionTableFile.render(table)
    let parsed = try OptionTableFile.parse(text)
    #expect(parsed == table)
    #expect(OptionTableFile.render(parsed) == text)
    #expect(!text.contains("/work") && !text.contains("/usr"), "no absolute paths")
    #expect(text.hasPrefix("# spec/derived/options.yaml"))
    #expect(text.contains("`zmq-bindgen spec sync` from the libzmq 9.8.7 man pages"))
  }

  @Test func awkwardStringsRoundTrip() throws {
    let awkward = [
      "", " leading", "trailing ", "0", "-1", "1.5", "yes", "No", "null", "~", "true (old behavior)", "a: b", "a #b",
      "#x", "'quoted'", "\"double\"", "back\\slash", "tab\there", "new\nline",
      "\u{0}\u{7}\u{1B}\u{7F}\u{85}\u{FEFF}\u{2028}\u{2029}\r",
      "socket\u{2019}s", ">0", "-1,>0", "[list]", "{map}", "&anchor", "*alias", "!tag", "%directive", "@at", "`tick`",
      "| pipe", "ZMQ_A | ZMQ_B", "two  spaces", "emoji \u{1F600}", "N/A (bitmap)", "all, when using TCP transports.",
    ]
    let rows = awkward.enumerated().map { index, text in
      OptionRow(
        name: "ZMQ_\(index)", scope: index.isMultiple(of: 2) ? .socket : .context, summary: text, type: text,
        unit: text, defaultValue: text, socketTypes: text, settable: index % 3 == 0, gettable: index % 5 == 0,
        draft: index % 7 == 0, kind: OptionValueKind.allCases[index % OptionValueKind.allCases.count],
        deprecated: index % 2 == 1, aliasOf: index % 4 == 0 ? nil : text)
    }
    let table = OptionTable(source: "libzmq \"odd\":\nsource", rows: rows)
    let text = OptionTableFile.render(table)
    let parsed = try OptionTableFile.parse(text)
    for (a, b) in zip(parsed.rows, table.rows) where a != b { Issue.record("\(a) != \(b)") }
    #expect(parsed == table)
    #expect(OptionTableFile.render(parsed) == text)
    #expect(OptionTableFile.render(OptionTable(source: "s", rows: [])).hasSuffix("options: []\n"))
    #expect(try OptionTableFile.parse(OptionTableFile.render(OptionTable(source: "s", rows: []))).rows.isEmpty)
  }

  @Test func plainScalarsOnlyWhenUnambiguous() {
    #expect(OptionTableFile.scalar("ZMQ_SUB, ZMQ_XSUB") == "ZMQ_SUB, ZMQ_XSUB")
    #expect(OptionTableFile.scalar("N/A (bitmap)") == "N/A (bitmap)")
    #expect(OptionTableFile.scalar("0") == "\"0\"")
    #expect(OptionTableFile.scalar("yes") == "\"yes\"")
    #expect(OptionTableFile.scalar("a: b") == "\"a: b\"")
    #expect(OptionTableFile.scalar("say \"hi\"\n") == #""say \"hi\"\n""#)
    #expect(OptionTableFile.scalar("\u{1}") == #""\u0001""#)
  }

  @Test(arguments: [
    ("options: []\n", "missing key 'source'"),
    ("source: s\noptions: {}\n", "options: expected a list"),
    ("source: s\nextra: 1\noptions: []\n", "unknown key 'extra'"),
    ("source: s\nsource: t\noptions: []\n", "key 'source' given twice"),
    ("- a\n", "the document: expected a mapping"),
    ("", "the file is empty"),
    ("source: [\n", "not valid YAML"),
    ("source: s\noptions:\n- name: ZMQ_A\n", "option 1 (ZMQ_A): missing key 'deprecated'"),
  ])
  func rejectsMalformedTables(text: String, message: String) {
    #expect {
      try OptionTableFile.parse(text)
    } throws: { error in
      "\(error)".hasPrefix("spec/derived/options.yaml: ") && "\(error)".contains(message)
    }
  }

  @Test func rejectsBadRowValues() throws {
    let (table, _) = try buildFixtureOptionTable()
    let text = OptionTableFile.render(OptionTable(source: table.source, rows: Array(table.rows.prefix(2))))
    let cases = [
      (text.replacingOccurrences(of: "kind: int32", with: "kind: int16"), "'int16' is not one of"),
      (text.replacingOccurrences(of: "settable: true", with: "settable: \"true\""), "expected true or false"),
      (text.replacingOccurrences(of: "settable: true", with: "settable: yes"), "expected true or false"),
      (text.replacingOccurrences(of: "scope: socket", with: "scope: [socket]"), "expected a string"),
      (text.replacingOccurrences(of: "name: ZMQ_BETA", with: "name: ZMQ_ALPHA"), "listed twice"),
      (
        text.replacingOccurrences(of: "  unit: milliseconds\n", with: "  unit: milliseconds\n  colour: blue\n"),
        "unknown key 'colour'"
      ),
    ]
    for (broken, message) in cases {
      #expect(broken != text)
      #expect {
        try OptionTableFile.parse(broken)
      } throws: { error in
        "\(error)".contains(message)
      }
    }
  }

  @Test func readsOverrides() throws {
    let text = """
      # comment
      overrides:
        - name: ZMQ_A
          scope: socket
          summary: s
          type: int
          unit: "0, 1"
          defaultValue: "0"
          socketTypes: all
          settable: true
          gettable: false
          kind: bool
          deprecated: true
          aliasOf: ZMQ_B
          add: true
          reason: >-
            folded
            text
        - name: ZMQ_C
          scope: context
          remove: true
          reason: gone
      """
    let overrides = try OptionTableFile.parseOverrides(text)
    #expect(
      overrides == [
        OptionOverride(
          name: "ZMQ_A", scope: .socket, summary: "s", type: "int", unit: "0, 1", defaultValue: "0", socketTypes: "all",
          settable: true, gettable: false, kind: .bool, deprecated: true, aliasOf: "ZMQ_B", add: true,
          reason: "folded text"),
        OptionOverride(name: "ZMQ_C", scope: .context, remove: true, reason: "gone"),
      ])
    #expect(try OptionTableFile.parseOverrides("") == [])
    #expect(try OptionTableFile.parseOverrides("overrides:\n") == [])
    #expect(try OptionTableFile.parseOverrides("# only a comment\n") == [])
  }

  @Test(arguments: [
    (
      "overrides:\n  - name: ZMQ_A\n    scope: socket\n    defaultValue: \"1\"\n",
      "override 1 (ZMQ_A): missing key 'reason'"
    ),
    ("overrides:\n  - name: ZMQ_A\n    scope: socket\n    default: \"1\"\n    reason: r\n", "unknown key 'default'"),
    ("overrides:\n  - name: ZMQ_A\n    scope: sockets\n    reason: r\n", "'sockets' is not one of socket, context"),
    ("overrides:\n  - name: ZMQ_A\n    scope: socket\n    kind: int\n    reason: r\n", "'int' is not one of"),
    ("overrides:\n  - name: ZMQ_A\n    scope: socket\n    add: 1\n    reason: r\n", "expected true or false"),
    ("overrides: {}\n", "overrides: expected a list"),
    ("rows: []\n", "unknown key 'rows'"),
  ])
  func rejectsMalformedOverrides(text: String, message: String) {
    #expect {
      try OptionTableFile.parseOverrides(text)
    } throws: { error in
      "\(error)".hasPrefix("spec/option-overrides.yaml: ") && "\(error)".contains(message)
    }
  }

  @Test func missingFilesNameThePath() {
    #expect {
      try OptionTableFile.loadOverrides(path: "/nonexistent/option-overrides.yaml")
    } throws: { error in
      "\(error)".contains("/nonexistent/option-overrides.yaml")
    }
  }
}
