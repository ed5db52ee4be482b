// The bookkeeping of suspended async operations, as a value type with no
// threads, locks or clocks of its own: every method takes the facts (a
// continuation, the current time, what poll(2) reported) and returns what
// the caller must do (resume these continuations, interrupt the poll). The
// event loop keeps one behind its lock; the tests drive it directly.
//
// A waiter's life:
//
//   reserve ──► reserved ──arm──► armed (polled) ──► removed
//                  │                 ▲  │
//                  └─cancel─► cancelled  └─ readable, notified, closed,
//                              (arm resumes it at once)   timed out, cancelled,
//                                                         shut down
//
// The two steps exist because a task's cancellation handler can run before
// the continuation exists. Whoever removes an armed waiter gets its
// continuation back and must resume it; nothing else can reach it any
// more, so each continuation is resumed exactly once.
//
// A reserved waiter can also be polled *inline*: when the waiting task runs
// on the loop's thread and the loop has nothing else to do, the thread
// polls the waiter's descriptor itself, inside the task's step, instead of
// suspending the task and polling from its run loop:
//
//   reserved ──beginInlinePoll──► polled inline ──endInlinePoll──► removed
//                                       │          (readable, timed out,
//                                       │           cancelled, closed, …)
//                                       └──endInlinePoll (interrupted by
//                                          other work) ──► reserved ──arm──►
//
// Nothing is suspended, so there is no continuation to hand back: what
// would have resumed it (a cancellation, a close, a notification, a
// shut-down) records why the poll must end and asks the caller to
// interrupt it, and `endInlinePoll` returns that reason.

/// Why a wait ended. The operation tries again after every reason but
/// `timedOut`, `cancelled` and `shutDown`.
enum WakeReason: Sendable, Equatable {
  /// A polled descriptor was reported (readable, or closed under the poll).
  case readable
  /// Another operation on the socket found that this one can proceed.
  case notified
  /// The socket was closed.
  case closed
  /// The deadline passed.
  case timedOut
  /// The waiting task was cancelled.
  case cancelled
  /// The event loop was shut down.
  case shutDown
}

/// The identity of a socket in the bookkeeping: its handle's object
/// identifier (the handle lives as long as any waiter on it, since the
/// waiting operation holds its socket).
typealias SocketKey = ObjectIdentifier

/// A waiter's number, unique within one state machine.
struct WaiterID: Hashable, Sendable {
  let value: UInt64
}

/// One descriptor without an allocation, or several.
enum WaitDescriptors: Equatable, Sendable {
  case one(Int32)
  case many([Int32])
}

struct WaiterStateMachine<Continuation> {
  /// What one suspended operation waits for.
  struct Waiter {
    let id: WaiterID
    /// The socket whose operation waits; `nil` for a wait on descriptors
    /// alone (the async poller's extra descriptors).
    let socket: SocketKey?
    /// The descriptor to poll: one socket's `ZMQ_FD`; unused when
    /// `pollsMany` (the descriptors are then in `manyDescriptors`). Kept
    /// out of line so that a `Waiter` is a plain value: moving one in the
    /// array copies bytes, with no reference counting.
    let descriptor: Int32
    /// Whether the waiter polls several descriptors.
    let pollsMany: Bool
    /// `ZMQ_POLLIN`/`ZMQ_POLLOUT` bits of what the operation needs, for
    /// `notify`.
    let wanted: Int32
    /// When to give up, or `nil` for never.
    let deadline: ContinuousClock.Instant?
    /// `nil` while reserved.
    var continuation: Continuation?
    /// Set by `cancel` while reserved; `arm` then resumes at once.
    var cancelled = false
  }

  typealias Descriptors = WaitDescriptors

  /// What `arm` asks of the caller.
  enum ArmAction {
    /// Suspended; the poll set changed, so interrupt the loop's poll if it
    /// is not the caller.
    case suspended
    /// Resume the continuation at once with this reason.
    case resume(Continuation, WakeReason)
  }

