import CLinux
import Foundation
import Synchronization

/// One event-loop thread: an epoll set over the shared listening socket (with
/// `EPOLLEXCLUSIVE`, so one loop wakes per new connection) and the connections this loop
/// accepted. Connections never move between loops, so their state needs no locks.
final class EventLoop: @unchecked Sendable {
    // @unchecked Sendable: after start(), `connections` and `drainDeadline` are touched only by
    // the loop's own thread; other threads only call wake(), which writes to an eventfd.
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
    /// The read buffer all of this loop's connections share (one runs at a time).
    private let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

    init(index: Int, listener: Listener, state: ServerState, control: ServerControl) throws(ListenError) {
        self.index = index
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

    /// Interrupts epoll_wait (shutdown).
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
                break
            }
        }
    }

    private func acceptPending(now: UInt64) {
        // A bounded batch per wakeup keeps one loop from starving its own connections.
        for _ in 0..<64 {
            guard let fd = listener.accept() else { return }
            guard control.reserveConnection() else {
                Foundation.close(fd)
                state.metrics.update { $0.connectionsRejected += 1 }
                continue
            }
            let transport: Transport
            if state.configuration.insecureHTTP {
                transport = .plain(fd)
            } else if let tls = state.tls, let session = try? tls.session(socket: fd) {
                transport = .tls(fd, session)
            } else {
                Foundation.close(fd)
                control.releaseConnection()
                state.metrics.update { $0.handshakeFailures += 1 }
                continue
            }
            let connection = Connection(transport: transport, router: router, configuration: state.configuration, now: now)
            connections[fd] = connection
            state.metrics.update {
                $0.connectionsAccepted += 1
                $0.connectionsOpen += 1
            }
            guard clinux_epoll_add(epoll, fd, connection.interest) == 0 else {
                finish(connection, .ioError)
                connections[fd] = nil
                continue
            }
            // The client usually speaks first (ClientHello), so drive at once.
            connection.drive(now: now, draining: false, scratch: scratch)
            settle(connection)
        }
    }

    /// After a connection ran: forget it if it closed, else update what epoll waits for.
    private func settle(_ connection: Connection) {
        let fd = connection.transport.fd
        if connection.phase == .closed {
            connections[fd] = nil
            released(connection)
            return
        }
        _ = clinux_epoll_mod(epoll, fd, connection.interest)
    }

    private func finish(_ connection: Connection, _ reason: Connection.CloseReason) {
        let wasOpen = connection.phase != .closed
        connection.close(reason)
        if wasOpen { released(connection) }
    }

    private func released(_ connection: Connection) {
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
