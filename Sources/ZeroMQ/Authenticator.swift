import Dispatch
import Synchronization

/// A ZAP handler (RFC 27) for one context, answering libzmq's
/// authentication requests on its own thread — the counterpart of pyzmq's
/// `ThreadAuthenticator`.
///
/// Once ``start()`` has returned, every PLAIN or CURVE server socket of the
/// context, and every NULL server socket with a `.zapDomain`, asks the
/// authenticator about each new connection; the policy of the socket's
/// ZAP domain (``policies``; ``policy`` for domains without their own)
/// decides, and the `onDecision` callback hears about it.
///
/// ```swift
/// let auth = Authenticator(context: context) { decision in print(decision) }
/// try auth.start()
/// try auth.deny("192.0.2.7")
/// auth.configurePlain(passwords: ["admin": "secret"])
/// // … servers with `.plainServer`, `.curveServer` or `.zapDomain` …
/// auth.stop()
/// ```
///
/// Rules of use:
/// - Start the authenticator **before** server sockets accept connections
///   and keep it running: libzmq 4.3 lets every peer in when no ZAP handler
///   is bound.
/// - One authenticator per context (the endpoint `inproc://zeromq.zap.01`
///   can be bound once).
/// - The policy can be changed at any time from any thread; the change
///   applies to the next request.
/// - Requests are answered one at a time. A credential check the
///   application supplies (``configurePlain(timeout:check:)``,
///   ``configureCurve(timeout:check:)``) is waited for at most its timeout,
///   so a slow one delays other connections by that much at worst; one
///   that throws refuses its peer and the authenticator carries on.
/// - ``stop()`` ends the thread and waits for it. Shutting down or
///   terminating the context (``Context/shutdown()``, ``Context/term()``)
///   also ends it, so `term()` never waits on the authenticator. Do not
///   call ``Context/destroy(linger:)`` while it runs (that closes its
///   sockets from another thread); stop it first.
/// - Dropping the last reference stops it.
public final class Authenticator: Sendable {
  /// The endpoint libzmq sends ZAP requests to, in every context.
  public static let endpoint = "inproc://zeromq.zap.01"

  /// The context whose connections are authenticated.
  public let context: Context

  /// State shared with the handler thread.
  private let shared: Shared

  /// The running thread, if any.
  private let run = Mutex<Run?>(nil)

  /// Creates a stopped authenticator for `context` with the default
  /// ``ZAPPolicy`` (NULL peers in, PLAIN and CURVE peers out).
  ///
  /// - Parameters:
  ///   - context: the context whose server sockets are to be guarded.
  ///   - onDecision: called on the authenticator's thread after each reply,
  ///     with what was decided and why. Keep it short; it must not block on
  ///     the authenticator.
  public init(context: Context, onDecision: (@Sendable (ZAPDecision) -> Void)? = nil) {
    self.context = context
    self.shared = Shared(onDecision: onDecision)
  }

  deinit {
    stop()
  }

  /// The default policy: the rules for requests whose ZAP domain has no
  /// policy of its own (``setPolicy(_:forDomain:)``), which is every
  /// request until one is set. May be read and replaced from any thread;
  /// applies to the next request.
  public var policy: ZAPPolicy {
    get { shared.policies.withLock { $0.defaultPolicy } }
    set { shared.policies.withLock { $0.defaultPolicy = newValue } }
  }

  /// Every policy: the default and those of particular ZAP domains. May be
  /// read and replaced from any thread; applies to the next request.
  public var policies: ZAPPolicyTable {
    get { shared.policies.withLock { $0 } }
    set { shared.policies.withLock { $0 = newValue } }
  }

  /// Changes the default policy in place, atomically with respect to
  /// requests.
  public func updatePolicy<R>(_ body: (inout ZAPPolicy) throws -> R) rethrows -> R {
    try shared.policies.withLock { policies in
      var copy = policies.defaultPolicy
      let result = try body(&copy)
      policies.defaultPolicy = copy
      return result
    }
  }