  /// The waiters in the order they were reserved. A list, not a
  /// dictionary: there are few at a time, and a short scan costs less
  /// than hashing on every wait.
  private(set) var waiters: [Waiter] = []
  /// The descriptors of the waiters that poll several (`Waiter.pollsMany`).
  private var manyDescriptors: [(id: WaiterID, fds: [Int32])] = []
  private var nextID: UInt64 = 0
  /// Bumped whenever the set of polled descriptors changes, so the loop
  /// rebuilds its poll array only then.
  private(set) var pollSetVersion: UInt64 = 0
  /// Set by `shutDown()`; later reservations are refused.
  private(set) var isShutDown = false
  /// How many armed waiters have a deadline, so that a loop without any
  /// neither reads the clock nor scans for expired waiters.
  private var armedWithDeadline = 0
  /// The number of armed waiters.
  private var armed = 0
  /// The waiter the loop's thread polls inline, and why that poll must end
  /// early (`nil` while nothing interrupted it).
  private var inline: (id: WaiterID, interruption: WakeReason?)?

  init() {}

  /// Whether any armed waiter has a deadline.
  var hasDeadlines: Bool { armedWithDeadline > 0 }

  /// Whether the waiter polled inline must stop polling: something
  /// (`cancel`, `socketClosed`, `notify`, `shutDown`) decided how it ends.
  /// The caller interrupts the poll while this is true.
  var inlinePollInterrupted: Bool { inline?.interruption != nil }

  /// The number of waiters, reserved and armed.
  var count: Int { waiters.count }

  /// Whether anybody waits on the socket.
  func hasWaiters(on socket: SocketKey) -> Bool { waiters.contains { $0.socket == socket } }

  /// How many wait on the socket.
  func waiterCount(on socket: SocketKey) -> Int {
    waiters.reduce(0) { $0 + ($1.socket == socket ? 1 : 0) }
  }

  /// How many wait on the socket with their descriptor polled: armed, or
  /// polled inline and not interrupted yet.
  func armedCount(on socket: SocketKey?) -> Int {
    waiters.reduce(0) { count, waiter in
      let polled = waiter.continuation != nil || (inline?.id == waiter.id && inline?.interruption == nil)
      return count + (waiter.socket == socket && polled ? 1 : 0)
    }
  }

  private func index(of id: WaiterID) -> Int? {
    waiters.firstIndex { $0.id == id }
  }

  /// Creates a waiter that is not polled yet; `nil` after `shutDown()`.
  mutating func reserve(
    socket: SocketKey?, descriptors: Descriptors, wanted: Int32, deadline: ContinuousClock.Instant?
  ) -> WaiterID? {
    guard !isShutDown else { return nil }
    let id = WaiterID(value: nextID)
    nextID &+= 1
    switch descriptors {
    case .one(let fd):
      waiters.append(
        Waiter(id: id, socket: socket, descriptor: fd, pollsMany: false, wanted: wanted, deadline: deadline))
    case .many(let fds):
      manyDescriptors.append((id, fds))
      waiters.append(
        Waiter(id: id, socket: socket, descriptor: -1, pollsMany: true, wanted: wanted, deadline: deadline))
    }
    return id
  }

  /// Stores the continuation of a reserved waiter, which is then polled.
  mutating func arm(_ id: WaiterID, _ continuation: Continuation) -> ArmAction {
    guard let index = index(of: id) else {
      // Removed while reserved: only `shutDown()` and `socketClosed` do that.
      return .resume(continuation, isShutDown ? .shutDown : .closed)
    }
    if waiters[index].cancelled {
      _ = remove(at: index)
      return .resume(continuation, .cancelled)
    }
    waiters[index].continuation = continuation
    if waiters[index].deadline != nil { armedWithDeadline += 1 }
    armed += 1
    pollSetVersion &+= 1
    return .suspended
  }

