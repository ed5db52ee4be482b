import Synchronization

/// What the library knows about async waits across all event loops: which
/// loops run, how many operations wait on each socket (counted in its
/// handle, so a successful operation can tell in one load whether it must
/// wake anybody), and which loop each socket was given.
///
/// A socket's waiters usually sit on one loop, but the loop is chosen per
/// wait (the loop the waiting task runs on, else the socket's), so closing
/// and notifying ask every loop that has waiters.
enum AsyncWaits {
  private struct Assignment {
    weak var handle: SocketHandle?
    let loop: ZMQEventLoop
  }

  private struct State {
    var loops: [ZMQEventLoop] = []
    var assignments: [SocketKey: Assignment] = [:]
  }

  private static let state = Mutex(State())
  /// The number of `assignments`, read without the lock on every wait.
  private static let assigned = Atomic<Int>(0)

  static func loopStarted(_ loop: ZMQEventLoop) {
    state.withLock { $0.loops.append(loop) }
  }

  static func loopEnded(_ loop: ZMQEventLoop) {
    state.withLock { $0.loops.removeAll { $0 === loop } }
  }

  // The count of waits lives in the socket's handle, so that beginning,
  // ending and checking a wait take no lock. Beginning one and closing the
  // socket are ordered by read-modify-writes on that count: either the
  // closing thread's update comes first, and then the waiter (which checks
  // the handle after counting itself) sees the socket closed, or the
  // waiter's does, and then the closing thread sees it counted and wakes
  // the loops.

  static func began(on handle: SocketHandle) {
    handle.asyncWaits.add(1, ordering: .acquiringAndReleasing)
  }

  static func ended(on handle: SocketHandle) {
    handle.asyncWaits.subtract(1, ordering: .relaxed)
  }

  /// Whether any operation waits on the socket: one atomic load.
  @inline(__always)
  static func hasWaiters(on handle: SocketHandle) -> Bool {
    handle.asyncWaits.load(ordering: .relaxed) > 0
  }

  /// How many operations wait on the socket, on all loops.
  static func waiterCount(on handle: SocketHandle) -> Int {
    handle.asyncWaits.load(ordering: .relaxed)
  }

  /// Tells the waiters on `socket`, on every loop, what `events` allows.
  static func notify(_ socket: SocketKey, events: Int32) {
    for loop in state.withLock({ $0.loops }) {
      loop.notify(socket, events: events)
    }
  }

  /// The socket's handle was just closed (by `close()`, by being dropped,
  /// or by `Context.destroy(linger:)`): wakes its waiters at once and forgets
  /// its loop.
  static func socketClosed(_ handle: SocketHandle) {
    let socket = SocketKey(handle)
    if assigned.load(ordering: .relaxed) > 0 {
      state.withLock { state in
        if state.assignments.removeValue(forKey: socket) != nil { assigned.subtract(1, ordering: .relaxed) }
      }
    }
    // A read-modify-write, not a load: see `began(on:)`.
    guard handle.asyncWaits.add(0, ordering: .acquiringAndReleasing).newValue > 0 else { return }
    for loop in state.withLock({ $0.loops }) {
      loop.socketClosed(socket)
    }
  }

  /// The loop set for the socket, or `nil` for the shared one.
  static func assignedLoop(of handle: SocketHandle) -> ZMQEventLoop? {
    guard assigned.load(ordering: .relaxed) > 0 else { return nil }
    return state.withLock { state in
      let socket = SocketKey(handle)
      guard let assignment = state.assignments[socket] else { return nil }
      guard assignment.handle === handle else {
        // A freed handle's identifier, reused: the entry is stale.
        state.assignments[socket] = nil
        assigned.subtract(1, ordering: .relaxed)
        return nil
      }
      return assignment.loop
    }
  }

  static func assign(_ loop: ZMQEventLoop?, to handle: SocketHandle) {
    state.withLock { state in
      let socket = SocketKey(handle)
      let had = state.assignments[socket] != nil
      if let loop, loop !== ZMQEventLoop.shared {
        state.assignments[socket] = Assignment(handle: handle, loop: loop)
        if !had { assigned.add(1, ordering: .relaxed) }
      } else if had {
        state.assignments[socket] = nil
        assigned.subtract(1, ordering: .relaxed)
      }
    }
  }
}
