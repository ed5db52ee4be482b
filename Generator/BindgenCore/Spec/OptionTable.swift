import Foundation

/// Which libzmq call an option belongs to: `zmq_setsockopt`/`zmq_getsockopt`
/// or `zmq_ctx_set`/`zmq_ctx_get`.
public enum OptionScope: String, Codable, Sendable, CaseIterable {
  case socket, context
}

/// How an option's value is stored and which Swift type carries it
/// (DESIGN §4): `int32` → `Int32`, `bool` → `Bool` (an `int` 0/1 in C),
/// `int64` → `Int64`, `uint64` → `UInt64`, `string` → `String`, `bytes` →
/// `[UInt8]`, `z85` → `[UInt8]` whose setter also takes a Z85 `String`
/// ("binary data or Z85 text string").
public enum OptionValueKind: String, Codable, Sendable, CaseIterable {
  case int32, bool, int64, uint64, string, bytes, z85

  /// The kind DESIGN §4's rules give a documented type, or `nil` when no
  /// rule applies:
  ///
  /// - `ZMQ_FD` (socket) → `int32` whatever its type says (it is "int on
  ///   POSIX systems, SOCKET on Windows");
  /// - `int` → `int32`, or `bool` when the unit is `boolean`, `0, 1` or
  ///   `0,1` — except at context scope, where `zmq_ctx_get` returns an
  ///   `int` and every `int` option is `int32`;
  /// - `int64_t` → `int64`, `uint64_t` → `uint64`;
  /// - `binary data or Z85 text string` → `z85`, `binary data` → `bytes`;
  /// - `character string`, with any qualifier (`NULL-terminated character
  ///   string`) → `string`.
  ///
  /// Types are compared case-insensitively with whitespace collapsed.
  public static func derive(name: String, scope: OptionScope, type: String?, unit: String?) -> OptionValueKind? {
    if scope == .socket && name == "ZMQ_FD" { return .int32 }
    guard let type else { return nil }
    let normalized = Roff.normalizeWhitespace(type).lowercased()
    switch normalized {
    case "int":
      if scope == .context { return .int32 }
      return isBooleanUnit(unit) ? .bool : .int32
    case "int64_t": return .int64
    case "uint64_t": return .uint64
    case "binary data or z85 text string": return .z85
    case "binary data": return .bytes
    default:
      if normalized == "character string" || normalized.hasSuffix(" character string") { return .string }
      return nil
    }
  }

  /// Whether a unit marks an `int` option as a boolean: `boolean`, `0, 1`
  /// or `0,1` (spaces ignored, case-insensitive).
  public static func isBooleanUnit(_ unit: String?) -> Bool {
    guard let unit else { return false }
    let squeezed = unit.lowercased().unicodeScalars.filter { !$0.properties.isWhitespace }
    let text = String(String.UnicodeScalarView(squeezed))
    return text == "boolean" || text == "0,1"
  }
}

/// One option of the table: what the man pages say, after the reviewed
/// overrides, with the value kind derived from it.
public struct OptionRow: Codable, Equatable, Sendable {
  /// The C name, `ZMQ_LINGER`.
  public var name: String
  public var scope: OptionScope
  /// The heading's text after the colon, from the set page when both pages
  /// document the option.
  public var summary: String
  /// The type as documented: `int`, `int64_t`, `uint64_t`, `character
  /// string`, `binary data`, `binary data or Z85 text string`,
  /// `NULL-terminated character string`, … For context options, whose pages
  /// have no type row, the type of the value in the page's SYNOPSIS (`int`).
  public var type: String
  public var unit: String?
  public var defaultValue: String?
  /// As documented: `all`, `N/A`, `ZMQ_SUB, ZMQ_XSUB`, …
  public var socketTypes: String?
  /// Documented in `zmq_setsockopt.3` / `zmq_ctx_set.3`.
  public var settable: Bool
  /// Documented in `zmq_getsockopt.3` / `zmq_ctx_get.3`.
  public var gettable: Bool
  /// The header defines the macro only with `ZMQ_BUILD_DRAFT_API`.
  public var draft: Bool
  public var kind: OptionValueKind
  /// The page says the option (or its name) is deprecated.
  public var deprecated: Bool
  /// For a deprecated alias (`ZMQ_IDENTITY`), the option it names
  /// (`ZMQ_ROUTING_ID`); its type, unit, default and socket types are the
  /// target's.
  public var aliasOf: String?

