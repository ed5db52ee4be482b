import Foundation
import Testing
@testable import BindgenCore

/// The fixture documentation directories: `txt/` in the two-line-title
/// layout of the 4.x source pages, `adoc/` in the one-line-title layout of
/// later ones; both document the same options.
enum AsciiDocFixtures {
  static let directory = Paths.fixtures.appendingPathComponent("asciidoc")
  static var txt: String { directory.appendingPathComponent("txt").path }
  static var adoc: String { directory.appendingPathComponent("adoc").path }

  static func table(_ docs: String) throws -> (OptionTable, [Diagnostic]) {
    let pages = try SpecSync.documentationPages(in: docs)
    return OptionTableBuilder(
      socketSetPage: pages[0], socketGetPage: pages[1], contextSetPage: pages[2], contextGetPage: pages[3],
      header: nil, overrides: []
    ).build()
  }
}

@Suite struct AsciiDocReaderTests {
  @Test func readsThePageTitleAndSynopsis() throws {
    let page = try AsciiDocReader.load(path: AsciiDocFixtures.txt + "/zmq_ctx_set.txt")
    #expect(page.name == "zmq_ctx_set" && page.section == "3" && page.fileName == "zmq_ctx_set.3")
    #expect(page.synopsisValueType == "int")
    #expect(page.version == nil)
    let get = try AsciiDocReader.load(path: AsciiDocFixtures.adoc + "/zmq_ctx_get.adoc")
    #expect(get.name == "zmq_ctx_get" && get.synopsisValueType == "int")
    let sockets = try AsciiDocReader.load(path: AsciiDocFixtures.txt + "/zmq_setsockopt.txt")
    #expect(sockets.synopsisValueType == nil, "a void * value: the tables give each option's type")
  }

