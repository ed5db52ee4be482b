import Synchronization

extension Context {
  /// The process-wide context, created on first use (pyzmq's
  /// `Context.instance()`).
  private static let sharedStorage = Mutex<Context?>(nil)

  /// One context for the whole process, created the first time it is asked
  /// for and then returned to every caller, from any thread or task.
  ///
  /// ```swift
  /// let socket = try Context.shared.socket(.push)
  /// ```
  ///
  /// Use it where a program wants one context and does not want to pass it
  /// around; libraries that need their own lifetime should make their own.
  /// The shared context is never terminated by the library (it lives until
  /// the process exits, so nothing waits for it at exit). When somebody
  /// shuts it down or terminates it, the next access creates a fresh one.
  ///
  /// - Throws: the errors of ``init()`` when a context cannot be created
  ///   (for example `EMFILE`); the next access tries again.
  public static var shared: Context {
    get throws {
      try sharedStorage.withLock { (stored) throws -> Context in try live(&stored) }
    }
  }

  /// The context in `stored`, or a new one stored there when there is none
  /// or it has been shut down or terminated.
  static func live(_ stored: inout Context?) throws -> Context {
    if let context = stored, !context.isShutDown { return context }
    let context = try Context()
    stored = context
    return context
  }
}