  public init(
    name: String, scope: OptionScope, summary: String, type: String, unit: String? = nil,
    defaultValue: String? = nil, socketTypes: String? = nil, settable: Bool, gettable: Bool, draft: Bool = false,
    kind: OptionValueKind, deprecated: Bool = false, aliasOf: String? = nil
  ) {
    self.name = name
    self.scope = scope
    self.summary = summary
    self.type = type
    self.unit = unit
    self.defaultValue = defaultValue
    self.socketTypes = socketTypes
    self.settable = settable
    self.gettable = gettable
    self.draft = draft
    self.kind = kind
    self.deprecated = deprecated
    self.aliasOf = aliasOf
  }
}

/// A reviewed correction to what the man pages say, from
/// `spec/option-overrides.yaml`. Every field but `name`, `scope` and
/// `reason` is optional; the ones given replace the documented values.
public struct OptionOverride: Codable, Equatable, Sendable {
  public var name: String
  public var scope: OptionScope
  public var summary: String?
  public var type: String?
  public var unit: String?
  public var defaultValue: String?
  public var socketTypes: String?
  public var settable: Bool?
  public var gettable: Bool?
  public var kind: OptionValueKind?
  public var deprecated: Bool?
  public var aliasOf: String?
  /// The header defines the option but no page documents it: add a row.
  public var add: Bool
  /// A page documents the option but it should not be in the table (for
  /// example because the header lacks it): drop the row.
  public var remove: Bool
  /// Why the documentation is overridden. Required and non-empty.
  public var reason: String

  public init(
    name: String, scope: OptionScope, summary: String? = nil, type: String? = nil, unit: String? = nil,
    defaultValue: String? = nil, socketTypes: String? = nil, settable: Bool? = nil, gettable: Bool? = nil,
    kind: OptionValueKind? = nil, deprecated: Bool? = nil, aliasOf: String? = nil, add: Bool = false,
    remove: Bool = false, reason: String
  ) {
    self.name = name
    self.scope = scope
    self.summary = summary
    self.type = type
    self.unit = unit
    self.defaultValue = defaultValue
    self.socketTypes = socketTypes
    self.settable = settable
    self.gettable = gettable
    self.kind = kind
    self.deprecated = deprecated
    self.aliasOf = aliasOf
    self.add = add
    self.remove = remove
    self.reason = reason
  }

  enum CodingKeys: String, CodingKey, CaseIterable {
    case name, scope, summary, type, unit, defaultValue, socketTypes, settable, gettable, kind, deprecated, aliasOf
    case add, remove, reason
  }

  public init(from decoder: any Decoder) throws {
    let c = try decoder.container(keyedBy: CodingKeys.self)
    self.init(
      name: try c.decode(String.self, forKey: .name), scope: try c.decode(OptionScope.self, forKey: .scope),
      summary: try c.decodeIfPresent(String.self, forKey: .summary),
      type: try c.decodeIfPresent(String.self, forKey: .type), unit: try c.decodeIfPresent(String.self, forKey: .unit),
      defaultValue: try c.decodeIfPresent(String.self, forKey: .defaultValue),
      socketTypes: try c.decodeIfPresent(String.self, forKey: .socketTypes),
      settable: try c.decodeIfPresent(Bool.self, forKey: .settable),
      gettable: try c.decodeIfPresent(Bool.self, forKey: .gettable),
      kind: try c.decodeIfPresent(OptionValueKind.self, forKey: .kind),
      deprecated: try c.decodeIfPresent(Bool.self, forKey: .deprecated),
      aliasOf: try c.decodeIfPresent(String.self, forKey: .aliasOf),
      add: try c.decodeIfPresent(Bool.self, forKey: .add) ?? false,
      remove: try c.decodeIfPresent(Bool.self, forKey: .remove) ?? false,
      reason: try c.decode(String.self, forKey: .reason))
  }
}

/// The option table: every socket and context option, sorted by scope
/// (socket, then context) and then by C name.
public struct OptionTable: Codable, Equatable, Sendable {
  /// Where the rows come from, from the pages' `.TH` line: `libzmq 4.3.4
  /// man pages`.
  public var source: String
  public var rows: [OptionRow]

