import Synchronization

/// Names for the `inproc://` endpoints the runtime binds for its own use
/// (the authenticator's and the steerable proxy's control sockets): unique
/// in the process, so two of them never collide.
enum InternalEndpoint {
  private static let counter = Atomic<UInt64>(0)

  /// `inproc://zeromq-swift.<role>.<n>`, with a new `n` on every call.
  static func unique(_ role: String) -> String {
    "inproc://zeromq-swift.\(role).\(counter.add(1, ordering: .relaxed).newValue)"
  }
}
