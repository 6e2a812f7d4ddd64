import CLinux
import Foundation
import PolicyCore
import Synchronization

/// One event-loop thread: an epoll set over the shared listening socket (with
/// `EPOLLEXCLUSIVE`, so one loop wakes per new connection) and the connections it serves.
///
/// The loop that accepts a connection gives it to the least-loaded loop (``LoopGroup``): a
/// burst of connects wakes one loop, and without the hand-off that loop would keep them all
/// while the other cores idle. A connection then stays on its loop, so its state needs no locks.
final class EventLoop: @unchecked Sendable {
    // @unchecked Sendable: after start(), `connections` and `drainDeadline` are touched only by
    // the loop's own thread; other threads only call wake() and adopt(), which go through the
    // `inbox` mutex, the `load` atomic and an eventfd.
    let index: Int
    private let epoll: Int32
    private let wakeFD: Int32
    private let listener: Listener
    private let state: ServerState
    private let router: Router
    private let control: ServerControl
    private var connections: [Int32: Connection] = [:]
    private var drainDeadline: UInt64?
    private var listening = true
    private let group: LoopGroup
    /// Connections assigned to this loop and not yet released, read by other loops to choose.
    let load = Atomic<Int>(0)
    /// Accepted sockets handed over by other loops, taken on the next wake-up.
    private let inbox = Locked<[Int32]>([])
    /// The read buffer all of this loop's connections share (one runs at a time).
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

