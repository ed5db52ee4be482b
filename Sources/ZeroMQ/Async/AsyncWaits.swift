import Synchronization

/// What the library knows about async waits across all event loops: which
/// loops run, how many operations wait on each socket (so a successful
/// operation can tell in one look whether it must wake anybody), and which
/// loop each socket was given.
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
    /// Sockets with waits, and how many; a short list (see
    /// `WaiterStateMachine.waiters`).
    var waitsPerSocket: [(socket: SocketKey, count: Int)] = []

    func waits(on socket: SocketKey) -> Int {
      waitsPerSocket.first { $0.socket == socket }?.count ?? 0
    }
    var assignments: [SocketKey: Assignment] = [:]
  }

  private static let state = Mutex(State())
  /// The sum of `waitsPerSocket`, read without the lock on every operation.
  private static let waits = Atomic<Int>(0)
  /// The number of `assignments`, read without the lock on every wait.
  private static let assigned = Atomic<Int>(0)

  static func loopStarted(_ loop: ZMQEventLoop) {
    state.withLock { $0.loops.append(loop) }
  }

  static func loopEnded(_ loop: ZMQEventLoop) {
    state.withLock { $0.loops.removeAll { $0 === loop } }
  }

  static func began(on socket: SocketKey) {
    waits.add(1, ordering: .relaxed)
    state.withLock { state in
      if let index = state.waitsPerSocket.firstIndex(where: { $0.socket == socket }) {
        state.waitsPerSocket[index].count += 1
      } else {
        state.waitsPerSocket.append((socket, 1))
      }
    }
  }

  static func ended(on socket: SocketKey) {
    state.withLock { state in
      guard let index = state.waitsPerSocket.firstIndex(where: { $0.socket == socket }) else { return }
      if state.waitsPerSocket[index].count > 1 {
        state.waitsPerSocket[index].count -= 1
      } else {
        state.waitsPerSocket.remove(at: index)
      }
    }
    waits.subtract(1, ordering: .relaxed)
  }

  /// Whether any operation waits on the socket; cheap when nothing waits
  /// anywhere.
  @inline(__always)
  static func hasWaiters(on socket: SocketKey) -> Bool {
    guard waits.load(ordering: .relaxed) > 0 else { return false }
    return state.withLock { $0.waits(on: socket) > 0 }
  }

  /// How many operations wait on the socket, on all loops.
  static func waiterCount(on socket: SocketKey) -> Int {
    state.withLock { $0.waits(on: socket) }
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
    guard waits.load(ordering: .relaxed) > 0 else { return }
    let loops = state.withLock { $0.waits(on: socket) == 0 ? [] : $0.loops }
    for loop in loops {
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
