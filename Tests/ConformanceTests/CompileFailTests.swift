import Foundation
import Testing

/// The statements of the generated CompileCheckCases.swift.
enum CompileChecks {}

/// Options' access and value types are enforced by the type checker.
///
/// For every option the generator lists statements that must not compile
/// (writing a read-only option, reading a write-only one, a value of the
/// wrong type) and controls that must. Each misuse statement goes in its own
/// function on its own line of one file, so a single compiler run tells,
/// line by line, that every one of them is rejected; the controls are a
/// second file that must compile without errors, so a broken harness cannot
/// pass for enforcement.
@Suite struct CompileFailTests {
  static func file(_ statements: [String]) -> (source: String, lines: [Int]) {
    var source = TypeChecker.header
    var lines: [Int] = []
    for (index, statement) in statements.enumerated() {
      source += "func check\(index)(socket: Socket, context: Context) throws {\n"
      lines.append(source.split(separator: "\n", omittingEmptySubsequences: false).count)
      source += "  \(statement)\n}\n"
    }
    return (source, lines)
  }

  @Test func controlsCompile() throws {
    let checker = try TypeChecker()
    let outcome = try checker.check(Self.file(CompileChecks.controls).source)
    #expect(outcome.compiled, "\(outcome.diagnostics.prefix(4000))")
    #expect(CompileChecks.controls.count > 100)
  }

  @Test func everyMisuseIsRejected() throws {
    let checker = try TypeChecker()
    let (source, lines) = Self.file(CompileChecks.misuse.map(\.code))
    let outcome = try checker.check(source)
    #expect(!outcome.compiled)
    let errorLines = Set(
      outcome.diagnostics.split(separator: "\n").compactMap { line -> Int? in
        guard line.contains(": error:"), let range = line.range(of: "snippet.swift:") else { return nil }
        return Int(line[range.upperBound...].prefix { $0.isNumber })
      })
    for (index, item) in CompileChecks.misuse.enumerated() {
      #expect(errorLines.contains(lines[index]), "compiled but must not (\(item.proves)): \(item.code)")
    }
    #expect(CompileChecks.misuse.count > 100)
  }

  /// The same checks by hand for the forms the API promises, each paired with its control.
  static let named: [(name: String, wrong: String, right: String)] = [
    ("set a read-only option", "try socket.set(.lastEndpoint, \"x\")", "let _: String = try socket.get(.lastEndpoint)"),
    ("get a write-only option", "let _: [UInt8] = try socket.get(.subscribe)", "try socket.set(.subscribe, \"\")"),
    ("String for an Int32 option", "try socket.set(.linger, \"x\")", "try socket.set(.linger, 0)"),
    ("Bool option read as Int32", "let _: Int32 = try socket.get(.rcvmore)", "let _: Bool = try socket.get(.rcvmore)"),
    ("socket option on a context", "try context.set(.linger, 0)", "try context.set(.ioThreads, 1)"),
  ]

  @Test(arguments: named.indices)
  func namedMisuseDoesNotCompile(index: Int) throws {
    let checker = try TypeChecker()
    let item = Self.named[index]
    let right = try checker.check(Self.file([item.right]).source)
    #expect(right.compiled, "control for '\(item.name)' should compile:\n\(right.diagnostics)")
    let wrong = try checker.check(Self.file([item.wrong]).source)
    #expect(!wrong.compiled, "'\(item.name)' compiled but must not: \(item.wrong)")
  }
}
