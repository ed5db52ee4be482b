import Testing

/// Options' access and value types are enforced by the type checker:
/// reading a write-only option, writing a read-only one, or passing the
/// wrong value type does not compile. Each case is paired with a control
/// that does compile, so a broken harness cannot pass for enforcement.
@Suite struct CompileFailTests {
  static let cases: [(name: String, wrong: String, right: String)] = [
    ("set a read-only option", "try socket.set(.lastEndpoint, \"x\")", "let _: String = try socket.get(.lastEndpoint)"),
    ("get a write-only option", "let _: [UInt8] = try socket.get(.subscribe)", "try socket.set(.subscribe, \"\")"),
    ("String for an Int32 option", "try socket.set(.linger, \"x\")", "try socket.set(.linger, 0)"),
    ("Int32 read as String", "let _: String = try socket.get(.linger)", "let _: Int32 = try socket.get(.linger)"),
    ("Bool option read as Int32", "let _: Int32 = try socket.get(.rcvmore)", "let _: Bool = try socket.get(.rcvmore)"),
    ("set a read-only context option", "try context.set(.msgTSize, 1)", "let _: Int32 = try context.get(.msgTSize)"),
    ("socket option on a context", "try context.set(.linger, 0)", "try context.set(.ioThreads, 1)"),
  ]

  @Test(arguments: cases.indices)
  func misuseDoesNotCompile(index: Int) throws {
    let checker = try TypeChecker()
    let item = Self.cases[index]
    let right = try checker.check(TypeChecker.snippet(item.right))
    #expect(right.compiled, "control for '\(item.name)' should compile:\n\(right.diagnostics)")
    let wrong = try checker.check(TypeChecker.snippet(item.wrong))
    #expect(!wrong.compiled, "'\(item.name)' compiled but must not: \(item.wrong)")
    #expect(wrong.diagnostics.contains("error:"), "\(wrong.diagnostics)")
  }
}
