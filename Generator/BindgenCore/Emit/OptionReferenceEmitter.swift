/// Emits the socket- and context-option reference of the documentation
/// catalog from the option table: one row per option.
struct OptionReferenceEmitter {
  let context: GenerationContext
  let table: OptionTable

  static func cell(_ text: String?) -> String {
    guard let text, !text.isEmpty else { return "—" }
    return text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
  }

  func rows(_ scope: OptionScope) -> [String] {
    table.rows.filter { $0.scope == scope }.compactMap { row in
      guard let macro = context.model.macro(named: row.name), macro.integerValue != nil,
        context.draft || macro.availability == .stable, let access = OptionAccessMarker(row)
      else { return nil }
      let key = SwiftNaming.memberName(row.name).replacingOccurrences(of: "`", with: "")
      let accessText =
        switch access {
        case .readWrite: "read, write";
        case .readOnly: "read";
        case .writeOnly: "write"
        }
      var name = "`.\(key)`"
      if row.deprecated { name += " (deprecated\(row.aliasOf.map { "; use `\($0)`" } ?? ""))" }
      let cells = [
        name, "`\(row.name)`", "`\(row.kind.swiftType)`", Self.cell(row.unit),
        Self.cell(row.defaultValue), Self.cell(row.socketTypes), accessText,
      ]
      return "| " + cells.joined(separator: " | ") + " |"
    }
  }

  func emit() -> GeneratedFile {
    let banner = context.provenance(inputs: ["\(OptionTableFile.path) (\(table.source))"]).banner
      .split(separator: "\n").map { "<!-- \($0.dropFirst(3)) -->" }.joined(separator: "\n")
    var lines = [
      "# Socket and Context Options",
      "",
      "Every option of libzmq's man pages, with its Swift key, value type, unit, default and access.",
      "",
      banner,
      "",
      "## Overview",
      "",
      "Options are typed keys: `try socket.set(.linger, 0)`, `let endpoint: String = try socket.get(.lastEndpoint)`.",
      "Reading a write-only option or writing a read-only one does not compile. The table is generated",
      "from \(table.source) and `spec/option-overrides.yaml`, which corrects the pages where libzmq",
      "behaves otherwise; the defaults are the documented ones.",
      "",
      "## Socket options",
      "",
      "| Key | C name | Value | Unit | Default | Socket types | Access |",
      "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    lines += rows(.socket)
    lines += [
      "",
      "## Context options",
      "",
      "| Key | C name | Value | Unit | Default | Socket types | Access |",
      "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    lines += rows(.context)
    return GeneratedFile(
      path: context.docDirectory + "/Generated/OptionReference.md", contents: lines.joined(separator: "\n") + "\n")
  }
}
