import Synchronization

/// Several event loops, one per core by default, handed out in turn.
///
/// ```swift
/// let group = ZMQEventLoopGroup()
/// for endpoint in endpoints {
///   Task(executorPreference: group.next()) {
///     try await serve(endpoint)
///   }
/// }
/// ```
///
/// Each loop is a thread; spreading sockets over them lets a process use
/// every core for its async I/O, while all the tasks of one loop share its
/// thread.
public final class ZMQEventLoopGroup: Sendable {
  /// The loops, in the order ``next()`` hands them out.
  public let loops: [ZMQEventLoop]
  private let counter = Atomic<Int>(0)

  /// Starts `loopCount` loops (at least one; `nil`, the default, starts one
  /// per processor online).
  public init(loopCount: Int? = nil, name: String = "zmq-event-loop") {
    let count = max(1, loopCount ?? SystemCalls.processorCount())
    loops = (0..<count).map { ZMQEventLoop(name: "\(name)-\($0)") }
  }

  /// The next loop, round robin.
  public func next() -> ZMQEventLoop {
    let index = counter.add(1, ordering: .relaxed).oldValue
    return loops[index % loops.count]
  }

  /// Shuts every loop down (see ``ZMQEventLoop/shutdown()``).
  public func shutdown() {
    for loop in loops { loop.shutdown() }
  }
}
