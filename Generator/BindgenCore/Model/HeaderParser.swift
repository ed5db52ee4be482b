internal import CClang
import Foundation

/// Reads a `zmq.h` through libclang into a `HeaderModel`.
///
/// The header is parsed twice with pinned arguments — once as is and once
/// with `-DZMQ_BUILD_DRAFT_API` — and every item found only in the second
/// parse is marked draft. Only what the header itself declares is kept;
/// integer macros of the headers it includes (errno.h) are kept aside for
/// the POSIX error codes.
public struct HeaderParser {
  public var headerPath: String
  /// Extra `-I` directories (from `pkg-config --cflags libzmq`).
  public var includeDirectories: [String]

  public init(headerPath: String, includeDirectories: [String] = []) {
    self.headerPath = headerPath
    self.includeDirectories = includeDirectories
  }

  /// The pinned compiler arguments, so output never depends on the environment.
  func arguments(draft: Bool) -> [String] {
    var arguments = ["-x", "c", "-std=c11", "-w"]
    if let resourceDirectory = Self.resourceDirectory { arguments += ["-resource-dir", resourceDirectory] }
    arguments += includeDirectories.map { "-I\($0)" }
    // zmq.h uses a POSIX type it includes no header for: the draft
    // zmq_ppoll takes a `const sigset_t *`. A program that calls it includes
    // <signal.h> first, compiled in the C library's default (not strict ISO)
    // mode, where <signal.h> declares sigset_t; so does the parse, or
    // libclang reports an unknown type and drops the declaration.
    arguments += ["-D_DEFAULT_SOURCE", "-include", "signal.h"]
    if draft { arguments.append("-DZMQ_BUILD_DRAFT_API") }
    return arguments
  }

