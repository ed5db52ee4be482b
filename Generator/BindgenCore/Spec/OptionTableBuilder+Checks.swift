import Foundation

// The header cross-check and the reviewed overrides.

extension OptionTableBuilder.BuildRun {
  typealias RowKey = OptionTableBuilder.RowKey
  typealias Issue = OptionTableBuilder.Issue
  typealias IssueField = OptionTableBuilder.IssueField
  typealias DraftRow = OptionTableBuilder.DraftRow

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
      let what =
        fact.aliasOf.map { "an alias of the \(candidate.scope) option \($0)" }
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
        diagnostics.append(
          Diagnostic(.error, location, "more than one override for the \(key.scope) option; only the first is applied"))
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
          diagnostics.append(
            Diagnostic(.warning, location, "stale override: removes a \(key.scope) option no page documents"))
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
              "stale override: no page documents this \(key.scope) option (use add: true for options only the header has); not applied"
            ))
          continue
        }
        add(override, key: key, location: location)
        continue
      }
      if override.add {
        diagnostics.append(
          Diagnostic(
            .warning, location,
            "stale override: add: true, but the pages now document the option; its fields are applied as corrections"))
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
      diagnostics.append(
        Diagnostic(.error, location, "alias of \(aliasOf), which is not a \(key.scope) option of the table; not added"))
      return
    }
    let type = override.type ?? target?.type
    let unit = override.unit ?? target?.unit
    var kind = override.kind ?? target?.kind
    if override.type != nil || override.unit != nil || kind == nil {
      kind = override.kind ?? OptionValueKind.derive(name: override.name, scope: key.scope, type: type, unit: unit)
    }
    guard let type, let kind else {
      diagnostics.append(
        Diagnostic(.error, location, "added option needs a type whose kind can be derived, or a kind; not added"))
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
      defaultValue: override.defaultValue ?? target?.defaultValue,
      socketTypes: override.socketTypes ?? target?.socketTypes,
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
        Diagnostic(
          .warning, location, "stale override: it changes nothing the pages say and settles no disagreement; remove it")
      )
    }
  }
}
