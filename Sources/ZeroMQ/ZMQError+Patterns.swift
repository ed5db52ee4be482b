/// Matching errors in `catch` clauses and `switch` statements.
///
/// With this operator a `ZMQError` constant is a pattern that matches any
/// thrown error equal to it, so the static members can be caught directly:
///
/// ```swift
/// do {
///   _ = try socket.recvString()
/// } catch ZMQError.eagain {
///   // the receive timeout expired
/// } catch ZMQError.eterm {
///   // the context is ending
/// }
/// ```
extension ZMQError {
  /// Whether `value` is a ``ZMQError`` with the same code as `pattern`.
  /// Errors of any other type never match.
  @inlinable
  public static func ~= (pattern: ZMQError, value: any Error) -> Bool {
    guard let error = value as? ZMQError else { return false }
    return error == pattern
  }
}