  /// libclang looks for its built-in headers (stddef.h) next to the
  /// library it was loaded from, which fails when that is a symlink in
  /// /usr/lib/<triple>; point it at llvm-14's resource directory.
  static let resourceDirectory: String? = {
    let base = "/usr/lib/llvm-14/lib/clang"
    let versions = (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []
    return versions.sorted().last.map { "\(base)/\($0)" }
  }()

  public func parse() throws -> HeaderModel {
    guard FileManager.default.fileExists(atPath: headerPath) else {
      throw ClangError(description: "header not found: \(headerPath)")
    }
    let stable = try RawHeader(TranslationUnit(parsing: headerPath, arguments: arguments(draft: false)))
    let draft = try RawHeader(TranslationUnit(parsing: headerPath, arguments: arguments(draft: true)))
    let model = merge(stable: stable, draft: draft)
    // A header libclang could not parse gives an incomplete model (a
    // declaration with an unknown type is dropped): stop here rather than
    // generate from it.
    let failures = model.diagnostics.filter { $0.severity == .error && $0.message.hasPrefix("libclang") }
    guard failures.isEmpty else {
      throw ClangError(
        description: "libclang could not parse \(headerPath):\n"
          + failures.map { "  \($0.message)" }.joined(separator: "\n"))
    }
    return model
  }

  /// Marks what only the draft parse has as draft; keeps the draft parse's
  /// order (it is a superset of the stable one).
  func merge(stable: RawHeader, draft: RawHeader) -> HeaderModel {
    let fileName = (headerPath as NSString).lastPathComponent
    let stableMacros = Set(stable.macros.map { "\($0.name)@\($0.line)" })
    let stableFunctions = Set(stable.functions.map(\.name))
    let stableStructs = Set(stable.structs.map(\.name))
    let stableTypedefs = Set(stable.typedefs.map(\.name))

    var diagnostics = stable.clangErrors.map { Diagnostic(.error, fileName, "libclang: \($0)") }
    diagnostics += draft.clangErrors.filter { !stable.clangErrors.contains($0) }
      .map { Diagnostic(.error, fileName, "libclang (draft parse): \($0)") }

    // Evaluate every macro against the final definitions of the draft parse
    // (a superset; stable macros never refer to draft ones, and if one did
    // the stable parse's own evaluation below would report it).
    let stableEvaluator = MacroEvaluator(definitions: stable.definitions)
    let draftEvaluator = MacroEvaluator(definitions: draft.definitions)
    var macros: [MacroDefinition] = []
    var seen: [String: Int] = [:]
    for raw in draft.macros {
      let isStable = stableMacros.contains("\(raw.name)@\(raw.line)")
      let value = evaluate(raw, with: isStable ? stableEvaluator : draftEvaluator)
      var definition = MacroDefinition(
        name: raw.name, line: raw.line, body: raw.body.map(\.spelling).joined(separator: " "),
        value: value, availability: isStable ? .stable : .draft)
      if let undefined = draft.undefinitions[raw.name]?.first(where: { $0 > raw.line }),
        !draft.macros.contains(where: { $0.name == raw.name && $0.line > raw.line && $0.line < undefined })
      {
        definition.undefinedAt = undefined
      }
      if let previous = seen[raw.name] {
        diagnostics.append(
          Diagnostic(
            .warning, "\(fileName):\(raw.line)",
            "\(raw.name) redefined (first defined at line \(previous)); the last definition is used"))
      }
      seen[raw.name] = raw.line
      if case .unevaluated(let reason) = value, definition.undefinedAt == nil,
        raw.name.hasPrefix("ZMQ_") || raw.name.hasPrefix("E")
      {
        diagnostics.append(Diagnostic(.warning, "\(fileName):\(raw.line)", "\(raw.name) not evaluated: \(reason)"))
      }
      macros.append(definition)
    }

    func availability(_ name: String, in set: Set<String>) -> Availability { set.contains(name) ? .stable : .draft }

    var version: HeaderVersion?
    let final = Dictionary(macros.map { ($0.name, $0) }, uniquingKeysWith: { _, last in last })
    if let major = final["ZMQ_VERSION_MAJOR"]?.integerValue, let minor = final["ZMQ_VERSION_MINOR"]?.integerValue,
      let patch = final["ZMQ_VERSION_PATCH"]?.integerValue
    {
      version = HeaderVersion(major: major, minor: minor, patch: patch)
    }

    return HeaderModel(
      header: fileName,
      version: version,
      macros: macros,
      functions: draft.functions.map {
        var f = $0; f.availability = availability(f.name, in: stableFunctions); return f
      },
      structs: draft.structs.map {
        var s = $0; s.availability = availability(s.name, in: stableStructs); return s
      },
      typedefs: draft.typedefs.map {
        var t = $0; t.availability = availability(t.name, in: stableTypedefs); return t
      },
      diagnostics: diagnostics,
      systemIntegers: stable.systemIntegers)
  }

  func evaluate(_ raw: RawHeader.Macro, with evaluator: MacroEvaluator) -> MacroValue {
    if let parameters = raw.parameters { return .functionLike(parameters: parameters) }
    do {
      switch try evaluator.evaluate(raw.body) {
      case .integer(let value): return .integer(value)
      case .string(let value): return .string(value)
      case .empty: return .empty
      }
    } catch {
      return .unevaluated(reason: error.reason)
    }
  }
}

/// What one parse of the header yields, before stable and draft are compared.
struct RawHeader {
  struct Macro {
    var name: String
    var line: Int
    /// nil for object-like macros.
    var parameters: [String]?
    var body: [Token]
  }

  var macros: [Macro] = []
  var functions: [FunctionDeclaration] = []
  var structs: [StructDeclaration] = []
  var typedefs: [TypedefDeclaration] = []
  /// Final definitions of every macro (the header's and its includes'), for evaluation.
  var definitions: [String: MacroEvaluator.Definition] = [:]
  var systemIntegers: [String: Int64] = [:]
  var clangErrors: [String] = []
  /// Lines of active `#undef NAME` directives of the main file, by name.
  var undefinitions: [String: [Int]] = [:]

