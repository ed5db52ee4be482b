/// Emits the wrapper methods of the function rows whose shape is
/// `mechanical`: call, check, throw. Each template states the C signature it
/// needs; a row whose C function has another signature in the header is an
/// error, so a libzmq that changed a function cannot be wrapped wrongly.
struct WrapperEmitter {
  let context: GenerationContext
  let functions: FunctionSpec

  struct Template {
    var returnType: String
    var parameterTypes: [String]
  }

  /// The templates the generator knows, with the C signature each wraps.
  static let templates: [String: Template] = [
    // int zmq_X (void *socket, const char *endpoint) → Socket.X(_ endpoint: String) throws
    "socketEndpoint": Template(returnType: "int", parameterTypes: ["void *", "const char *"])
  ]

  /// The Swift method name of a row (`Socket.bind(_ endpoint: String) throws` → `bind`).
  static func methodName(_ swift: String) -> String? {
    guard let dot = swift.firstIndex(of: "."), let paren = swift.firstIndex(of: "("), dot < paren else { return nil }
    return String(swift[swift.index(after: dot)..<paren])
  }

  func emit(diagnostics: inout [Diagnostic]) -> GeneratedFile? {
    let rows = functions.functions.filter { $0.shape == .mechanical }
    guard !rows.isEmpty else { return nil }
    var writer = SwiftWriter()
    writer.line(context.provenance(inputs: ["spec/functions.yaml"]).banner)
    writer.line("internal import CZeroMQ")
    writer.line()
    writer.block("extension Socket") { w in
      var first = true
      for row in rows.sorted(by: { $0.c.first ?? "" < $1.c.first ?? "" }) {
        let location = "spec/functions.yaml: \(row.javascript)"
        guard let templateName = row.template, let template = Self.templates[templateName] else {
          diagnostics.append(
            Diagnostic(
              .error, location,
              "unknown template '\(row.template ?? "")' (known: \(Self.templates.keys.sorted().joined(separator: ", ")))"
            ))
          continue
        }
        guard row.c.count == 1, let cName = row.c.first, let function = context.model.function(named: cName) else {
          diagnostics.append(
            Diagnostic(.error, location, "a mechanical row wraps exactly one function the header declares"))
          continue
        }
        let signature = (function.returnType, function.parameters.map(\.type))
        guard signature == (template.returnType, template.parameterTypes) else {
          diagnostics.append(
            Diagnostic(
              .error, location,
              "\(cName) is \(function.returnType) (\(function.parameters.map(\.type).joined(separator: ", "))) in \(context.model.header); template \(templateName) needs \(template.returnType) (\(template.parameterTypes.joined(separator: ", ")))"
            ))
          continue
        }
        guard let name = Self.methodName(row.swift) else {
          diagnostics.append(Diagnostic(.error, location, "cannot read a method name from '\(row.swift)'"))
          continue
        }
        if !first { w.line() }
        first = false
        w.doc(row.doc ?? "")
        w.block("public func \(name)(_ endpoint: String) throws") { w in
          w.line("try checkEndpoint(endpoint)")
          w.line("let pointer = try handle.pointer()")
          w.line("try CallFunnel.check(\(cName)(pointer, endpoint))")
        }
      }
    }
    return GeneratedFile(path: context.libraryDirectory + "/Socket+Wrappers.swift", contents: writer.text)
  }
}
