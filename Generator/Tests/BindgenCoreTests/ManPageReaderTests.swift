import Foundation
import Testing
@testable import BindgenCore

/// Where the man-page fixtures and the installed pages are.
enum ManFixtures {
  static let directory: URL = Bundle.module.url(forResource: "Fixtures", withExtension: nil)!
    .appendingPathComponent("man")

  static func text(_ name: String) throws -> String {
    try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
  }

  static var socketSet: String { get throws { try text("fixture_setsockopt.3") } }
  static var socketGet: String { get throws { try text("fixture_getsockopt.3") } }
  static var contextSet: String { get throws { try text("fixture_ctx_set.3") } }
  static var contextGet: String { get throws { try text("fixture_ctx_get.3") } }

  static let installedDirectory = SpecSync.defaultManDirectory
  /// Debian images sometimes exclude /usr/share/man; the installed-page
  /// tests need the pages of libzmq3-dev.
  static let installedPagesPresent = SpecSync.pageNames.allSatisfy {
    FileManager.default.fileExists(atPath: "\(installedDirectory)/\($0).3.gz")
      || FileManager.default.fileExists(atPath: "\(installedDirectory)/\($0).3")
  }
}

@Suite struct ManPageReaderTests {
  // MARK: Escapes and requests

  @Test(arguments: [
    (#"a\&.b"#, "a.b"),
    (#"non\-zero"#, "non-zero"),
    (#"\fIitalic\fR and \fBbold\fP"#, "italic and bold"),
    (#"\f(CWcode\fR"#, "code"),
    (#"\f[CB]code\f[]"#, "code"),
    (#"socket\(cqs"#, "socket\u{2019}s"),
    (#"it\(aqs"#, "it's"),
    (#"\*(Aqtcp\*(Aq"#, "'tcp'"),
    (#"\*[Aq]x"#, "'x"),
    (#"\m[blue]\fBhttp://example\&.org\fR\m[]"#, "http://example.org"),
    (#"back\eslash and \\ too"#, #"back\slash and \ too"#),
    (#"\[u00E9]t\[u00E9]"#, "\u{00E9}t\u{00E9}"),
    (#"\[em]"#, "\u{2014}"),
    (#"\s-1small\s0"#, "small"),
    (#"\s+2big\s(12x"#, "bigx"),
    (#"text \" a comment"#, "text "),
    (#"\h'3n'x\v'-1'y"#, "xy"),
    (#"\n(.gz"#, "z"),
    (#"unknown \q escape"#, "unknown q escape"),
    (#"trailing \"#, "trailing "),
    (#"\("#, ""),
    (#"\[unterminated"#, ""),
    (#"\s"#, ""),
    (#"\*"#, ""),
  ])
  func decodesEscapes(input: String, expected: String) {
    #expect(Roff.decodeEscapes(input) == expected)
  }

  @Test func unpaddableSpacesCollapse() {
    #expect(Roff.normalizeWhitespace(Roff.decodeEscapes(#"  a\ \ b  \~c "#)) == "a b c")
  }

  @Test func splitsRequestArguments() {
    #expect(
      Roff.splitArguments(#""ZMQ_X: a \fIb\fR" 3 "say ""hi""" plain\-arg"#)
        == ["ZMQ_X: a b", "3", #"say "hi""#, "plain-arg"])
    // `\"` starts a comment even inside a quoted argument.
    #expect(Roff.splitArguments(#""unterminated \" quote"#) == ["unterminated "])
    #expect(Roff.splitArguments("") == [])
  }

  // MARK: Documents and tables

  @Test func readsHeadingsParagraphsAndLiterals() {
    let document = RoffDocument(
      parsing: """
        .TH "PAGE" "3" "date" "0MQ 1\\&.2\\&.3" "Manual"
        .SH "NAME"
        page \\- what it is
        .SH
        DESCRIPTION
        .SS "ZMQ_X: the x"
        First line
        continues here\\&.
        .sp
        Second paragraph\\&.
        .nf
        literal   line
        .sp

        .fi
        .B bold words
        .BR zmq_x (3)
        """)
    #expect(document.titleArguments == ["PAGE", "3", "date", "0MQ 1.2.3", "Manual"])
    #expect(
      document.blocks == [
        .sectionHeading("NAME", line: 2),
        .paragraph("page - what it is", line: 3),
        .sectionHeading("DESCRIPTION", line: 4),
        .subsectionHeading("ZMQ_X: the x", line: 6),
        .paragraph("First line continues here.", line: 7),
        .paragraph("Second paragraph.", line: 10),
        .literal(["literal   line", "", ""], line: 12),
        .paragraph("bold words zmq_x(3)", line: 16),
      ])
  }

  /// Every row layout of the pages: two cells of `T{ … T}` blocks joined by
  /// the tab character, multi-line cells, a plain-cell table with the
  /// default tab, and `.T&` format changes.
  @Test func readsTables() {
    let document = RoffDocument(
      parsing: """
        .TS
        tab(:);
        lt lt
        lt lt.
        T{
        .sp
        Option value type
        T}:T{
        .sp
        binary data
        T}
        T{
        .sp
        Applicable socket types
        T}:T{
        .sp
        \\fIZMQ_SUB\\fR,
        ZMQ_XSUB
        .br
        and more\\&.
        T}
        .TE
        .TS
        l l.
        a\tb
        .T&
        c c.
        c\td
        .TE
        """)
    guard case .table(let first) = document.blocks.first, case .table(let second) = document.blocks.last,
      document.blocks.count == 2
    else {
      Issue.record("expected two tables, got \(document.blocks)")
      return
    }
    #expect(
      first.rows == [
        ["Option value type", "binary data"], ["Applicable socket types", "ZMQ_SUB, ZMQ_XSUB and more."],
      ])
    #expect(first.problems.isEmpty)
    #expect(first.line == 1)
    #expect(second.rows == [["a", "b"], ["c", "d"]])
  }

  @Test func malformedTablesAreReadAsFarAsPossible() {
    let unterminatedBlock = RoffDocument(parsing: ".TS\ntab(:);\nl l.\nT{\nlabel\nT}:T{\nnever closed\n.TE\n.SH NEXT")
    guard case .table(let table) = unterminatedBlock.blocks.first else {
      Issue.record("no table in \(unterminatedBlock.blocks)")
      return
    }
    #expect(table.rows == [["label", "never closed"]])
    #expect(table.problems == ["unterminated T{ text block"])
    #expect(unterminatedBlock.blocks.last == .sectionHeading("NEXT", line: 9))

    // No .TE: the table ends at the next heading, which is still read.
    let noEnd = RoffDocument(parsing: ".TS\ntab(:);\nl l.\nx:y\n.SS \"ZMQ_Y: next\"\nText")
    #expect(noEnd.blocks.count == 3)
    if case .table(let table) = noEnd.blocks.first {
      #expect(table.rows == [["x", "y"]])
      #expect(table.problems == ["table has no .TE"])
    }
    #expect(noEnd.blocks[1] == .subsectionHeading("ZMQ_Y: next", line: 5))

    // No format line at all; a lone .TS at the end of the input.
    let noFormat = RoffDocument(parsing: ".TS\nT{\na\nT}\n.TE\n.TS")
    #expect(noFormat.blocks.count == 2)
    if case .table(let table) = noFormat.blocks.first {
      #expect(table.rows == [["a"]])
    }
  }

  // MARK: Fixture pages

  @Test func readsTheFixtureSetPage() throws {
    let page = ManPageReader.read(try ManFixtures.socketSet)
    #expect(page.name == "fixture_setsockopt")
    #expect(page.section == "3")
    #expect(page.source == "0MQ 9.8.7")
    #expect(page.version == "9.8.7")
    #expect(page.fileName == "fixture_setsockopt.3")
    #expect(page.synopsisValueType == nil)  // const void *option_value
    #expect(page.diagnostics.isEmpty, "\(page.diagnostics)")
    #expect(
      page.options.map(\.name) == [
        "ZMQ_ALPHA", "ZMQ_BETA", "ZMQ_GAMMA", "ZMQ_DELTA", "ZMQ_EPSILON", "ZMQ_ZETA", "ZMQ_ETA", "ZMQ_THETA",
        "ZMQ_OLD_THETA", "ZMQ_IOTA", "ZMQ_KAPPA", "ZMQ_MU", "ZMQ_NU", "ZMQ_RHO", "ZMQ_SIGMA", "ZMQ_TAU",
      ])
    let options = Dictionary(uniqueKeysWithValues: page.options.map { ($0.name, $0) })

    let alpha = try #require(options["ZMQ_ALPHA"])
    #expect(alpha.summary == "Set the socket\u{2019}s alpha")
    #expect(
      alpha.fields == [
        .init(label: "Option value type", value: "int"),
        .init(label: "Option value unit", value: "milliseconds"),
        .init(label: "Default value", value: "-1 (infinite)"),
        .init(label: "Applicable socket types", value: "all"),
      ])
    #expect(alpha.type == "int" && alpha.unit == "milliseconds" && alpha.defaultValue == "-1 (infinite)")
    #expect(alpha.socketTypes == "all")
    #expect(alpha.aliasOf == nil && !alpha.deprecated)

    let beta = try #require(options["ZMQ_BETA"])
    #expect(beta.summary == "Toggle beta")
    #expect(beta.socketTypes == "ZMQ_SUB, ZMQ_XSUB when using 'tcp'")

    let iota = try #require(options["ZMQ_IOTA"])
    #expect(iota.unit == nil)
    #expect(iota.field("Option value size") == "32 or 41")
    #expect(!iota.deprecated, "'though is deprecated' is about a value size, not the option")

    let kappa = try #require(options["ZMQ_KAPPA"])
    #expect(kappa.fields.count == 5)
    #expect(kappa.field("maximum value") == "6553599 (which is 2^16-1 deciseconds)")

    let oldTheta = try #require(options["ZMQ_OLD_THETA"])
    #expect(oldTheta.fields.isEmpty)
    #expect(oldTheta.aliasOf == "ZMQ_THETA")
    #expect(oldTheta.deprecated)
    #expect(try #require(options["ZMQ_MU"]).deprecated)
    #expect(options["ZMQ_THETA"]?.socketTypes == "ZMQ_ROUTER, ZMQ_DEALER.")
  }

  /// The get page reproduces the AsciiDoc slip of the 4.3.4
  /// zmq_getsockopt.3: a section title and a labelled list left unrendered
  /// in a literal block, with the next option's title inside it.
  @Test func recoversUnrenderedAsciiDoc() throws {
    let page = ManPageReader.read(try ManFixtures.socketGet)
    #expect(
      page.options.map(\.name) == [
        "ZMQ_ALPHA", "ZMQ_EPSILON", "ZMQ_ETA", "ZMQ_OLD_THETA", "ZMQ_FD", "ZMQ_XI", "ZMQ_PI", "ZMQ_NU", "ZMQ_RHO",
        "ZMQ_SIGMA", "ZMQ_TAU", "ZMQ_UPSILON", "ZMQ_PHI",
      ])
    let options = Dictionary(uniqueKeysWithValues: page.options.map { ($0.name, $0) })
    let upsilon = try #require(options["ZMQ_UPSILON"])
    #expect(upsilon.summary == "Retrieve upsilon")
    #expect(
      upsilon.fields == [
        .init(label: "Option value type", value: "int"),
        .init(label: "Option value unit", value: ">0"),
        .init(label: "Default value", value: "0"),
        .init(label: "Applicable socket types", value: "all, only for connection-oriented transports"),
      ])
    let phi = try #require(options["ZMQ_PHI"])
    #expect(phi.unit == "kilobits per second", "the table after the literal block belongs to ZMQ_PHI")
    #expect(options["ZMQ_TAU"]?.unit == "messages", "ZMQ_TAU keeps its own table")
    #expect(options["ZMQ_PI"]?.fields.count == 3)
    #expect(options["ZMQ_PI"]?.defaultValue == nil)
    #expect(
      page.diagnostics.map(\.location) == [
        "fixture_getsockopt.3: ZMQ_UPSILON", "fixture_getsockopt.3: ZMQ_UPSILON", "fixture_getsockopt.3: ZMQ_PHI",
      ])
    #expect(page.diagnostics.allSatisfy { $0.severity == .warning })
    #expect(
      page.diagnostics[1].message.contains(
        "Option value type, Option value unit, Default value, Applicable socket types"))
  }

  @Test func readsTheContextLayouts() throws {
    let set = ManPageReader.read(try ManFixtures.contextSet)
    #expect(set.synopsisValueType == "int")
    #expect(set.options.map(\.name) == ["ZMQ_CTX_BLOCKY", "ZMQ_CTX_MAX", "ZMQ_CTX_WRITE"])
    #expect(set.options[0].fields == [.init(label: "Default value", value: "true (old behavior)")])
    #expect(set.options[0].type == nil)
    #expect(set.options[1].fields.map(\.label) == ["Default value", "Maximum value"])

    let get = ManPageReader.read(try ManFixtures.contextGet)
    #expect(get.synopsisValueType == "int", "zmq_ctx_get returns the value")
    #expect(get.options.map(\.name) == ["ZMQ_CTX_BLOCKY", "ZMQ_CTX_MAX", "ZMQ_CTX_READ"])
    #expect(get.options.allSatisfy { $0.fields.isEmpty })
    #expect(get.diagnostics.isEmpty)
  }

  @Test(
    arguments: [
      ("int zmq_ctx_set (void *context, int option_name, int option_value);", "int"),
      ("int zmq_ctx_get (void *context, int option_name);", "int"),
      ("int zmq_setsockopt (void *socket, int option_name, const void *option_value, size_t option_len);", nil),
      ("int zmq_getsockopt (void *socket, int option_name, void *option_value, size_t *option_len);", nil),
      ("no prototype here", nil),
      ("void *weird (", nil),
    ] as [(String, String?)])
  func findsTheSynopsisValueType(synopsis: String, expected: String?) {
    let page = ManPageReader.read(".SH SYNOPSIS\n\(synopsis)\n")
    #expect(page.synopsisValueType == expected)
  }

  @Test func reportsDuplicateAndStrayTables() {
    let page = ManPageReader.read(
      """
      .TH "P" "3"
      .SH DESCRIPTION
      .TS
      l l.
      a\tb
      .TE
      .SS "ZMQ_A: one"
      .TS
      tab(:);
      l l.
      Option value type:int
      .TE
      .TS
      tab(:);
      l l.
      Option value type:int64_t
      .TE
      .SS "ZMQ_A: again"
      """)
    #expect(page.options.count == 1)
    #expect(page.options.first?.type == "int")
    #expect(page.diagnostics.map(\.message).count == 3)
    #expect(page.diagnostics[0].message.contains("outside any option"))
    #expect(page.diagnostics[1].message.contains("second table"))
    #expect(page.diagnostics[2].message.contains("documented twice"))
  }

  // MARK: Files

  @Test func loadsCompressedPages() throws {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("manpage-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let plain = directory.appendingPathComponent("fixture_setsockopt.3")
    try ManFixtures.socketSet.write(to: plain, atomically: true, encoding: .utf8)
    let gzip = Process()
    gzip.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    gzip.arguments = ["gzip", "-k", plain.path]
    try gzip.run()
    gzip.waitUntilExit()
    #expect(gzip.terminationStatus == 0)

    let fromGzip = try ManPageReader.loadText(path: plain.path + ".gz")
    #expect(fromGzip == (try ManFixtures.socketSet))
    #expect(try ManPageReader.load(path: plain.path).options.count == 16)

    // A corrupt .gz names the path and gzip's complaint.
    let corrupt = directory.appendingPathComponent("bad.3.gz")
    try Data("not gzip".utf8).write(to: corrupt)
    #expect {
      try ManPageReader.loadText(path: corrupt.path)
    } throws: { error in
      "\(error)".contains(corrupt.path) && "\(error)".contains("gzip")
    }
  }

  @Test func missingPagesNameThePath() {
    let path = "/nonexistent/man3/zmq_setsockopt.3.gz"
    #expect(throws: ManPageError(path: path, reason: "no such file")) {
      try ManPageReader.loadText(path: path)
    }
    #expect {
      try SpecSync.pageText(named: "zmq_setsockopt", in: "/nonexistent/man3")
    } throws: { error in
      "\(error)".contains("/nonexistent/man3/zmq_setsockopt.3.gz")
    }
  }

  // MARK: Garbage

  /// Random bytes, roff-shaped token soup and hand-picked truncations: the
  /// reader must return (it is total), whatever it makes of them.
  @Test func garbageNeverCrashes() throws {
    var generator = RoffFuzzGenerator(state: 0x5eed_2024)
    var inputs: [String] = [
      "", "\\", ".", "'", ".TS", ".TS\n", "T{", ".TS\nT{", ".TS\ntab(", ".TS\ntab(:);\n", ".TS\ntab();\nT{\nT}:",
      ".SS", ".SS \"", ".SH\n", ".de X\n.TS\n", ".nf\n.TS\nT{\n", "\\(", "\\[", "\\s(", "\\s+", "\\*(", "\\f",
      "\\h'", "\\C'", ".TS\n.T&\n", "T}\nT}\n.TE", ".TS\nl l.\n\t\t\t\n.TE", "ZMQ_A: x\n",
      ".SH DESCRIPTION\n.nf\nZMQ_A: b\nL:: v\n",
      String(repeating: ".TS\nT{\n", count: 200), String(repeating: "\\", count: 1001),
      "\u{0}\u{1}\r\n\r\n.TS\r\ntab(:);\r\nl.\r\nT{\r\nx\r\nT}\r\n.TE\r\n", "e\u{301}\\\u{301}x",
      "\u{FEFF}.SS \"ZMQ_Q: q\"",
    ]
    let tokens = [
      ".TS\n", ".TE\n", "T{\n", "T}", ":", "\t", ".SS \"ZMQ_X: y\"\n", ".SH DESCRIPTION\n", ".nf\n", ".fi\n", "\\",
      "\\f",
      "\\(", "\\[", "\"", "\n", "tab(:);\n", "lt lt.\n", "ZMQ_", "Option value type:: int\n", ".T&\n", ".sp\n", "\\*",
      "é", "\u{0}", ".de\n", "..\n",
    ]
    for _ in 0..<300 {
      var soup = ""
      for _ in 0..<Int(generator.next() % 60) { soup += tokens[Int(generator.next() % UInt64(tokens.count))] }
      inputs.append(soup)
    }
    for _ in 0..<100 {
      let bytes = (0..<Int(generator.next() % 2000)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
      inputs.append(String(decoding: bytes, as: UTF8.self))
    }
    for input in inputs {
      let page = ManPageReader.read(input)
      _ = OptionTableBuilder(
        socketSetPage: page, socketGetPage: page, contextSetPage: page, contextGetPage: page, header: nil,
        overrides: []
      ).build()
    }
  }

  // MARK: Installed pages

  @Test
  func readsTheInstalledPages() throws {
    func load(_ name: String) throws -> ManPage {
      ManPageReader.read(try SpecSync.pageText(named: name, in: ManFixtures.installedDirectory))
    }
    let set = try load("zmq_setsockopt")
    let get = try load("zmq_getsockopt")
    let contextSet = try load("zmq_ctx_set")
    let contextGet = try load("zmq_ctx_get")

    #expect(set.options.count == 89)
    #expect(get.options.count == 64, "62 .SS sections and two headings recovered from unrendered AsciiDoc")
    #expect(contextSet.options.count == 11)
    #expect(contextGet.options.count == 10)
    #expect([set, get, contextSet, contextGet].allSatisfy { $0.version == "4.3.4" })
    #expect(set.synopsisValueType == nil && get.synopsisValueType == nil)
    #expect(contextSet.synopsisValueType == "int" && contextGet.synopsisValueType == "int")

    // Tables: 87 of the set page's options have one (the deprecated
    // aliases ZMQ_IDENTITY and ZMQ_CONNECT_RID do not); every get option
    // but ZMQ_IDENTITY has rows; every zmq_ctx_set option has a default.
    #expect(set.options.filter { $0.fields.isEmpty }.map(\.name) == ["ZMQ_CONNECT_RID", "ZMQ_IDENTITY"])
    #expect(get.options.filter { $0.fields.isEmpty }.map(\.name) == ["ZMQ_IDENTITY"])
    #expect(contextSet.options.allSatisfy { $0.defaultValue != nil && $0.type == nil })
    #expect(contextGet.options.allSatisfy { $0.fields.isEmpty })
    #expect(set.options.first { $0.name == "ZMQ_IDENTITY" }?.aliasOf == "ZMQ_ROUTING_ID")

    let getOptions = Dictionary(uniqueKeysWithValues: get.options.map { ($0.name, $0) })
    #expect(getOptions["ZMQ_USE_FD"]?.unit == "file descriptor")
    #expect(getOptions["ZMQ_RATE"]?.unit == "kilobits per second")
    #expect(getOptions["ZMQ_PRIORITY"]?.type == "int")
    #expect(getOptions["ZMQ_LAST_ENDPOINT"]?.type == "NULL-terminated character string")
    #expect(getOptions["ZMQ_FD"]?.type == "int on POSIX systems, SOCKET on Windows")
    #expect(getOptions["ZMQ_RECONNECT_STOP"]?.unit == "ZMQ_RECONNECT_STOP_CONN_REFUSED")

    #expect(set.diagnostics.isEmpty && contextSet.diagnostics.isEmpty && contextGet.diagnostics.isEmpty)
    #expect(
      get.diagnostics.map(\.location) == [
        "zmq_getsockopt.3: ZMQ_PRIORITY", "zmq_getsockopt.3: ZMQ_PRIORITY", "zmq_getsockopt.3: ZMQ_RATE",
      ])
  }
}

/// A small deterministic generator for the garbage test.
struct RoffFuzzGenerator {
  var state: UInt64
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
