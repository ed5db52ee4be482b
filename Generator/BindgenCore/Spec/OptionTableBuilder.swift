import Foundation

/// Builds the option table from the four man pages, the header's macros and
/// the reviewed overrides.
///
/// Steps, each reporting what it cannot settle as a `Diagnostic`:
///
/// 1. Read the pages. Options of `zmq_setsockopt.3` are settable, of
///    `zmq_getsockopt.3` gettable (likewise the context pages).
/// 2. Merge the set and get descriptions of an option: the set page's text
///    wins, the get page fills gaps. Where both give a type, unit, default
///    or socket-type list and they disagree, report it (types agree when
///    they derive the same kind; units and defaults are compared ignoring
///    case, spaces and a final period, and "not set", "null string",
///    "NULL" and "empty" are the same default; socket-type lists agree when
///    both or neither say "all" and they name the same `ZMQ_*` types).
/// 3. Deprecated aliases without a table ("Use ZMQ_ROUTING_ID instead")
///    take their target's type, unit, default and socket types.
/// 4. Cross-check the header: documented options the header lacks are
///    reported and left out; option macros no page documents are reported.
///    An undocumented macro is taken for an option when it is an alias of a
///    documented option, or when it sits in a group of consecutive
///    `#define` lines of which at least half of the integer macros are
///    documented options (this is how zmq.h groups its options, and it
///    keeps socket types, events and flags out).
/// 5. Apply the overrides. An override without a reason is not applied; an
///    override that neither changes a row nor settles a reported
///    disagreement is reported as stale.
/// 6. Derive each row's kind (`OptionValueKind.derive`) unless an override
///    gives it. A type no rule covers is an error; the row keeps `bytes`,
///    which can carry any value, until an override says better.
public struct OptionTableBuilder {
  public var socketSetPage: ManPage
  public var socketGetPage: ManPage
  public var contextSetPage: ManPage
  public var contextGetPage: ManPage
  /// The header's `ZMQ_*` macros, or `nil` to skip the header cross-check
  /// (every row is then stable).
  public var header: [HeaderMacroFact]?
  public var overrides: [OptionOverride]
  /// How diagnostics name the overrides file.
  public var overridesFileName: String

  public init(
    socketSetPage: String, socketGetPage: String, contextSetPage: String, contextGetPage: String,
    header: [HeaderMacroFact]?, overrides: [OptionOverride], overridesFileName: String = "option-overrides.yaml"
  ) {
    self.init(
      socketSetPage: ManPageReader.read(socketSetPage), socketGetPage: ManPageReader.read(socketGetPage),
      contextSetPage: ManPageReader.read(contextSetPage), contextGetPage: ManPageReader.read(contextGetPage),
      header: header, overrides: overrides, overridesFileName: overridesFileName)
  }

  public init(
    socketSetPage: ManPage, socketGetPage: ManPage, contextSetPage: ManPage, contextGetPage: ManPage,
    header: [HeaderMacroFact]?, overrides: [OptionOverride], overridesFileName: String = "option-overrides.yaml"
  ) {
    self.socketSetPage = socketSetPage
    self.socketGetPage = socketGetPage
    self.contextSetPage = contextSetPage
    self.contextGetPage = contextGetPage
    self.header = header
    self.overrides = overrides
    self.overridesFileName = overridesFileName
  }

  public func build() -> (OptionTable, [Diagnostic]) {
    var run = BuildRun(builder: self)
    return run.build()
  }
}

// MARK: - The build

extension OptionTableBuilder {

  /// Which part of a row an open issue is about, so an override of that part
  /// can settle it.
  enum IssueField: Hashable {
    case type, unit, defaultValue, socketTypes, kind, absentFromHeader, undocumented
  }

  struct RowKey: Hashable, Comparable {
    var scope: OptionScope
    var name: String
    static func < (a: RowKey, b: RowKey) -> Bool {
      if a.scope != b.scope { return a.scope == .socket }
      return a.name < b.name
    }
  }

  struct Issue {
    var key: RowKey
    var field: IssueField
    var diagnostic: Diagnostic
  }

  /// A row while it is being built: the type may still be missing.
  struct DraftRow {
    var name: String
    var scope: OptionScope
    var summary: String
    var type: String?
    var unit: String?
    var defaultValue: String?
    var socketTypes: String?
    var settable: Bool
    var gettable: Bool
    var draft = false
    var kind: OptionValueKind? = nil
    var kindFromOverride = false
    var deprecated: Bool
    var aliasOf: String?
    /// Where diagnostics about the row point.
    var location: String
  }