  @Test(arguments: [AsciiDocFixtures.txt, AsciiDocFixtures.adoc])
  func readsTheOptionSections(_ docs: String) throws {
    let page = try SpecSync.documentationPages(in: docs)[0]
    #expect(page.options.map(\.name) == ["ZMQ_ALPHA", "ZMQ_BETA", "ZMQ_GAMMA", "ZMQ_OLD_GAMMA", "ZMQ_DELTA"])
    let alpha = try #require(page.options.first)
    #expect(alpha.summary == "Set the socket\u{2019}s alpha")
    #expect(
      alpha.fields == [
        .init(label: "Option value type", value: "int"), .init(label: "Option value unit", value: "milliseconds"),
        .init(label: "Default value", value: "-1 (infinite)"), .init(label: "Applicable socket types", value: "all"),
      ])
    let gamma = page.options[2]
    #expect(gamma.unit == "N/A", "a value on the line after its label")
    #expect(gamma.socketTypes == "all, when using TCP or UDP transports.", "a value over two lines")
    let old = page.options[3]
    #expect(old.deprecated && old.aliasOf == "ZMQ_GAMMA" && old.fields.isEmpty)
    let delta = page.options[4]
    #expect(delta.type == "binary data or Z85 text string", "the [horizontal] list, not the prose list before it")
    #expect(delta.field("Option value size") == "32 or 41")
    #expect(delta.defaultValue == "NULL")
    // The second table of ZMQ_BETA is reported, not merged.
    #expect(page.options[1].type == "int")
    #expect(page.diagnostics.contains { $0.location.hasSuffix("ZMQ_BETA") && $0.message.contains("second table") })
  }

  @Test func aShortUnderlineStillMakesAnOptionHeadingWithAWarning() throws {
    let page = try AsciiDocReader.load(path: AsciiDocFixtures.txt + "/zmq_setsockopt.txt")
    let warnings = page.diagnostics.filter { $0.location == "zmq_setsockopt.txt: ZMQ_DELTA" }
    #expect(warnings.count == 1)
    #expect(warnings.first?.message.contains("underline") == true)
  }

  @Test func bothLayoutsGiveTheSameTable() throws {
    let (txt, _) = try AsciiDocFixtures.table(AsciiDocFixtures.txt)
    let (adoc, _) = try AsciiDocFixtures.table(AsciiDocFixtures.adoc)
    #expect(txt.rows == adoc.rows)
    #expect(
      txt.rows.map(\.name) == [
        "ZMQ_ALPHA", "ZMQ_BETA", "ZMQ_DELTA", "ZMQ_EPSILON", "ZMQ_GAMMA", "ZMQ_OLD_GAMMA", "ZMQ_CTX_ONE", "ZMQ_CTX_TWO",
      ])
    func row(_ name: String, _ scope: OptionScope = .socket) throws -> OptionRow {
      try #require(txt.row(name, scope: scope))
    }
    #expect(
      try row("ZMQ_ALPHA")
        == OptionRow(
          name: "ZMQ_ALPHA", scope: .socket, summary: "Set the socket\u{2019}s alpha", type: "int",
          unit: "milliseconds",
          defaultValue: "-1 (infinite)", socketTypes: "all", settable: true, gettable: true, kind: .int32))
    #expect(try row("ZMQ_BETA").kind == .bool)
    #expect(try row("ZMQ_DELTA").kind == .z85)
    #expect(try row("ZMQ_GAMMA").kind == .string)
    let epsilon = try row("ZMQ_EPSILON")
    #expect(epsilon.kind == .int64 && epsilon.gettable && !epsilon.settable)
    let old = try row("ZMQ_OLD_GAMMA")
    #expect(old.kind == .string && old.deprecated && old.aliasOf == "ZMQ_GAMMA" && old.type == "character string")
    #expect(
      try row("ZMQ_CTX_ONE", .context)
        == OptionRow(
          name: "ZMQ_CTX_ONE", scope: .context, summary: "Set one", type: "int", defaultValue: "1", settable: true,
          gettable: true, kind: .int32))
    let two = try row("ZMQ_CTX_TWO", .context)
    #expect(two.type == "int" && two.gettable && !two.settable)
  }

  @Test(arguments: [
    ("The 'ZMQ_X' option", "The ZMQ_X option"),
    ("a _word_ and *strong* and `code` and +plus+", "a word and strong and code and plus"),
    ("ZMQ_SNDHWM and SO_KEEPALIVE stay", "ZMQ_SNDHWM and SO_KEEPALIVE stay"),
    ("the context's pool", "the context\u{2019}s pool"),
    ("see linkzmq:zmq_bind[3] or xref:zmq_connect.adoc[zmq_connect]", "see zmq_bind(3) or zmq_connect"),
    ("*int f (void '*socket', int 'option_value');*", "int f (void *socket, int option_value);"),
    ("2 * 3 * 4", "2 * 3 * 4"),
  ])
  func plainTextDropsInlineMarkup(_ source: String, _ plain: String) {
    #expect(AsciiDocReader.plainText(source) == plain)
  }

  @Test func missingPagesNameWhatWasLookedFor() {
    #expect(throws: ManPageError.self) { try SpecSync.documentationPages(in: AsciiDocFixtures.directory.path) }
    do {
      _ = try SpecSync.documentationPages(in: "/nonexistent")
    } catch let error as ManPageError {
      #expect(error.path == "/nonexistent/zmq_setsockopt.adoc")
      #expect(error.reason.contains("zmq_setsockopt.txt"))
    } catch {
      Issue.record("unexpected error \(error)")
    }
  }
}

/// The documentation sources of real libzmq builds (`make libzmq`), when
/// they are there; each test says it skipped otherwise.
enum LibzmqBuilds {
  static let base = Paths.packageRoot.appendingPathComponent(".build-libzmq")

  /// `<prefix>/share/doc/zmq-src` of the first variant of `version` that
  /// has been built, stable first.
  static func docs(_ version: String) -> String? {
    for kind in ["stable", "draft"] {
      let docs = base.appendingPathComponent("\(version)-\(kind)/share/doc/zmq-src").path
      if AsciiDocReader.pagePath(named: "zmq_setsockopt", in: docs) != nil { return docs }
    }
    return nil
  }

  static func header(_ version: String) -> String? {
    for kind in ["draft", "stable"] {
      let header = base.appendingPathComponent("\(version)-\(kind)/include/zmq.h").path
      if FileManager.default.fileExists(atPath: header) { return header }
    }
    return nil
  }

  static var installedManPagesAre434: Bool {
    guard let page = try? ManPageReader.load(path: SpecSync.defaultManDirectory + "/zmq_setsockopt.3.gz") else {
      return false
    }
    return page.version == "4.3.4"
  }

  static func overrides() throws -> [OptionOverride] {
    try Workspace(root: Paths.packageRoot).loadOptionOverrides()
  }
}