  public init(source: String, rows: [OptionRow]) {
    self.source = source
    self.rows = rows
  }

  public func row(_ name: String, scope: OptionScope) -> OptionRow? {
    rows.first { $0.name == name && $0.scope == scope }
  }

  /// Rows in canonical order: socket before context, then by C name.
  public static func sorted(_ rows: [OptionRow]) -> [OptionRow] {
    rows.sorted { a, b in
      if a.scope != b.scope { return a.scope == .socket }
      return a.name < b.name
    }
  }
}

/// What the option builder needs to know about one `ZMQ_*` macro of the
/// header — plain data, so the builder does not depend on libclang.
public struct HeaderMacroFact: Equatable, Sendable {
  public var name: String
  /// The evaluated integer value, or `nil` for macros that are not integers.
  public var value: Int64?
  /// Defined only with `ZMQ_BUILD_DRAFT_API`.
  public var draft: Bool
  /// The line of the `#define` (0 when unknown). Consecutive lines form the
  /// groups used to recognise undocumented option macros.
  public var line: Int
  /// When the body is just another macro's name (`#define ZMQ_IDENTITY
  /// ZMQ_ROUTING_ID`), that name.
  public var aliasOf: String?

  public init(name: String, value: Int64?, draft: Bool = false, line: Int = 0, aliasOf: String? = nil) {
    self.name = name
    self.value = value
    self.draft = draft
    self.line = line
    self.aliasOf = aliasOf
  }

  /// The `ZMQ_*` object-like macros of a header model, in header order, one
  /// per name (the definition in effect at the end of the header).
  public static func facts(from model: HeaderModel) -> [HeaderMacroFact] {
    var lastIndex: [String: Int] = [:]
    for (index, macro) in model.macros.enumerated() { lastIndex[macro.name] = index }
    let names = Set(model.macros.map(\.name))
    var facts: [HeaderMacroFact] = []
    for (index, macro) in model.macros.enumerated() where lastIndex[macro.name] == index {
      guard macro.name.hasPrefix("ZMQ_") else { continue }
      if case .functionLike = macro.value { continue }
      let body = macro.body.trimmingCharacters(in: .whitespaces)
      let alias = body.hasPrefix("ZMQ_") && body != macro.name && names.contains(body)
        && body.unicodeScalars.allSatisfy(ManPageReader.isNameScalar) ? body : nil
      facts.append(
        HeaderMacroFact(
          name: macro.name, value: macro.integerValue, draft: macro.availability == .draft, line: macro.line,
          aliasOf: alias))
    }
    return facts
  }
}

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

/// Which part of a row an open issue is about, so an override of that part
/// can settle it.
private enum IssueField: Hashable {
  case type, unit, defaultValue, socketTypes, kind, absentFromHeader, undocumented
}

private struct RowKey: Hashable, Comparable {
  var scope: OptionScope
  var name: String
  static func < (a: RowKey, b: RowKey) -> Bool {
    if a.scope != b.scope { return a.scope == .socket }
    return a.name < b.name
  }
}

private struct Issue {
  var key: RowKey
  var field: IssueField
  var diagnostic: Diagnostic
}

/// A row while it is being built: the type may still be missing.
private struct DraftRow {
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

private struct BuildRun {
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

  // MARK: Header