    init(index: Int, listener: Listener, state: ServerState, control: ServerControl, group: LoopGroup) throws(ListenError) {
        self.index = index
        self.group = group
        self.listener = listener
        self.state = state
        self.router = Router(state: state)
        self.control = control
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_NONBLOCK | EFD_CLOEXEC))
        guard epoll >= 0, wakeFD >= 0 else { throw ListenError(address: "event loop \(index)", reason: String(cString: strerror(errno))) }
        guard clinux_epoll_add(epoll, listener.fd, EPOLLIN.rawValue | EPOLLEXCLUSIVE.rawValue) == 0,
            clinux_epoll_add(epoll, wakeFD, EPOLLIN.rawValue) == 0
        else { throw ListenError(address: "event loop \(index)", reason: "epoll_ctl: \(String(cString: strerror(errno)))") }
    }

    deinit {
        Foundation.close(epoll)
        Foundation.close(wakeFD)
        scratch.deallocate()
    }

    /// Takes over a socket another loop accepted (its connection slot is already reserved).
    func adopt(_ fd: Int32) {
        inbox.withLock { $0.append(fd) }
        wake()
    }

    private func takeInbox() -> [Int32] {
        inbox.withLock { inbox in
            defer { inbox.removeAll(keepingCapacity: true) }
            return inbox
        }
    }

    /// Interrupts epoll_wait (shutdown, or a socket in the inbox).
    func wake() {
        var one: UInt64 = 1
        _ = Foundation.write(wakeFD, &one, 8)
    }

    /// The loop body; returns when the server has drained.
    func run() {
        let capacity = 128
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: capacity)
        defer { events.deallocate() }
        var nextSweep = monotonicNanoseconds()
        while true {
            let count = epoll_wait(epoll, events, Int32(capacity), 100)
            if count < 0, errno != EINTR {
                state.logger.error("epoll_wait failed", ["loop": .integer(Int64(index)), "error": .string(String(cString: strerror(errno)))])
                break
            }
            let now = monotonicNanoseconds()
            let draining = control.isDraining
            for slot in 0..<max(0, Int(count)) {
                let fd = clinux_epoll_event_fd(events + slot)
                if fd == listener.fd {
                    if listening && !draining { acceptPending(now: now) }
                } else if fd == wakeFD {
                    var value: UInt64 = 0
                    _ = Foundation.read(wakeFD, &value, 8)
                    for adopted in takeInbox() {
                        if draining { refuse(adopted) } else { serve(adopted, now: now) }
                    }
                } else if let connection = connections[fd] {
                    connection.drive(now: now, draining: draining, scratch: scratch)
                    settle(connection)
                }
            }
            if draining, drainDeadline == nil { startDrain(now: now) }
            if now >= nextSweep {
                sweep(now: now)
                nextSweep = now + 100_000_000
            }
            if let deadline = drainDeadline, connections.isEmpty || now >= deadline {
                for connection in connections.values { finish(connection, .draining) }
                connections.removeAll()
                takeInbox().forEach(refuse)
                break
            }
        }
    }

    private func acceptPending(now: UInt64) {
        // A bounded batch per wakeup keeps one loop from starving its own connections.
        for _ in 0..<64 {
            guard let fd = listener.accept() else { return }
            // At the bound, an idle connection (between requests, or a handshake that has not
            // finished) makes room: otherwise a client holding idle connections could lock
            // the API server out. Only with nothing idle here is the new one refused.
            guard control.reserveConnection() || (evictIdleConnection() && control.reserveConnection()) else {
                Foundation.close(fd)
                state.metrics.update { $0.connectionsRejected += 1 }
                continue
            }
            let target = group.leastLoaded(preferring: self)
            target.load.wrappingAdd(1, ordering: .relaxed)
            if target === self { serve(fd, now: now) } else { target.adopt(fd) }
        }
    }

    /// Starts serving an accepted socket on this loop.
    private func serve(_ fd: Int32, now: UInt64) {
        let transport: Transport
        if state.configuration.insecureHTTP {
            transport = .plain(fd)
        } else if let tls = state.tls, let session = try? tls.session(socket: fd) {
            transport = .tls(fd, session)
        } else {
            refuse(fd)
            state.metrics.update { $0.handshakeFailures += 1 }
            return
        }
        let connection = Connection(transport: transport, router: router, configuration: state.configuration, now: now)
        connections[fd] = connection
        state.metrics.update {
            $0.connectionsAccepted += 1
            $0.connectionsOpen += 1
        }
        connection.registeredInterest = connection.interest
        guard clinux_epoll_add(epoll, fd, connection.registeredInterest) == 0 else {
            finish(connection, .ioError)
            connections[fd] = nil
            return
        }
        // The client usually speaks first (ClientHello), so drive at once.
        connection.drive(now: now, draining: false, scratch: scratch)
        settle(connection)
    }

    /// Closes this loop's idle connection whose peer has been silent longest: a stalled handshake
    /// or a keep-alive connection nobody uses, never one a client is using right now.
    private func evictIdleConnection() -> Bool {
        guard let (fd, oldest) = connections.lazy.filter({ $0.value.isIdle }).min(by: { $0.value.lastActivity < $1.value.lastActivity }) else {
            return false
        }
        finish(oldest, .evicted)
        connections[fd] = nil
        state.metrics.update { $0.connectionsEvicted += 1 }
        return true
    }

    /// Closes a socket that never became a connection, giving back its slot.
    private func refuse(_ fd: Int32) {
        Foundation.close(fd)
        load.wrappingSubtract(1, ordering: .relaxed)
        control.releaseConnection()
    }

    /// After a connection ran: forget it if it closed, else update what epoll waits for.
    private func settle(_ connection: Connection) {
        let fd = connection.transport.fd
        if connection.phase == .closed {
            connections[fd] = nil
            released(connection)
            return
        }
        let interest = connection.interest
        guard interest != connection.registeredInterest else { return }
        connection.registeredInterest = interest
        _ = clinux_epoll_mod(epoll, fd, interest)
    }

    private func finish(_ connection: Connection, _ reason: Connection.CloseReason) {
        let wasOpen = connection.phase != .closed
        connection.close(reason)
        if wasOpen { released(connection) }
    }

    private func released(_ connection: Connection) {
        load.wrappingSubtract(1, ordering: .relaxed)
        control.releaseConnection()
        state.metrics.update {
            $0.connectionsOpen -= 1
            if connection.closeReason == .handshakeFailed { $0.handshakeFailures += 1 }
            if connection.closeReason == .timeout { $0.timeouts[connection.timedOutPhase ?? "unknown", default: 0] += 1 }
        }
    }

    /// Closes connections past their deadline: slow handshakes, slow requests, idle ones, and
    /// stalled readers of a response.
    private func sweep(now: UInt64) {
        for (fd, connection) in connections where now >= connection.deadline {
            connection.timedOut()
            connections[fd] = nil
            released(connection)
        }
    }

    /// Stops accepting, closes idle connections and gives the rest the grace period.
    private func startDrain(now: UInt64) {
        drainDeadline = now + state.configuration.shutdownGrace.nanoseconds
        listening = false
        _ = epoll_ctl(epoll, EPOLL_CTL_DEL, listener.fd, nil)
        for (fd, connection) in connections where connection.isIdle {
            finish(connection, .draining)
            connections[fd] = nil
        }
    }
}

/// The server's event loops, for choosing where a new connection goes.
final class LoopGroup: Sendable {
    private let loops = Locked<[EventLoop]>([])

    func set(_ loops: [EventLoop]) {
        self.loops.withLock { $0 = loops }
    }

    /// The loop with the fewest connections; `preferred` (the accepting loop) on a tie, which
    /// saves a hand-off.
    func leastLoaded(preferring preferred: EventLoop) -> EventLoop {
        loops.withLock { loops in
            var best = preferred
            var bestLoad = preferred.load.load(ordering: .relaxed)
            for loop in loops where loop !== preferred {
                let load = loop.load.load(ordering: .relaxed)
                if load < bestLoad { (best, bestLoad) = (loop, load) }
            }
            return best
        }
    }
}
