import Foundation

// `zmq-bindgen spec sync --docs DIR`: the option table from libzmq's
// documentation sources (a source tree's doc/ folder) instead of the
// installed man pages.
extension SpecSync {
  /// The four option pages of a documentation directory: `NAME.adoc` or
  /// `NAME.txt` for each of `pageNames`. A missing page throws
  /// `ManPageError` naming what was looked for.
  public static func documentationPages(in directory: String) throws -> [ManPage] {
    try pageNames.map { name in
      guard let path = AsciiDocReader.pagePath(named: name, in: directory) else {
        let base = (directory as NSString).appendingPathComponent(name)
        throw ManPageError(
          path: base + ".adoc",
          reason: "no such file (nor \(base).txt); --docs takes the doc/ folder of a libzmq source tree")
      }
      return try AsciiDocReader.load(path: path)
    }
  }

  /// Builds the option table from a documentation directory, the header
  /// and the overrides. The AsciiDoc pages carry no version, so the
  /// table's source names the header's.
  public static func build(docsDirectory: String, header: HeaderModel, overrides: [OptionOverride]) throws -> (
    OptionTable, [Diagnostic]
  ) {
    let pages = try documentationPages(in: docsDirectory)
    return build(pages: pages, header: header, overrides: overrides)
  }

  /// The table from already read pages (set, get, context set, context get).
  public static func build(pages: [ManPage], header: HeaderModel, overrides: [OptionOverride]) -> (
    OptionTable, [Diagnostic]
  ) {
    precondition(pages.count == 4, "four pages: zmq_setsockopt, zmq_getsockopt, zmq_ctx_set, zmq_ctx_get")
    let builder = OptionTableBuilder(
      socketSetPage: pages[0], socketGetPage: pages[1], contextSetPage: pages[2], contextGetPage: pages[3],
      header: HeaderMacroFact.facts(from: header), overrides: overrides)
    var (table, diagnostics) = builder.build()
    if pages.allSatisfy({ $0.version == nil }) {
      let version = header.version.map { "libzmq \($0)" } ?? "libzmq (version unknown)"
      table.source = "\(version) documentation sources"
    }
    return (table, diagnostics)
  }
}