  /// Starts polling a reserved waiter inline: `true` when it may, that is
  /// when it is reserved, not cancelled, and no waiter is armed (the loop
  /// would have nothing else to poll) and none is polled inline already.
  /// The caller then polls the waiter's descriptor with the loop's wake-up
  /// descriptor until one is reported or the waiter's deadline passes, and
  /// calls `endInlinePoll`.
  mutating func beginInlinePoll(_ id: WaiterID) -> Bool {
    guard inline == nil, armed == 0, !isShutDown, let index = index(of: id),
      waiters[index].continuation == nil, !waiters[index].cancelled
    else { return false }
    inline = (id, nil)
    return true
  }

  /// Ends the inline poll of `id`: the reason the wait is over (the waiter
  /// is then gone), or `nil` when the poll was only interrupted by other
  /// work for the loop (the waiter is still reserved; arm it).
  ///
  /// - Parameters:
  ///   - reported: whether poll(2) reported the waiter's descriptor.
  ///   - now: the time, read only for a waiter with a deadline.
  mutating func endInlinePoll(
    _ id: WaiterID, reported: Bool, now: @autoclosure () -> ContinuousClock.Instant
  ) -> WakeReason? {
    guard let polled = inline, polled.id == id else { return nil }
    inline = nil
    guard let index = index(of: id) else {
      // Removed while polled: by `socketClosed` or `shutDown`.
      return polled.interruption ?? (isShutDown ? .shutDown : .closed)
    }
    if let interruption = polled.interruption {
      _ = remove(at: index)
      return interruption
    }
    if reported {
      _ = remove(at: index)
      return .readable
    }
    if let deadline = waiters[index].deadline, deadline <= now() {
      _ = remove(at: index)
      return .timedOut
    }
    return nil
  }

  /// Records why the inline poll of `id` ends, unless a reason is there
  /// already: the first one wins, as the first resumption of a suspended
  /// waiter does.
  private mutating func interruptInlinePoll(of id: WaiterID, _ reason: WakeReason) {
    if inline?.id == id && inline?.interruption == nil { inline?.interruption = reason }
  }

  /// The task of a waiter was cancelled: returns the continuation to resume
  /// with `.cancelled`, or `nil` when it was resumed already or is not armed
  /// yet (then `arm` resumes it).
  mutating func cancel(_ id: WaiterID) -> Continuation? {
    guard let index = index(of: id) else { return nil }
    guard waiters[index].continuation != nil else {
      waiters[index].cancelled = true
      interruptInlinePoll(of: id, .cancelled)
      return nil
    }
    return remove(at: index).continuation
  }

  /// Removes a waiter that was reserved and will not be armed (its socket
  /// turned out to be closed).
  mutating func discard(_ id: WaiterID) {
    if let index = index(of: id), waiters[index].continuation == nil { _ = remove(at: index) }
  }

  /// Another operation on `socket` read `events` (`ZMQ_EVENTS`): returns
  /// the armed waiters on that socket that can now proceed, removed.
  /// A waiter polled inline that can proceed is told too
  /// (`inlinePollInterrupted`).
  mutating func notify(_ socket: SocketKey, events: Int32) -> [Continuation] {
    if let id = inline?.id, let index = index(of: id), waiters[index].socket == socket,
      waiters[index].wanted & events != 0
    {
      interruptInlinePoll(of: id, .notified)
    }
    return removeAll { $0.socket == socket && $0.continuation != nil && $0.wanted & events != 0 }
  }

  /// The socket was closed: every waiter on it, armed or reserved, is
  /// removed; returns the continuations of the armed ones (a reserved one
  /// learns in `arm`, one polled inline in `endInlinePoll`).
  mutating func socketClosed(_ socket: SocketKey) -> [Continuation] {
    if let id = inline?.id, let index = index(of: id), waiters[index].socket == socket {
      interruptInlinePoll(of: id, .closed)
    }
    return removeAll { $0.socket == socket }
  }

