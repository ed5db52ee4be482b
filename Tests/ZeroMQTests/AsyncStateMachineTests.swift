import Testing
@testable import ZeroMQ

// The waiters' bookkeeping on its own: no threads, no sockets, no clock.
// Continuations are stand-ins that count how often they are handed back,
// so "resumed exactly once" is checked directly.

/// A stand-in continuation: a name, compared by identity.
private final class Resumable: CustomStringConvertible {
  let name: String
  init(_ name: String) { self.name = name }
  var description: String { name }
}

private typealias Machine = WaiterStateMachine<Resumable>

/// Two distinct socket identities.
private final class FakeSocket: Sendable {}
private let socketA = FakeSocket()
private let socketB = FakeSocket()
private let keyA = ObjectIdentifier(socketA)
private let keyB = ObjectIdentifier(socketB)

private let start = ContinuousClock.now

private func polledDescriptors(_ machine: Machine) -> (fds: [Int32], owners: [WaiterID]) {
  var fds: [Int32] = []
  var owners: [WaiterID] = []
  machine.pollSet(wakeUp: 99, into: &fds, owners: &owners)
  return (fds, owners)
}

private func isSuspended(_ action: Machine.ArmAction) -> Bool {
  if case .suspended = action { return true }
  return false
}

private func resumed(_ action: Machine.ArmAction) -> (Resumable, WakeReason)? {
  if case .resume(let continuation, let reason) = action { return (continuation, reason) }
  return nil
}

@Suite("async waiter state machine") struct AsyncStateMachineTests {
  @Test func anArmedWaiterIsPolledAndResumedOnceWhenReported() {
    var machine = Machine()
    let id = machine.reserve(socket: keyA, descriptors: .one(7), wanted: ZMQ.POLLIN, deadline: nil)!
    #expect(polledDescriptors(machine).fds == [99], "a reserved waiter is not polled yet")
    let version = machine.pollSetVersion
    let c = Resumable("c")
    #expect(isSuspended(machine.arm(id, c)))
    #expect(machine.pollSetVersion != version)
    let (fds, owners) = polledDescriptors(machine)
    #expect(fds == [99, 7])
    #expect(owners[1] == id)
    #expect(machine.pollTimeout(now: start) == nil, "no deadline: poll sleeps as long as it takes")

    var woken: [(Resumable, WakeReason)] = []
    machine.pollReturned(reported: [id, id], now: start, into: &woken)
    #expect(woken.count == 1)
    #expect(woken.first?.0 === c && woken.first?.1 == .readable)
    woken.removeAll()
    machine.pollReturned(reported: [id], now: start, into: &woken)
    #expect(woken.isEmpty, "a stale report resumes nothing")
    #expect(machine.cancel(id) == nil, "nor does a late cancellation")
    #expect(machine.count == 0)
  }

  @Test func cancellationBeforeArmingResumesInArm() {
    var machine = Machine()
    let id = machine.reserve(socket: keyA, descriptors: .one(7), wanted: ZMQ.POLLIN, deadline: nil)!
    #expect(machine.cancel(id) == nil, "not armed: nothing to resume yet")
    let c = Resumable("c")
    let action = resumed(machine.arm(id, c))
    #expect(action?.0 === c && action?.1 == .cancelled)
    #expect(machine.count == 0)
    #expect(polledDescriptors(machine).fds == [99])
  }

  @Test func cancellationAfterArmingHandsTheContinuationBackOnce() {
    var machine = Machine()
    let id = machine.reserve(socket: keyA, descriptors: .one(7), wanted: ZMQ.POLLIN, deadline: nil)!
    let c = Resumable("c")
    #expect(isSuspended(machine.arm(id, c)))
    #expect(machine.cancel(id) === c)
    #expect(machine.cancel(id) == nil)
    var woken: [(Resumable, WakeReason)] = []
    machine.pollReturned(reported: [id], now: start, into: &woken)
    #expect(woken.isEmpty)
  }