  /// `EAGAIN`, `EPROTONOSUPPORT`: the shape of errno.h's names.
  static func looksLikeErrnoName(_ name: String) -> Bool {
    name.count > 1 && name.hasPrefix("E") && name.allSatisfy { $0.isASCII && ($0.isUppercase || $0.isNumber) }
  }

  init(_ unit: TranslationUnit) {
    clangErrors = unit.diagnostics.filter { $0.severity == .error || $0.severity == .fatal }
      .map { "\(($0.location.file as NSString).lastPathComponent):\($0.location.line): \($0.message)" }
    var systemMacros: [String] = []
    var seenStructs: Set<String> = []
    for cursor in unit.cursor.children {
      switch cursor.kind {
      case CXCursor_MacroDefinition:
        let tokens = cursor.tokens
        guard let nameToken = tokens.first else { continue }
        let name = nameToken.spelling
        var body = Array(tokens.dropFirst())
        var parameters: [String]?
        if cursor.isMacroFunctionLike, let close = body.firstIndex(where: { $0.spelling == ")" }) {
          parameters = body[1..<close].filter { $0.spelling != "," }.map(\.spelling)
          body = Array(body[(close + 1)...])
        }
        definitions[name] = MacroEvaluator.Definition(parameters: parameters, body: body)
        if cursor.isFromMainFile {
          macros.append(Macro(name: name, line: cursor.location.line, parameters: parameters, body: body))
        } else if parameters == nil, Self.looksLikeErrnoName(name) {
          systemMacros.append(name)
        }
      case CXCursor_FunctionDecl where cursor.isFromMainFile:
        functions.append(
          FunctionDeclaration(
            name: cursor.spelling, line: cursor.location.line,
            returnType: cursor.resultType.spelling,
            parameters: cursor.arguments.map { Parameter(name: $0.spelling, type: $0.type.spelling) },
            availability: .stable))
      case CXCursor_StructDecl where cursor.isFromMainFile:
        let name = cursor.spelling
        guard !name.isEmpty, !seenStructs.contains(name) || cursor.isDefinition else { continue }
        let fields = cursor.children.filter { $0.kind == CXCursor_FieldDecl }
          .map { Parameter(name: $0.spelling, type: $0.type.spelling) }
        if let index = structs.firstIndex(where: { $0.name == name }) {
          if cursor.isDefinition { structs[index].fields = fields }
        } else {
          structs.append(
            StructDeclaration(name: name, line: cursor.location.line, fields: fields, availability: .stable))
        }
        seenStructs.insert(name)
      case CXCursor_TypedefDecl where cursor.isFromMainFile:
        typedefs.append(
          TypedefDeclaration(
            name: cursor.spelling, line: cursor.location.line,
            underlyingType: cursor.typedefUnderlyingType.spelling, availability: .stable))
      default:
        continue
      }
    }
    // `#undef` is not a cursor: find active directives in the main file's tokens.
    let (fileTokens, skipped) = unit.mainFileTokens()
    for i in fileTokens.indices.dropLast(2)
    where fileTokens[i].spelling == "#" && fileTokens[i + 1].spelling == "undef"
      && fileTokens[i + 2].kind == .identifier
    {
      let line = fileTokens[i].line
      guard !skipped.contains(where: { $0.contains(line) }) else { continue }
      undefinitions[fileTokens[i + 2].spelling, default: []].append(line)
    }
    // A main-file macro whose last definition is followed by an #undef is gone at the end of the header.
    for (name, lines) in undefinitions {
      if let last = macros.last(where: { $0.name == name }), lines.contains(where: { $0 > last.line }) {
        definitions[name] = nil
      }
    }
    let evaluator = MacroEvaluator(definitions: definitions)
    for name in systemMacros {
      if let body = definitions[name]?.body, case .integer(let value)? = try? evaluator.evaluate(body) {
        systemIntegers[name] = value
      }
    }
  }
}