  struct BuildRun {
    let builder: OptionTableBuilder
    var rows: [RowKey: DraftRow] = [:]
    var issues: [Issue] = []
    var diagnostics: [Diagnostic] = []

    init(builder: OptionTableBuilder) { self.builder = builder }

    mutating func build() -> (OptionTable, [Diagnostic]) {
      let pages = [builder.socketSetPage, builder.socketGetPage, builder.contextSetPage, builder.contextGetPage]
      for page in pages { diagnostics += page.diagnostics }
      let source = sourceDescription(pages)

      merge(scope: .socket, set: builder.socketSetPage, get: builder.socketGetPage)
      merge(scope: .context, set: builder.contextSetPage, get: builder.contextGetPage)
      resolveAliases()
      deriveKinds()
      if let header = builder.header { crossCheck(header) }
      applyOverrides()
      for issue in issues { diagnostics.append(issue.diagnostic) }

      var finished: [OptionRow] = []
      for key in rows.keys.sorted() {
        let row = rows[key]!
        if issues.contains(where: { $0.key == key && $0.field == .absentFromHeader }) { continue }
        finished.append(
          OptionRow(
            name: row.name, scope: row.scope, summary: row.summary, type: row.type ?? "", unit: row.unit,
            defaultValue: row.defaultValue, socketTypes: row.socketTypes, settable: row.settable,
            gettable: row.gettable, draft: row.draft, kind: row.kind ?? .bytes, deprecated: row.deprecated,
            aliasOf: row.aliasOf))
      }
      return (OptionTable(source: source, rows: finished), diagnostics)
    }

    /// `libzmq 4.3.4 man pages` from the pages' `.TH` source fields.
    mutating func sourceDescription(_ pages: [ManPage]) -> String {
      let versions = pages.compactMap(\.version)
      guard let first = versions.first else { return "libzmq man pages (version unknown)" }
      for page in pages where page.version != nil && page.version != first {
        diagnostics.append(
          Diagnostic(
            .warning, page.fileName,
            "page is from libzmq \(page.version!) but \(pages[0].fileName) is from \(first)"))
      }
      return "libzmq \(first) man pages"
    }

    // MARK: Merge

