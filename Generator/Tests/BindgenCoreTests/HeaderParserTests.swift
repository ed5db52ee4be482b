import Foundation
import Testing
@testable import BindgenCore

@Suite struct HeaderParserTests {
  let model: HeaderModel

  init() throws { model = try parseFixture("tricky.h") }

  func value(_ name: String) -> MacroValue? { model.macro(named: name)?.value }

  @Test func evaluatesExpressions() {
    #expect(value("ZMQ_DECIMAL") == .integer(42))
    #expect(value("ZMQ_HEX") == .integer(31))
    #expect(value("ZMQ_OCTAL") == .integer(15))
    #expect(value("ZMQ_NEGATIVE") == .integer(-1))
    #expect(value("ZMQ_NEGATIVE_PAREN") == .integer(-5))
    #expect(value("ZMQ_SHIFT") == .integer(8))
    #expect(value("ZMQ_SHIFT_RIGHT") == .integer(64))
    #expect(value("ZMQ_OR") == .integer(31))
    #expect(value("ZMQ_PRECEDENCE") == .integer(5))
    #expect(value("ZMQ_SUFFIXED") == .integer(10))
    #expect(value("ZMQ_WIDE") == .integer(4_294_967_296))
    #expect(value("ZMQ_CHAR") == .integer(65))
  }

  @Test func resolvesReferencesAndFunctionLikeMacros() {
    #expect(value("ZMQ_ALIAS") == .integer(42))
    #expect(value("ZMQ_ALIAS_OF_ALIAS") == .integer(42))
    #expect(value("EFSM") == .integer(156_384_763))
    #expect(value("ZMQ_SQUARED") == .integer(49))
    #expect(value("ZMQ_VERSION") == .integer(40901))
    #expect(value("ZMQ_MAKE_VERSION") == .functionLike(parameters: ["a", "b", "c"]))
    #expect(model.version == HeaderVersion(major: 4, minor: 9, patch: 1))
  }

  @Test func stringsAndEmptyMacros() {
    #expect(value("ZMQ_STRING") == .string("Peer-Address"))
    #expect(value("ZMQ_STRINGS") == .string("Peer-Address"))
    #expect(value("ZMQ_FLAG") == .empty)
  }

  @Test func reportsWhatCannotBeEvaluated() {
    #expect(value("ZMQ_UNKNOWN_REF") == .unevaluated(reason: "refers to unknown name 'ZMQ_NOT_DEFINED_ANYWHERE'"))
    guard case .unevaluated(let cast)? = value("ZMQ_CAST") else { Issue.record("cast evaluated"); return }
    #expect(cast.contains("int"))
    #expect(value("ZMQ_DIVIDE_BY_ZERO") == .unevaluated(reason: "division by zero"))
    let messages = model.diagnostics.map(\.message)
    #expect(messages.contains { $0.hasPrefix("ZMQ_UNKNOWN_REF not evaluated") })
    #expect(messages.contains { $0.hasPrefix("ZMQ_CAST not evaluated") })
  }

  @Test func undefinedMacrosLeaveTheInterface() throws {
    let undefined = try #require(model.macros.first { $0.name == "ZMQ_TEMPORARY" })
    #expect(undefined.undefinedAt != nil)
    #expect(model.macro(named: "ZMQ_TEMPORARY") == nil)
    #expect(!model.finalMacros.contains { $0.name == "ZMQ_TEMPORARY" })
    // An #undef in an inactive branch changes nothing.
    #expect(model.macro(named: "ZMQ_KEPT")?.integerValue == 3)
    // #undef followed by a new definition: the new one stands.
    #expect(model.macro(named: "ZMQ_REDEFINED")?.undefinedAt == nil)
  }

  @Test func redefinitionUsesTheLastDefinitionAndIsReported() {
    #expect(model.macros.filter { $0.name == "ZMQ_REDEFINED" }.count == 2)
    #expect(value("ZMQ_REDEFINED") == .integer(2))
    #expect(model.diagnostics.contains { $0.message.hasPrefix("ZMQ_REDEFINED redefined") })
  }

  @Test func draftItemsAreMarked() throws {
    #expect(model.macro(named: "ZMQ_DRAFT_ONLY")?.availability == .draft)
    #expect(model.macro(named: "ZMQ_DRAFT_ALIAS")?.integerValue == 107)
    #expect(model.macro(named: "ZMQ_DECIMAL")?.availability == .stable)
    #expect(model.function(named: "zmq_fixture_draft")?.availability == .draft)
    #expect(model.function(named: "zmq_fixture_call")?.availability == .stable)
    #expect(model.structs.first { $0.name == "draft_t" }?.availability == .draft)
  }