  /// Changes the policy of one ZAP domain in place, atomically with
  /// respect to requests. A domain without a policy of its own starts from
  /// a fresh ``ZAPPolicy`` (not from the default policy).
  public func updatePolicy<R>(forDomain domain: String, _ body: (inout ZAPPolicy) throws -> R) rethrows -> R {
    try shared.policies.withLock { policies in
      var copy = policies.domains[domain] ?? ZAPPolicy()
      let result = try body(&copy)
      policies.domains[domain] = copy
      return result
    }
  }

  /// Gives a ZAP domain (the `.zapDomain` of server sockets) its own
  /// policy, or with `nil` returns it to the default policy.
  public func setPolicy(_ policy: ZAPPolicy?, forDomain domain: String) {
    shared.policies.withLock { $0.domains[domain] = policy }
  }

  /// The policy that decides about requests for `domain`: its own, or the
  /// default.
  public func policy(forDomain domain: String) -> ZAPPolicy {
    shared.policies.withLock { $0.policy(forDomain: domain) }
  }

  /// Lets only these addresses in (adds them to the allow list of the
  /// default policy); see ``ZAPPolicy/allow(_:)``.
  ///
  /// - Throws: ``ZAPPolicyError``.
  public func allow(_ addresses: String...) throws {
    try updatePolicy { policy in try policy.allow(addresses) as Void }
  }

  /// Refuses these addresses (adds them to the deny list of the default
  /// policy); see ``ZAPPolicy/deny(_:)``.
  ///
  /// - Throws: ``ZAPPolicyError``.
  public func deny(_ addresses: String...) throws {
    try updatePolicy { policy in try policy.deny(addresses) as Void }
  }

  /// Sets the PLAIN user names and passwords of the default policy
  /// (replacing earlier ones).
  public func configurePlain(passwords: [String: String]) {
    updatePolicy { $0.plainPasswords = passwords }
  }

  /// Sets the default policy's check of PLAIN users that are not in its
  /// password table, e.g. a database lookup; `nil` removes it. The closure
  /// runs on the authenticator's thread; see ``ZAPPolicy/PlainCheck`` for
  /// errors and timeouts.
  ///
  /// ```swift
  /// auth.configurePlain(timeout: .seconds(2)) { username, password, request in
  ///     try database.passwordMatches(username, password) ? .allow : .deny
  /// }
  /// ```
  public func configurePlain(
    timeout: Duration? = .seconds(5), check: ZAPPolicy.PlainCheck.Body?
  ) {
    let value = check.map { ZAPPolicy.PlainCheck(timeout: timeout, $0) }
    updatePolicy { $0.plainCheck = value }
  }

  /// Sets which CURVE clients the default policy lets in.
  public func configureCurve(_ rule: ZAPPolicy.CurveRule) {
    updatePolicy { $0.curve = rule }
  }

  /// Sets the default policy's check of CURVE keys that its
  /// ``ZAPPolicy/curve`` rule does not allow; `nil` removes it. The closure
  /// runs on the authenticator's thread; see ``ZAPPolicy/CurveCheck`` for
  /// errors and timeouts.
  public func configureCurve(timeout: Duration? = .seconds(5), check: ZAPPolicy.CurveCheck.Body?) {
    let value = check.map { ZAPPolicy.CurveCheck(timeout: timeout, $0) }
    updatePolicy { $0.curveCheck = value }
  }

  /// Lets in, under the default policy, the CURVE clients whose public key
  /// is in `store` when they connect: keys inserted, removed or reloaded
  /// later apply to the next connection without configuring again.
  public func configureCurve(store: CurveCertificateStore) {
    updatePolicy { $0.curveCheck = .store(store) }
  }

  /// Lets in, under the default policy, the CURVE clients whose keys are
  /// in a directory of public certificate files (every `*.key` file; see
  /// ``CurveCertificate/publicKeys(inDirectory:)``). The directory is read
  /// now; call again to reload it.
  ///
  /// - Returns: the number of keys loaded.
  /// - Throws: ``CurveCertificateError`` (the policy is then unchanged).
  @discardableResult
  public func configureCurve(keyDirectory: String) throws -> Int {
    let keys = try CurveCertificate.publicKeys(inDirectory: keyDirectory)
    configureCurve(.keys(Set(keys)))
    return keys.count
  }