  @Test func notifyWakesOnlyWaitersOfThatSocketWhoseEventIsReady() {
    var machine = Machine()
    let reader = machine.reserve(socket: keyA, descriptors: .one(7), wanted: ZMQ.POLLIN, deadline: nil)!
    let writer = machine.reserve(socket: keyA, descriptors: .one(7), wanted: ZMQ.POLLOUT, deadline: nil)!
    let other = machine.reserve(socket: keyB, descriptors: .one(8), wanted: ZMQ.POLLIN, deadline: nil)!
    let (r, w, o) = (Resumable("r"), Resumable("w"), Resumable("o"))
    _ = machine.arm(reader, r)
    _ = machine.arm(writer, w)
    _ = machine.arm(other, o)
    #expect(machine.waiterCount(on: keyA) == 2)
    #expect(machine.notify(keyA, events: ZMQ.POLLOUT).map(\.name) == ["w"])
    #expect(machine.notify(keyA, events: ZMQ.POLLOUT).isEmpty)
    #expect(machine.notify(keyA, events: ZMQ.POLLIN | ZMQ.POLLOUT).map(\.name) == ["r"])
    #expect(machine.hasWaiters(on: keyB))
    #expect(!machine.hasWaiters(on: keyA))
  }

  @Test func closingASocketRemovesItsArmedAndReservedWaiters() {
    var machine = Machine()
    let armed = machine.reserve(socket: keyA, descriptors: .one(7), wanted: ZMQ.POLLIN, deadline: nil)!
    let reserved = machine.reserve(socket: keyA, descriptors: .one(7), wanted: ZMQ.POLLIN, deadline: nil)!
    let other = machine.reserve(socket: keyB, descriptors: .one(8), wanted: ZMQ.POLLIN, deadline: nil)!
    _ = machine.arm(armed, Resumable("armed"))
    _ = machine.arm(other, Resumable("other"))
    #expect(machine.socketClosed(keyA).map(\.name) == ["armed"])
    let late = resumed(machine.arm(reserved, Resumable("reserved")))
    #expect(late?.0.name == "reserved" && late?.1 == .closed, "a waiter armed after the close learns at once")
    #expect(machine.count == 1)
    #expect(polledDescriptors(machine).fds == [99, 8])
  }

  @Test func deadlinesBoundThePollAndTimeWaitersOut() {
    var machine = Machine()
    let soon = machine.reserve(
      socket: keyA, descriptors: .one(7), wanted: ZMQ.POLLIN, deadline: start + .milliseconds(10))!
    let later = machine.reserve(socket: keyB, descriptors: .one(8), wanted: ZMQ.POLLIN, deadline: start + .seconds(5))!
    let never = machine.reserve(socket: keyB, descriptors: .one(8), wanted: ZMQ.POLLOUT, deadline: nil)!
    _ = machine.arm(soon, Resumable("soon"))
    _ = machine.arm(later, Resumable("later"))
    _ = machine.arm(never, Resumable("never"))
    #expect(machine.pollTimeout(now: start) == .milliseconds(10))
    #expect(machine.pollTimeout(now: start + .seconds(1)) == .zero, "a past deadline polls without sleeping")
    var woken: [(Resumable, WakeReason)] = []
    machine.pollReturned(reported: [], now: start + .milliseconds(10), into: &woken)
    #expect(woken.map(\.0.name) == ["soon"] && woken.map(\.1) == [.timedOut])
    #expect(machine.pollTimeout(now: start + .milliseconds(10)) == .seconds(5) - .milliseconds(10))
    woken.removeAll()
    machine.pollReturned(reported: [], now: start + .seconds(60), into: &woken)
    #expect(woken.map(\.0.name) == ["later"])
    #expect(machine.count == 1)
  }

