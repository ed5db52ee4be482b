/// Everything an emitter needs: the header model, the spec, the API level.
public struct GenerationContext: Sendable {
  public var model: HeaderModel
  public var spec: GroupSpec
  /// The option table (`spec/derived/options.yaml`); without it no option keys are emitted.
  public var options: OptionTable?
  /// The documentation examples and the fixtures they may name; without
  /// them no documentation tests are emitted.
  public var examples: [DocExample] = []
  public var fixtures: FixtureSpec?
  /// The documented functions; mechanical rows become generated wrappers.
  public var functions: FunctionSpec?
  /// How the option conformance suite exercises options; without it no
  /// conformance cases are emitted.
  public var conformance: ConformanceSpec?
  /// What the runtime reaches through the availability shim; without it no
  /// shim is emitted.
  public var availability: AvailabilitySpec?
  /// Draft mode: draft items are emitted too.
  public var draft: Bool
  /// Where library files go, relative to the package root.
  public var libraryDirectory = "Sources/ZeroMQ/Generated"
  /// The documentation catalog, relative to the package root.
  public var docDirectory = "Sources/ZeroMQ/ZeroMQ.docc"
  /// Where generated tests go, relative to the package root.
  public var testDirectory = "Tests/ConformanceTests/Generated"

  public init(model: HeaderModel, spec: GroupSpec, options: OptionTable? = nil, draft: Bool) {
    self.model = model
    self.spec = spec
    self.options = options
    self.draft = draft
  }

  /// The `ZMQ_*` macros of the API level generated, sorted by C name, last
  /// definition of each name only.
  public var zmqMacros: [MacroDefinition] {
    model.finalMacros
      .filter { $0.name.hasPrefix("ZMQ_") && (draft || $0.availability == .stable) }
      .sorted { $0.name < $1.name }
  }

  public struct ErrorCode: Sendable, Equatable {
    public var name: String
    public var value: Int64
    public var origin: String
    /// A POSIX code: its value differs between platforms, so the emitted
    /// Swift takes it from the platform's headers (through the CZeroMQ
    /// module, whose zmq.h includes errno.h or defines a stand-in) rather
    /// than writing this platform's number.
    public var fromPlatform = false

    /// The Swift expression of the value.
    public var swiftValue: String { fromPlatform ? "CZeroMQ.\(name)" : "\(value)" }
  }

  /// The error codes of the spec with their values, sorted by name.
  public var errorCodes: [ErrorCode] {
    var codes: [ErrorCode] = []
    for name in spec.errors.header {
      if let value = model.macro(named: name)?.integerValue {
        codes.append(
          ErrorCode(name: name, value: value, origin: "libzmq's own code (\(model.macro(named: name)!.body))."))
      }
    }
    for name in spec.errors.posix where !spec.errors.header.contains(name) {
      if let value = model.systemIntegers[name] {
        codes.append(
          ErrorCode(name: name, value: value, origin: "POSIX code, from the platform's errno.h.", fromPlatform: true))
      } else if let value = model.macro(named: name)?.integerValue {
        codes.append(
          ErrorCode(
            name: name, value: value, origin: "zmq.h's stand-in for a POSIX code this platform lacks.",
            fromPlatform: true))
      }
    }
    return codes.sorted { $0.name < $1.name }
  }

  /// Codes the spec lists that neither the header nor errno.h define.
  var missingErrorCodes: [String] {
    let found = Set(errorCodes.map(\.name))
    return (spec.errors.header + spec.errors.posix).filter { !found.contains($0) }
  }

  public var apiLevel: String { draft ? "draft API" : "stable API" }

  public var command: String { draft ? "zmq-bindgen generate --draft" : "make generate" }

  func provenance(inputs extra: [String]) -> Provenance {
    let version = model.version.map { "libzmq \($0)" } ?? "unknown libzmq version"
    return Provenance(command: command, inputs: ["\(model.header) (\(version), \(apiLevel))"] + extra)
  }
}

/// The whole emit stage: the model and spec in, the generated files out.
public struct BindingsGenerator {
  public var context: GenerationContext

  public init(context: GenerationContext) {
    self.context = context
  }

  public func generate() -> (files: [GeneratedFile], diagnostics: [Diagnostic]) {
    var diagnostics: [Diagnostic] = []
    var files: [GeneratedFile] = []
    files.append(ConstantsEmitter(context: context).emit())
    for group in context.spec.groups {
      files.append(GroupEmitter(context: context, group: group).emit(diagnostics: &diagnostics))
    }
    let errors = ErrorsAndCapabilitiesEmitter(context: context)
    files.append(errors.emitErrors())
    files.append(errors.emitCapabilities())
    files.append(CrossCheckEmitter(context: context).emit())
    if let table = context.options {
      files += OptionsEmitter(context: context, table: table).emit(diagnostics: &diagnostics)
      files.append(OptionReferenceEmitter(context: context, table: table).emit())
      if let conformance = context.conformance {
        let socketTypes = context.spec.groups.first { $0.type == "SocketType" }?.members ?? []
        diagnostics += conformance.diagnostics(socketTypes: Set(socketTypes))
        let emitter = OptionConformanceEmitter(context: context, table: table, conformance: conformance)
        files.append(emitter.emit())
        files.append(emitter.emitCompileChecks())
      }
    }
    if let functions = context.functions,
      let wrappers = WrapperEmitter(context: context, functions: functions).emit(diagnostics: &diagnostics)
    {
      files.append(wrappers)
    }
    if let availability = context.availability {
      files += AvailabilityEmitter(context: context, spec: availability).emit(diagnostics: &diagnostics)
    }
    if let fixtures = context.fixtures {
      files += DoctestEmitter(context: context, examples: context.examples, fixtures: fixtures).emit(
        diagnostics: &diagnostics)
    }
    for name in context.missingErrorCodes {
      diagnostics.append(
        Diagnostic(
          .warning, "spec/groups.yaml: errors",
          "\(name) is defined neither by \(context.model.header) nor by errno.h; left out"))
    }
    return (files.sorted { $0.path < $1.path }, diagnostics)
  }
}