  @Test func declarations() throws {
    let call = try #require(model.function(named: "zmq_fixture_call"))
    #expect(call.returnType == "int")
    #expect(
      call.parameters == [
        Parameter(name: "s_", type: "void *"), Parameter(name: "name_", type: "const char *"),
        Parameter(name: "len_", type: "size_t"),
      ])
    #expect(model.function(named: "zmq_fixture_new")?.parameters == [])
    let thing = try #require(model.structs.first { $0.name == "thing_t" })
    #expect(thing.fields == [Parameter(name: "count", type: "int"), Parameter(name: "events", type: "short")])
    #expect(model.typedefs.map(\.name).contains("thing_fn"))
  }

  @Test func keepsOnlyTheHeadersOwnItems() {
    // errno.h and stddef.h are included but their macros and functions are not part of the model…
    #expect(model.macro(named: "EAGAIN") == nil)
    #expect(model.functions.allSatisfy { $0.name.hasPrefix("zmq_") })
    // …except errno codes, kept aside for the spec's POSIX list.
    #expect(model.systemIntegers["EAGAIN"] != nil)
    #expect(model.macro(named: "NOT_PREFIXED")?.integerValue == 5)
  }

  @Test func missingHeaderIsAClearError() {
    #expect(throws: ClangError.self) { try HeaderParser(headerPath: "/nonexistent/zmq.h").parse() }
  }
}

@Suite struct MacroEvaluatorTests {
  func tokens(_ source: String) -> [Token] {
    source.split(separator: " ").map { word in
      let s = String(word)
      if s.first!.isNumber || s.hasPrefix("'") || s.hasPrefix("\"") { return Token(kind: .literal, spelling: s) }
      if s.first!.isLetter || s.first == "_" { return Token(kind: .identifier, spelling: s) }
      return Token(kind: .punctuation, spelling: s)
    }
  }

  func evaluate(_ source: String, _ definitions: [String: String] = [:]) -> Result<
    MacroEvaluator.Result, MacroEvaluator.Failure
  > {
    let evaluator = MacroEvaluator(definitions: definitions.mapValues { .init(parameters: nil, body: tokens($0)) })
    do { return .success(try evaluator.evaluate(tokens(source))) } catch { return .failure(error) }
  }

  @Test func operators() {
    #expect(evaluate("~ 0") == .success(.integer(-1)))
    #expect(evaluate("! 0") == .success(.integer(1)))
    #expect(evaluate("7 % 4") == .success(.integer(3)))
    #expect(evaluate("6 ^ 3") == .success(.integer(5)))
    #expect(evaluate("6 & 3") == .success(.integer(2)))
    #expect(evaluate("( 1 + 2 ) * 3") == .success(.integer(9)))
    #expect(evaluate("0xFFFFFFFF") == .success(.integer(4_294_967_295)))
  }

  @Test func deepNestingFailsInsteadOfExhaustingTheStack() {
    let deep = String(repeating: "( ", count: 4000) + "1" + String(repeating: " )", count: 4000)
    #expect(evaluate(deep) == .failure(.init(reason: "expression nested more than 256 levels deep")))
    #expect(
      evaluate(String(repeating: "- ", count: 4000) + "1")
        == .failure(.init(reason: "expression nested more than 256 levels deep")))
    let fine = String(repeating: "( ", count: 100) + "7" + String(repeating: " )", count: 100)
    #expect(evaluate(fine) == .success(.integer(7)))
  }

  @Test func failuresNameTheProblem() {
    #expect(evaluate("1 +") == .failure(.init(reason: "expression ends early")))
    #expect(evaluate("( 1") == .failure(.init(reason: "missing ')'")))
    #expect(evaluate("1 2") == .failure(.init(reason: "unexpected token '2' in constant expression")))
    #expect(evaluate("1 << 64") == .failure(.init(reason: "shift by 64 is out of range")))
    #expect(
      evaluate("0xFFFFFFFFFFFFFFFF")
        == .failure(
          .init(
            reason: "integer literal 0xFFFFFFFFFFFFFFFF (18446744073709551615) does not fit in 64-bit signed arithmetic"
          )))
    #expect(
      evaluate("9223372036854775807 + 1") == .failure(.init(reason: "integer overflow in '9223372036854775807 + 1'")))
    #expect(evaluate("A", ["A": "B", "B": "A"]) == .failure(.init(reason: "macro 'A' refers to itself")))
    #expect(evaluate("X") == .failure(.init(reason: "refers to unknown name 'X'")))
  }
}