  /// Writes the descriptors to poll, after the loop's own wake-up
  /// descriptor, and which waiter each belongs to. The caller keeps both
  /// arrays and calls this only when `pollSetVersion` changed.
  func pollSet(wakeUp: Int32, into descriptors: inout [Int32], owners: inout [WaiterID]) {
    descriptors.empty()
    owners.empty()
    descriptors.append(wakeUp)
    owners.append(WaiterID(value: .max))
    for index in waiters.indices where waiters[index].continuation != nil {
      let id = waiters[index].id
      if !waiters[index].pollsMany {
        descriptors.append(waiters[index].descriptor)
        owners.append(id)
      } else if let many = manyDescriptors.first(where: { $0.id == id }) {
        for fd in many.fds {
          descriptors.append(fd)
          owners.append(id)
        }
      }
    }
  }

  /// How long poll(2) may sleep: until the earliest deadline, or `nil`
  /// for as long as it takes.
  func pollTimeout(now: @autoclosure () -> ContinuousClock.Instant) -> Duration? {
    guard hasDeadlines else { return nil }
    let now = now()
    var earliest: ContinuousClock.Instant?
    for waiter in waiters where waiter.continuation != nil {
      if let deadline = waiter.deadline, earliest.map({ deadline < $0 }) ?? true {
        earliest = deadline
      }
    }
    return earliest.map { max($0 - now, .zero) }
  }

  /// After a poll: removes the waiters whose descriptors were reported,
  /// and those whose deadline passed, appending them to `woken` with the
  /// reason to resume them with (an array the caller reuses, so a pass
  /// allocates nothing). `reported` lists the owners of the reported
  /// descriptors (duplicates allowed; stale ids are ignored).
  mutating func pollReturned(
    reported: [WaiterID], now: @autoclosure () -> ContinuousClock.Instant,
    into woken: inout [(Continuation, WakeReason)]
  ) {
    for id in reported {
      if let index = index(of: id), waiters[index].continuation != nil {
        woken.append((remove(at: index).continuation!, .readable))
      }
    }
    guard hasDeadlines else { return }
    let now = now()
    var index = 0
    while index < waiters.count {
      if waiters[index].continuation != nil, let deadline = waiters[index].deadline, deadline <= now {
        woken.append((remove(at: index).continuation!, .timedOut))
      } else {
        index += 1
      }
    }
  }

  /// The loop stops: every waiter is removed; returns the armed ones'
  /// continuations (a reserved one learns in `arm`), and later
  /// reservations fail.
  mutating func shutDown() -> [Continuation] {
    isShutDown = true
    if let id = inline?.id { interruptInlinePoll(of: id, .shutDown) }
    let continuations = waiters.compactMap(\.continuation)
    waiters.removeAll()
    manyDescriptors.removeAll()
    armedWithDeadline = 0
    armed = 0
    pollSetVersion &+= 1
    return continuations
  }

  private mutating func remove(at index: Int) -> Waiter {
    let waiter = waiters.remove(at: index)
    if waiter.pollsMany { manyDescriptors.removeAll { $0.id == waiter.id } }
    if waiter.continuation != nil {
      pollSetVersion &+= 1
      armed -= 1
      if waiter.deadline != nil { armedWithDeadline -= 1 }
    }
    return waiter
  }

  /// Removes the waiters `matching` says, returning the armed ones'
  /// continuations.
  private mutating func removeAll(where matching: (Waiter) -> Bool) -> [Continuation] {
    var removed: [Continuation] = []
    var index = 0
    while index < waiters.count {
      if matching(waiters[index]) {
        if let continuation = remove(at: index).continuation { removed.append(continuation) }
      } else {
        index += 1
      }
    }
    return removed
  }
}

extension Array {
  /// Removes every element and keeps the storage, as
  /// `removeAll(keepingCapacity: true)` does, but element by element: the
  /// loop's arrays hold a handful at most, and the standard library's
  /// general form (a range replacement) costs more than that many removals.
  @inline(__always)
  mutating func empty() {
    while !isEmpty { removeLast() }
  }
}