    mutating func merge(scope: OptionScope, set: ManPage, get: ManPage) {
      let setOptions = Dictionary(set.options.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
      let getOptions = Dictionary(get.options.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
      for name in Set(setOptions.keys).union(getOptions.keys).sorted() {
        let s = setOptions[name]
        let g = getOptions[name]
        let key = RowKey(scope: scope, name: name)
        // An option with a table takes a missing type from the page's
        // synopsis; a table-less alias waits for its target's.
        let sType = s.flatMap { $0.type ?? ($0.aliasOf == nil ? set.synopsisValueType : nil) }
        let gType = g.flatMap { $0.type ?? ($0.aliasOf == nil ? get.synopsisValueType : nil) }
        let location = "\((s != nil ? set : get).fileName): \(name)"
        var row = DraftRow(
          name: name, scope: scope, summary: s?.summary ?? g?.summary ?? "", type: sType ?? gType,
          unit: s?.unit ?? g?.unit, defaultValue: s?.defaultValue ?? g?.defaultValue,
          socketTypes: s?.socketTypes ?? g?.socketTypes, settable: s != nil, gettable: g != nil,
          deprecated: (s?.deprecated ?? false) || (g?.deprecated ?? false), aliasOf: s?.aliasOf ?? g?.aliasOf,
          location: location)
        if let s, let g {
          let there = "\(get.fileName): \(name)"
          func disagree(_ field: IssueField, _ label: String, _ a: String, _ b: String) {
            issues.append(
              Issue(
                key: key, field: field,
                diagnostic: Diagnostic(
                  .warning, there,
                  "\(label) differs: \(set.fileName) says '\(a)', \(get.fileName) says '\(b)'; using '\(a)'")))
          }
          if let a = sType, let b = gType, !Self.sameType(a, b, name: name, scope: scope) {
            disagree(.type, "type", a, b)
          }
          if let a = s.unit, let b = g.unit, Self.comparable(a) != Self.comparable(b) {
            disagree(.unit, "unit", a, b)
          }
          if let a = s.defaultValue, let b = g.defaultValue, Self.comparableDefault(a) != Self.comparableDefault(b) {
            disagree(.defaultValue, "default value", a, b)
          }
          if let a = s.socketTypes, let b = g.socketTypes, !Self.sameSocketTypes(a, b) {
            disagree(.socketTypes, "applicable socket types", a, b)
          }
          if let a = s.aliasOf, let b = g.aliasOf, a != b {
            diagnostics.append(
              Diagnostic(.warning, there, "alias target differs: \(set.fileName) says \(a), \(get.fileName) says \(b)"))
          }
          if s.summary.isEmpty, !g.summary.isEmpty { row.summary = g.summary }
        }
        rows[key] = row
      }
    }

    /// Types agree when their text matches, or when the type rules give
    /// them the same kind (`character string` and `NULL-terminated character
    /// string`). Units are left out here: they are compared on their own.
    static func sameType(_ a: String, _ b: String, name: String, scope: OptionScope) -> Bool {
      if comparable(a) == comparable(b) { return true }
      let kindA = OptionValueKind.derive(name: name, scope: scope, type: a, unit: nil)
      let kindB = OptionValueKind.derive(name: name, scope: scope, type: b, unit: nil)
      if let kindA, let kindB { return kindA == kindB }
      return false
    }

    /// Lower-cased, without whitespace or a final period.
    static func comparable(_ text: String) -> String {
      var scalars = String.UnicodeScalarView(text.lowercased().unicodeScalars.filter { !$0.properties.isWhitespace })
      while scalars.last == "." { scalars.removeLast() }
      return String(scalars)
    }

    static let noValueDefaults: Set<String> = ["notset", "nullstring", "null", "empty"]

    static func comparableDefault(_ text: String) -> String {
      let key = comparable(text)
      return noValueDefaults.contains(key) ? "(no value)" : key
    }

    static func sameSocketTypes(_ a: String, _ b: String) -> Bool {
      func summary(_ text: String) -> (all: Bool, names: Set<String>) {
        let all = text.lowercased().hasPrefix("all")
        var names: Set<String> = []
        let scalars = Array(text.unicodeScalars)
        var index = 0
        while index < scalars.count {
          if index + 4 <= scalars.count, String(String.UnicodeScalarView(scalars[index..<index + 4])) == "ZMQ_",
            index == 0 || !ManPageReader.isNameScalar(scalars[index - 1])
          {
            var end = index + 4
            while end < scalars.count, ManPageReader.isNameScalar(scalars[end]) { end += 1 }
            names.insert(String(String.UnicodeScalarView(scalars[index..<end])))
            index = end
          } else {
            index += 1
          }
        }
        return (all, names)
      }
      let x = summary(a)
      let y = summary(b)
      return x.all == y.all && x.names == y.names
    }

    // MARK: Aliases and kinds

    mutating func resolveAliases() {
      for key in rows.keys.sorted() {
        guard let target = rows[key]!.aliasOf, rows[key]!.type == nil else { continue }
        guard let resolved = rows[RowKey(scope: key.scope, name: target)], resolved.aliasOf == nil else {
          diagnostics.append(
            Diagnostic(
              .warning, rows[key]!.location,
              "documented as an alias of \(target), which no \(key.scope) option page documents"))
          continue
        }
        rows[key]!.type = resolved.type
        rows[key]!.unit = resolved.unit
        rows[key]!.defaultValue = resolved.defaultValue
        rows[key]!.socketTypes = resolved.socketTypes
      }
    }

    mutating func deriveKinds() {
      for key in rows.keys.sorted() {
        let row = rows[key]!
        rows[key]!.kind = OptionValueKind.derive(name: row.name, scope: row.scope, type: row.type, unit: row.unit)
        if rows[key]!.kind == nil { issues.append(kindIssue(key)) }
      }
    }

    func kindIssue(_ key: RowKey) -> Issue {
      let row = rows[key]!
      let message =
        row.type.map { "no value kind for type '\($0)'; bytes assumed until an override gives the kind" }
        ?? "no documented type; bytes assumed until an override gives the type or kind"
      return Issue(key: key, field: .kind, diagnostic: Diagnostic(.error, row.location, message))
    }
  }
}