  /// Whether the handler thread is running (it also ends when the context
  /// is shut down).
  public var isRunning: Bool {
    run.withLock { $0.map { !$0.finished.isRaised } ?? false }
  }

  /// Starts the handler thread and waits until it serves
  /// `inproc://zeromq.zap.01`. Does nothing when already running.
  ///
  /// - Throws: ``ZMQError/eaddrinuse`` when another ZAP handler is bound in
  ///   this context, ``ZMQError/eterm`` when the context is shut down, and
  ///   other errors of creating and binding sockets.
  public func start() throws {
    try run.withLock { (current) throws(ZMQError) in
      if let existing = current {
        guard existing.finished.isRaised else { return }
        existing.thread.join()
        current = nil
      }
      current = try Run.start(context: context, shared: shared)
    }
  }

  /// Stops the handler thread and waits for it to end. Does nothing when it
  /// is not running. Safe to call from any thread, including from the
  /// `onDecision` callback (which then does not wait for itself).
  ///
  /// Once stopped, libzmq lets every peer in again: stop the authenticator
  /// after the servers it guards.
  public func stop() {
    guard
      let current = run.withLock({ current -> Run? in
        defer { current = nil }; return current
      })
    else { return }
    current.stop(context: context)
  }
}

extension Authenticator {
  /// The state the handler thread reads: the policy and the callback.
  final class Shared: Sendable {
    let policies = Mutex(ZAPPolicyTable())
    let onDecision: (@Sendable (ZAPDecision) -> Void)?

    init(onDecision: (@Sendable (ZAPDecision) -> Void)?) {
      self.onDecision = onDecision
    }
  }

  /// A signal raised once, waited for by anyone.
  final class Signal: Sendable {
    private let raised = Atomic<Bool>(false)
    private let semaphore = DispatchSemaphore(value: 0)

    var isRaised: Bool { raised.load(ordering: .acquiring) }

    func raise() {
      guard !raised.exchange(true, ordering: .acquiringAndReleasing) else { return }  // once
      semaphore.signal()
    }

    func wait() {
      semaphore.wait()
      semaphore.signal()  // later waits return at once
    }
  }

  /// One run of the handler thread.
  struct Run: Sendable {
    let thread: NativeThread
    /// Where the thread listens for the stop message.
    let stopEndpoint: String
    let stopping: StopFlag
    let finished: Signal

    final class StopFlag: Sendable {
      private let value = Atomic<Bool>(false)
      var isSet: Bool { value.load(ordering: .acquiring) }
      func set() { value.store(true, ordering: .releasing) }
    }

    /// Starts the thread and waits until it has bound its sockets (or
    /// failed to).
    static func start(context: Context, shared: Shared) throws(ZMQError) -> Run {
      let stopEndpoint = InternalEndpoint.unique("authenticator-stop")
      let stopping = StopFlag()
      let finished = Signal()
      let started = Signal()
      let startError = Mutex<ZMQError?>(nil)
      let thread = try SystemCalls.startThread(name: "zmq-authenticator") {
        defer { finished.raise() }
        Handler.run(
          context: context, shared: shared, stopEndpoint: stopEndpoint, stopping: stopping, finished: finished,
          ready: { error in
            startError.withLock { $0 = error }
            started.raise()
          })
      }
      started.wait()
      if let error = startError.withLock({ $0 }) {
        thread.join()
        throw error
      }
      return Run(thread: thread, stopEndpoint: stopEndpoint, stopping: stopping, finished: finished)
    }

    /// Asks the thread to end and joins it.
    func stop(context: Context) {
      stopping.set()
      // Wake the thread at once. If this fails (the context is shut down,
      // so the thread is ending anyway), the flag is seen within
      // `Handler.pollInterval`.
      if !finished.isRaised, let waker = try? context.socket(.pair) {
        try? waker.set(.linger, 0)
        if (try? waker.connect(stopEndpoint)) != nil {
          _ = try? waker.send("STOP", flags: .dontWait)
        }
        try? waker.close()
      }
      if thread.isCurrent {
        thread.detach()  // called from onDecision: the thread ends after it returns
      } else {
        thread.join()
      }
    }
  }