@Suite struct LibzmqDocumentationTests {
  /// The table derived from 4.3.4's AsciiDoc equals the one from the
  /// installed 4.3.4 man pages, or the difference is named by a diagnostic.
  @Test(
    "4.3.4: the AsciiDoc sources and the installed man pages give the same table",
    .enabled(
      if: LibzmqBuilds.docs("4.3.4") != nil && LibzmqBuilds.installedManPagesAre434,
      "skipped: needs `make libzmq VERSION=4.3.4` (.build-libzmq/4.3.4-*/share/doc/zmq-src) and the installed 4.3.4 man pages"
    ))
  func asciiDocMatchesTheManPages434() throws {
    let docs = try #require(LibzmqBuilds.docs("4.3.4"))
    let header = try HeaderParser(headerPath: LibzmqBuilds.header("4.3.4") ?? "/usr/include/zmq.h").parse()
    let overrides = try LibzmqBuilds.overrides()
    let (fromDocs, docDiagnostics) = try SpecSync.build(docsDirectory: docs, header: header, overrides: overrides)
    let (fromMan, manDiagnostics) = try SpecSync.build(
      manDirectory: SpecSync.defaultManDirectory, header: header, overrides: overrides)
    #expect(fromDocs.source == "libzmq 4.3.4 documentation sources")
    let docRows = Dictionary(fromDocs.rows.map { ("\($0.scope) \($0.name)", $0) }, uniquingKeysWith: { a, _ in a })
    let manRows = Dictionary(fromMan.rows.map { ("\($0.scope) \($0.name)", $0) }, uniquingKeysWith: { a, _ in a })
    let differing = Set(docRows.keys).union(manRows.keys).filter { docRows[$0] != manRows[$0] }.sorted()
    for key in differing {
      let name = String(key.split(separator: " ").last!)
      let explained = (docDiagnostics + manDiagnostics).contains {
        $0.location.hasSuffix(name) || $0.message.contains(name)
      }
      #expect(
        explained,
        "\(key) differs without a diagnostic:\n  AsciiDoc: \(String(describing: docRows[key]))\n  man:      \(String(describing: manRows[key]))"
      )
    }
    #expect(fromDocs.rows.count == fromMan.rows.count)
  }

  /// Every option 4.3.5's pages document has a typed key: a row with a
  /// derived kind, and no "no value kind" error.
  @Test(
    "4.3.5: every documented option has a typed key",
    .enabled(
      if: LibzmqBuilds.docs("4.3.5") != nil && LibzmqBuilds.header("4.3.5") != nil,
      "skipped: needs `make libzmq VERSION=4.3.5` (.build-libzmq/4.3.5-*/share/doc/zmq-src and include/zmq.h)"))
  func everyDocumented435OptionIsTyped() throws {
    let docs = try #require(LibzmqBuilds.docs("4.3.5"))
    let header = try HeaderParser(headerPath: try #require(LibzmqBuilds.header("4.3.5"))).parse()
    let pages = try SpecSync.documentationPages(in: docs)
    let (table, diagnostics) = SpecSync.build(pages: pages, header: header, overrides: try LibzmqBuilds.overrides())
    let untyped = diagnostics.filter { $0.severity == .error }
    #expect(untyped.isEmpty, "\(untyped.map(\.description).joined(separator: "\n"))")
    let documented = Set(pages[0].options.map(\.name) + pages[1].options.map(\.name))
    let defined = Set(HeaderMacroFact.facts(from: header).map(\.name))
    for name in documented.sorted() where defined.contains(name) {
      #expect(table.row(name, scope: .socket) != nil, "\(name) is documented and defined but has no row")
    }
    let named =
      ["ZMQ_BUSY_POLL", "ZMQ_HICCUP_MSG", "ZMQ_TOPICS_COUNT", "ZMQ_XSUB_VERBOSE_UNSUBSCRIBE"]
      + ["ZMQ_NORM_MODE", "ZMQ_NORM_UNICAST_NACK", "ZMQ_NORM_BUFFER_SIZE", "ZMQ_NORM_SEGMENT_SIZE"]
      + ["ZMQ_NORM_BLOCK_SIZE", "ZMQ_NORM_NUM_PARITY", "ZMQ_NORM_NUM_AUTOPARITY", "ZMQ_NORM_PUSH"]
    for name in named {
      #expect(table.row(name, scope: .socket) != nil, "\(name) has no typed key")
    }
  }
}