  @Test func aWaiterOnSeveralDescriptorsIsResumedOnceWhicheverIsReported() {
    var machine = Machine()
    let id = machine.reserve(socket: nil, descriptors: .many([5, 6, 7]), wanted: ZMQ.POLLIN, deadline: nil)!
    _ = machine.arm(id, Resumable("poller"))
    let (fds, owners) = polledDescriptors(machine)
    #expect(fds == [99, 5, 6, 7])
    #expect(owners.dropFirst().allSatisfy { $0 == id })
    var woken: [(Resumable, WakeReason)] = []
    machine.pollReturned(reported: [owners[2], owners[3]], now: start, into: &woken)
    #expect(woken.map(\.0.name) == ["poller"])
  }

  @Test func shutDownHandsBackEveryArmedWaiterAndRefusesNewOnes() {
    var machine = Machine()
    let armed = machine.reserve(socket: keyA, descriptors: .one(7), wanted: ZMQ.POLLIN, deadline: nil)!
    let reserved = machine.reserve(socket: keyB, descriptors: .one(8), wanted: ZMQ.POLLIN, deadline: nil)!
    _ = machine.arm(armed, Resumable("armed"))
    #expect(machine.shutDown().map(\.name) == ["armed"])
    let late = resumed(machine.arm(reserved, Resumable("reserved")))
    #expect(late?.1 == .shutDown)
    #expect(machine.reserve(socket: keyA, descriptors: .one(7), wanted: ZMQ.POLLIN, deadline: nil) == nil)
    #expect(polledDescriptors(machine).fds == [99])
  }

  @Test func thePollSetVersionChangesOnlyWithThePolledSet() {
    var machine = Machine()
    let version0 = machine.pollSetVersion
    let id = machine.reserve(socket: keyA, descriptors: .one(7), wanted: ZMQ.POLLIN, deadline: nil)!
    #expect(machine.pollSetVersion == version0, "reserving polls nothing new")
    _ = machine.notify(keyA, events: ZMQ.POLLIN)
    #expect(machine.pollSetVersion == version0, "a reserved waiter is not notified")
    _ = machine.arm(id, Resumable("c"))
    let version1 = machine.pollSetVersion
    #expect(version1 != version0)
    _ = machine.notify(keyA, events: ZMQ.POLLOUT)
    #expect(machine.pollSetVersion == version1, "nothing removed")
    _ = machine.notify(keyA, events: ZMQ.POLLIN)
    #expect(machine.pollSetVersion != version1)
  }

  @Test func discardingAReservedWaiterLeavesNoTrace() {
    var machine = Machine()
    let id = machine.reserve(socket: keyA, descriptors: .one(7), wanted: ZMQ.POLLIN, deadline: nil)!
    machine.discard(id)
    #expect(machine.count == 0)
    #expect(!machine.hasWaiters(on: keyA))
  }

  // MARK: Inline polls

  @Test func anInlinePollStartsOnlyWhenTheLoopHasNothingElseToPoll() {
    var machine = Machine()
    let armed = machine.reserve(socket: keyB, descriptors: .one(8), wanted: ZMQ.POLLIN, deadline: nil)!
    let id = machine.reserve(socket: keyA, descriptors: .one(7), wanted: ZMQ.POLLIN, deadline: nil)!
    _ = machine.arm(armed, Resumable("armed"))
    #expect(machine.beginInlinePoll(id) == false, "another wait is armed: the run loop must poll both")
    _ = machine.socketClosed(keyB)
    #expect(machine.beginInlinePoll(id) == true)
    let other = machine.reserve(socket: keyB, descriptors: .one(8), wanted: ZMQ.POLLIN, deadline: nil)!
    #expect(machine.beginInlinePoll(other) == false, "one inline poll at a time")
    #expect(machine.endInlinePoll(id, reported: true, now: start) == .readable)
    #expect(machine.count == 1, "the reported waiter is gone")
    #expect(machine.endInlinePoll(id, reported: true, now: start) == nil, "a second end changes nothing")
    #expect(machine.beginInlinePoll(other) == true, "the poll is over: another can start")
    #expect(machine.cancel(other) == nil, "nothing to resume: the poll returns the reason")
    #expect(machine.endInlinePoll(other, reported: false, now: start) == .cancelled)
    #expect(machine.count == 0)
    let cancelled = machine.reserve(socket: keyA, descriptors: .one(7), wanted: ZMQ.POLLIN, deadline: nil)!
    _ = machine.cancel(cancelled)
    #expect(machine.beginInlinePoll(cancelled) == false, "cancelled before: arm resumes it")
    #expect(resumed(machine.arm(cancelled, Resumable("c")))?.1 == .cancelled)
  }