  mutating func crossCheck(_ facts: [HeaderMacroFact]) {
    let byName = Dictionary(facts.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    for key in rows.keys.sorted() {
      guard let fact = byName[key.name] else {
        issues.append(
          Issue(
            key: key, field: .absentFromHeader,
            diagnostic: Diagnostic(
              .warning, rows[key]!.location, "documented, but the header does not define it; left out of the table")))
        continue
      }
      rows[key]!.draft = fact.draft
      if let pageTarget = rows[key]!.aliasOf, let headerTarget = fact.aliasOf, pageTarget != headerTarget {
        diagnostics.append(
          Diagnostic(
            .warning, rows[key]!.location,
            "the page calls it an alias of \(pageTarget), the header defines it as \(headerTarget)"))
      }
    }
    for candidate in Self.undocumentedOptionMacros(facts, documented: Set(rows.keys)) {
      let fact = byName[candidate.name]!
      let what = fact.aliasOf.map { "an alias of the \(candidate.scope) option \($0)" }
        ?? "among the header's \(candidate.scope) options"
      issues.append(
        Issue(
          key: candidate, field: .undocumented,
          diagnostic: Diagnostic(
            .warning, "zmq.h:\(fact.line): \(candidate.name)",
            "\(what)\(fact.draft ? " (draft)" : ""), but no page documents it; not in the table")))
    }
  }

  /// Option macros that no page documents (see `OptionTableBuilder`).
  static func undocumentedOptionMacros(_ facts: [HeaderMacroFact], documented: Set<RowKey>) -> [RowKey] {
    var scopeOf: [String: OptionScope] = [:]
    for key in documented.sorted() where scopeOf[key.name] == nil { scopeOf[key.name] = key.scope }
    var found: [String: OptionScope] = [:]

    // Groups of consecutive #define lines.
    var groups: [[HeaderMacroFact]] = []
    for fact in facts {
      if let last = groups.last?.last, fact.line > 0, fact.line == last.line + 1 {
        groups[groups.count - 1].append(fact)
      } else {
        groups.append([fact])
      }
    }
    for group in groups {
      let integers = group.filter { $0.aliasOf == nil && $0.value != nil }
      let documentedMembers = integers.compactMap { scopeOf[$0.name] }
      guard !documentedMembers.isEmpty, documentedMembers.count * 2 >= integers.count else { continue }
      let sockets = documentedMembers.filter { $0 == .socket }.count
      let scope: OptionScope = sockets * 2 >= documentedMembers.count ? .socket : .context
      for fact in integers where scopeOf[fact.name] == nil { found[fact.name] = scope }
    }

    // Aliases of options, wherever they are.
    let byName = Dictionary(facts.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    for fact in facts where fact.aliasOf != nil && scopeOf[fact.name] == nil {
      var target = fact.aliasOf!
      var hops = 0
      while scopeOf[target] == nil, found[target] == nil, let next = byName[target]?.aliasOf, hops < 16 {
        target = next
        hops += 1
      }
      if let scope = scopeOf[target] ?? found[target] { found[fact.name] = scope }
    }
    return found.map { RowKey(scope: $0.value, name: $0.key) }.sorted()
  }

  // MARK: Overrides

  mutating func applyOverrides() {
    var seen: Set<RowKey> = []
    let sortedOverrides = builder.overrides.enumerated().sorted { a, b in
      let ka = RowKey(scope: a.element.scope, name: a.element.name)
      let kb = RowKey(scope: b.element.scope, name: b.element.name)
      return ka == kb ? a.offset < b.offset : ka < kb
    }.map(\.element)
    // Corrections and removals first, so an added alias copies its
    // target's corrected fields.
    let ordered = sortedOverrides.filter { !($0.add && !$0.remove) } + sortedOverrides.filter { $0.add && !$0.remove }
    for override in ordered {
      let key = RowKey(scope: override.scope, name: override.name)
      let location = "\(builder.overridesFileName): \(override.name)"
      guard seen.insert(key).inserted else {
        diagnostics.append(Diagnostic(.error, location, "more than one override for the \(key.scope) option; only the first is applied"))
        continue
      }
      guard !override.reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
        diagnostics.append(Diagnostic(.error, location, "override has no reason; not applied"))
        continue
      }
      if override.add && override.remove {
        diagnostics.append(Diagnostic(.error, location, "override both adds and removes the option; not applied"))
        continue
      }
      if override.remove {
        guard rows[key] != nil else {
          diagnostics.append(Diagnostic(.warning, location, "stale override: removes a \(key.scope) option no page documents"))
          continue
        }
        rows[key] = nil
        issues.removeAll { $0.key == key }
        continue
      }
      if rows[key] == nil {
        guard override.add else {
          diagnostics.append(
            Diagnostic(
              .warning, location,
              "stale override: no page documents this \(key.scope) option (use add: true for options only the header has); not applied"))
          continue
        }
        add(override, key: key, location: location)
        continue
      }
      if override.add {
        diagnostics.append(
          Diagnostic(.warning, location, "stale override: add: true, but the pages now document the option; its fields are applied as corrections"))
      }
      modify(key, with: override, location: location)
    }
  }

  mutating func add(_ override: OptionOverride, key: RowKey, location: String) {
    var fact: HeaderMacroFact? = nil
    if let header = builder.header {
      fact = header.last { $0.name == override.name }
      guard fact != nil else {
        diagnostics.append(Diagnostic(.error, location, "add: true for a macro the header does not define; not added"))
        return
      }
    }
    let target = override.aliasOf.flatMap { rows[RowKey(scope: key.scope, name: $0)] }
    if let aliasOf = override.aliasOf, target == nil {
      diagnostics.append(Diagnostic(.error, location, "alias of \(aliasOf), which is not a \(key.scope) option of the table; not added"))
      return
    }
    let type = override.type ?? target?.type
    let unit = override.unit ?? target?.unit
    var kind = override.kind ?? target?.kind
    if override.type != nil || override.unit != nil || kind == nil {
      kind = override.kind ?? OptionValueKind.derive(name: override.name, scope: key.scope, type: type, unit: unit)
    }
    guard let type, let kind else {
      diagnostics.append(Diagnostic(.error, location, "added option needs a type whose kind can be derived, or a kind; not added"))
      return
    }
    let settable = override.settable ?? target?.settable ?? false
    let gettable = override.gettable ?? target?.gettable ?? false
    guard settable || gettable else {
      diagnostics.append(Diagnostic(.error, location, "added option is neither settable nor gettable; not added"))
      return
    }
    rows[key] = DraftRow(
      name: override.name, scope: key.scope, summary: override.summary ?? target?.summary ?? "", type: type, unit: unit,
      defaultValue: override.defaultValue ?? target?.defaultValue, socketTypes: override.socketTypes ?? target?.socketTypes,
      settable: settable, gettable: gettable, draft: fact?.draft ?? false, kind: kind,
      kindFromOverride: override.kind != nil, deprecated: override.deprecated ?? (override.aliasOf != nil),
      aliasOf: override.aliasOf, location: location)
    issues.removeAll { $0.key == key && $0.field == .undocumented }
  }

  mutating func modify(_ key: RowKey, with override: OptionOverride, location: String) {
    var row = rows[key]!
    var changed = false
    var settled: Set<IssueField> = []
    func replace<T: Equatable>(_ keyPath: WritableKeyPath<DraftRow, T>, _ value: T?, settles fields: [IssueField]) {
      guard let value else { return }
      if row[keyPath: keyPath] != value {
        row[keyPath: keyPath] = value
        changed = true
      }
      for field in fields where issues.contains(where: { $0.key == key && $0.field == field }) { settled.insert(field) }
    }
    replace(\.summary, override.summary, settles: [])
    replace(\.type, override.type.map { Optional($0) }, settles: [.type])
    replace(\.unit, override.unit.map { Optional($0) }, settles: [.unit])
    replace(\.defaultValue, override.defaultValue.map { Optional($0) }, settles: [.defaultValue])
    replace(\.socketTypes, override.socketTypes.map { Optional($0) }, settles: [.socketTypes])
    replace(\.settable, override.settable, settles: [])
    replace(\.gettable, override.gettable, settles: [])
    replace(\.deprecated, override.deprecated, settles: [])
    replace(\.aliasOf, override.aliasOf.map { Optional($0) }, settles: [])

    // The kind follows the (possibly corrected) type and unit unless the
    // override states it.
    let derived = OptionValueKind.derive(name: row.name, scope: row.scope, type: row.type, unit: row.unit)
    if let kind = override.kind {
      if derived != kind { changed = true }
      row.kind = kind
      row.kindFromOverride = true
      for field: IssueField in [.kind, .type] where issues.contains(where: { $0.key == key && $0.field == field }) {
        settled.insert(field)
      }
    } else {
      if derived != row.kind { changed = true }
      row.kind = derived
      if derived != nil, issues.contains(where: { $0.key == key && $0.field == .kind }) { settled.insert(.kind) }
    }
    rows[key] = row
    issues.removeAll { $0.key == key && settled.contains($0.field) }
    if row.kind == nil, !issues.contains(where: { $0.key == key && $0.field == .kind }) {
      issues.append(kindIssue(key))
    }
    if !changed && settled.isEmpty {
      diagnostics.append(
        Diagnostic(.warning, location, "stale override: it changes nothing the pages say and settles no disagreement; remove it"))
    }
  }
}