  /// The handler loop, on its own thread.
  enum Handler {
    /// How often the loop checks the stop flag when nothing wakes it.
    static let pollInterval = 500
    /// The most frames of one request kept; longer requests are refused.
    static let maximumFrames = 32

    static func run(
      context: Context, shared: Shared, stopEndpoint: String, stopping: Run.StopFlag, finished: Signal,
      ready: (ZMQError?) -> Void
    ) {
      let zap: Socket
      let waker: Socket
      do {
        zap = try context.socket(.router)
        try zap.set(.linger, 0)
        waker = try context.socket(.pair)
        try waker.set(.linger, 0)
        try waker.bind(stopEndpoint)
        try zap.bind(Authenticator.endpoint)
      } catch {
        ready((error as? ZMQError) ?? .einval)
        return
      }
      ready(nil)
      defer {
        // Serving is over: say so before closing the sockets, because
        // closing them is what lets a `term()` in another thread return,
        // and by then `isRunning` must already be false.
        finished.raise()
        // Unbinding first frees the ZAP endpoint at once (closing alone
        // frees it only when libzmq's reaper gets to the socket), so another
        // handler can start right after `stop()` returns.
        try? zap.unbind(Authenticator.endpoint)
        try? zap.close()
        try? waker.close()
      }
      let poller = Poller()
      do {
        try poller.add(zap, events: .pollIn)
        try poller.add(waker, events: .pollIn)
        while !stopping.isSet {
          guard let event = try poller.wait(timeout: pollInterval) else { continue }
          if event.socket === waker { return }
          do {
            try answer(zap, shared: shared)
          } catch let error as ZMQError where error == .eterm || error == .enotsock {
            return
          } catch {
            continue  // one bad exchange must not end the handler
          }
        }
      } catch {
        return  // ETERM: the context is being shut down
      }
    }

    /// Receives one request on the ROUTER socket, answers it and reports
    /// the decision.
    static func answer(_ zap: Socket, shared: Shared) throws {
      var frames: [[UInt8]] = []
      var total = 0
      repeat {
        guard let frame = try zap.recv(flags: .dontWait) else { return }
        total += 1
        if frames.count < maximumFrames { frames.append(frame) }
      } while try zap.get(.rcvmore)

      // The envelope: routing ids up to the empty delimiter.
      guard let delimiter = frames.firstIndex(where: \.isEmpty) else {
        report(
          shared,
          ZAPDecision(
            domain: "", address: "", mechanism: nil, status: .internalError,
            reason: "a message without an envelope delimiter arrived on the ZAP endpoint"))
        return  // nowhere to send a reply
      }
      let envelope = frames[...delimiter]
      let body = Array(frames[(delimiter + 1)...])
      let reply: ZAPReply
      let decision: ZAPDecision
      if total > frames.count {
        reply = ZAPReply(
          requestId: body.count > 1 ? body[1] : [], status: .internalError, statusText: "Malformed request")
        decision = ZAPDecision(
          domain: "", address: "", mechanism: nil, status: .internalError,
          reason: "a ZAP request of \(total - delimiter - 1) frames is too long")
      } else {
        do {
          let request = try ZAPRequest.parse(frames: body)
          decision = shared.policies.withLock { $0 }.decide(request)
          reply = ZAPReply(
            requestId: request.requestId, status: decision.status,
            statusText: decision.allowed ? "OK" : "Access denied", userId: decision.allowed ? decision.userId : "")
        } catch {
          reply = ZAPReply(
            requestId: body.count > 1 ? body[1] : [], status: .internalError, statusText: "Malformed request")
          decision = ZAPDecision(
            domain: "", address: "", mechanism: nil, status: .internalError, reason: error.description)
        }
      }
      let parts = Array(envelope) + reply.frames
      for (index, part) in parts.enumerated() {
        try zap.send(part, flags: index == parts.count - 1 ? [] : .sndMore)
      }
      report(shared, decision)
    }

    static func report(_ shared: Shared, _ decision: ZAPDecision) {
      shared.onDecision?(decision)
    }
  }
}