  @Test func anInterruptedInlinePollLeavesAReservedWaiterToArm() {
    var machine = Machine()
    let id = machine.reserve(socket: keyA, descriptors: .one(7), wanted: ZMQ.POLLIN, deadline: start + .seconds(5))!
    #expect(machine.beginInlinePoll(id) == true)
    #expect(!machine.inlinePollInterrupted)
    #expect(polledDescriptors(machine).fds == [99], "the run loop does not poll it meanwhile")
    // Woken by the loop's own descriptor (a job was enqueued), before the
    // deadline: the wait goes on, suspended.
    #expect(machine.endInlinePoll(id, reported: false, now: start + .seconds(1)) == nil)
    #expect(machine.count == 1)
    let c = Resumable("c")
    #expect(isSuspended(machine.arm(id, c)))
    #expect(polledDescriptors(machine).fds == [99, 7])
    var woken: [(Resumable, WakeReason)] = []
    machine.pollReturned(reported: [id], now: start + .seconds(2), into: &woken)
    #expect(woken.count == 1 && woken.first?.0 === c, "resumed once, by the run loop")
  }

  @Test func anInlinePollEndsWithTheReasonThatInterruptedIt() {
    // Each event that would resume a suspended waiter interrupts an inline
    // poll instead, and the first one decides how the wait ends.
    var machine = Machine()
    func polledInline(_ socket: SocketKey, deadline: ContinuousClock.Instant? = nil) -> WaiterID {
      let id = machine.reserve(socket: socket, descriptors: .one(7), wanted: ZMQ.POLLIN, deadline: deadline)!
      #expect(machine.beginInlinePoll(id) == true)
      return id
    }

    var id = polledInline(keyA)
    #expect(machine.notify(keyB, events: ZMQ.POLLIN).isEmpty)
    #expect(!machine.inlinePollInterrupted, "another socket's news")
    #expect(machine.notify(keyA, events: ZMQ.POLLOUT).isEmpty)
    #expect(!machine.inlinePollInterrupted, "not what it waits for")
    #expect(machine.notify(keyA, events: ZMQ.POLLIN).isEmpty, "nothing to resume: the poll returns the reason")
    #expect(machine.inlinePollInterrupted)
    _ = machine.cancel(id)
    #expect(machine.endInlinePoll(id, reported: true, now: start) == .notified, "the first reason wins")
    #expect(machine.count == 0)

    id = polledInline(keyA)
    #expect(machine.socketClosed(keyA).isEmpty)
    #expect(machine.inlinePollInterrupted)
    #expect(machine.count == 0, "removed at once, as a reserved waiter is")
    #expect(machine.endInlinePoll(id, reported: false, now: start) == .closed)

    id = polledInline(keyA, deadline: start + .milliseconds(5))
    #expect(machine.endInlinePoll(id, reported: false, now: start + .milliseconds(5)) == .timedOut)
    #expect(machine.count == 0)

    id = polledInline(keyA)
    #expect(machine.shutDown().isEmpty)
    #expect(machine.inlinePollInterrupted)
    #expect(machine.endInlinePoll(id, reported: true, now: start) == .shutDown)
    #expect(!machine.inlinePollInterrupted)
    let refused = machine.reserve(socket: keyA, descriptors: .one(7), wanted: ZMQ.POLLIN, deadline: nil)
    #expect(refused == nil)
  }
}
