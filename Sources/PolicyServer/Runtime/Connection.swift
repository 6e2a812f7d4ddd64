import CLinux

/// One client connection: a small state machine driven by its event loop. It reads bytes into
/// the HTTP parser, answers each complete request in order, and tells the loop which readiness
/// to wait for and when its deadline is.
final class Connection {
    enum Phase: Equatable {
        case handshaking
        /// Waiting for (more of) a request.
        case reading
        /// A response is queued; reading pauses until it has left (pipelined requests wait).
        case writing
        /// An error answer has left; the rest of what the client sends is read and dropped
        /// for a moment, so closing with unread bytes does not reset the connection before
        /// the client reads the answer (RFC 9112 9.6).
        case lingering
        case closed
    }

    /// Why a connection ended, for metrics and debug logs.
    enum CloseReason: String {
        case peerClosed = "peer closed"
        case completed = "connection: close"
        case timeout
        case protocolError = "protocol error"
        case handshakeFailed = "TLS handshake failed"
        case ioError = "I/O error"
        case draining = "server draining"
        case evicted = "evicted for a new connection"
    }

    let transport: Transport
    private(set) var phase: Phase
    private var parser: HTTPRequestParser
    private var output: [UInt8] = []
    private var outputOffset = 0
    private var closeAfterWrite = false
    /// Set when the last TLS operation needs the opposite readiness.
    private var wantsWrite = false
    /// Monotonic deadline in ns for the current phase.
    private(set) var deadline: UInt64 = 0
    private(set) var closeReason: CloseReason?
    /// When the peer last made progress (connected, sent bytes, received a response); the
    /// connection idle longest is the first evicted at --max-connections.
    private(set) var lastActivity: UInt64

    private let router: Router
    private let configuration: ServerConfiguration

    init(transport: Transport, router: Router, configuration: ServerConfiguration, now: UInt64) {
        self.transport = transport
        self.router = router
        self.configuration = configuration
        self.parser = HTTPRequestParser(limits: configuration.limits)
        self.lastActivity = now
        if case .tls = transport {
            phase = .handshaking
            deadline = now + configuration.handshakeTimeout.nanoseconds
        } else {
            phase = .reading
            deadline = now + configuration.idleTimeout.nanoseconds
        }
    }

    /// The epoll events the loop last registered for this connection: most requests leave
    /// it at `EPOLLIN`, and an `epoll_ctl` per request that changes nothing is a system call
    /// wasted (``EventLoop``).
    var registeredInterest: UInt32 = 0

    /// The epoll events this connection waits for.
    var interest: UInt32 {
        switch phase {
        case .handshaking, .reading: wantsWrite ? UInt32(EPOLLOUT.rawValue) : UInt32(EPOLLIN.rawValue)
        case .writing: wantsWrite ? UInt32(EPOLLOUT.rawValue) : UInt32(EPOLLIN.rawValue)
        case .lingering: UInt32(EPOLLIN.rawValue)
        case .closed: 0
        }
    }

    /// Idle between requests: a drain closes it at once.
    var isIdle: Bool { phase == .handshaking || (phase == .reading && !parser.isMidRequest) }

    /// The phase name for timeout metrics.
    var phaseName: String {
        switch phase {
        case .handshaking: "handshake"
        case .reading: parser.isMidRequest ? "request" : "idle"
        case .writing: "write"
        case .lingering: "linger"
        case .closed: "closed"
        }
    }

    /// Drives the connection as far as it can go without blocking.
    ///
    /// - Parameter scratch: the loop's read buffer, shared by its connections because only one
    ///   runs at a time.
    func drive(now: UInt64, draining: Bool, scratch: UnsafeMutableRawBufferPointer) {
        if draining { closeAfterWrite = true }
        var progress = true
        while progress, phase != .closed {
            progress = false
            switch phase {
            case .handshaking: progress = handshake(now: now)
            case .reading: progress = read(now: now, scratch: scratch)
            case .writing: progress = flush(now: now)
            case .lingering: progress = discard(scratch: scratch)
            case .closed: break
            }
        }
    }

    /// The phase a timeout hit, for metrics.
    private(set) var timedOutPhase: String?

    /// Closes the connection because its deadline passed.
    func timedOut() {
        if phase == .lingering {
            close(.protocolError)
            return
        }
        timedOutPhase = phaseName
        close(.timeout)
    }

    func close(_ reason: CloseReason) {
        guard phase != .closed else { return }
        phase = .closed
        closeReason = reason
        transport.close()
    }

    // MARK: - Phases

    private func discard(scratch: UnsafeMutableRawBufferPointer) -> Bool {
        while true {
            switch transport.read(into: scratch) {
            case .bytes: continue
            case .wouldBlock: return false
            case .closed, .failed:
                close(.protocolError)
                return false
            }
        }
    }

    private func handshake(now: UInt64) -> Bool {
        switch transport.handshake() {
        case .bytes:
            wantsWrite = false
            phase = .reading
            deadline = now + configuration.idleTimeout.nanoseconds
            return true
        case .wouldBlock(let write):
            wantsWrite = write
            return false
        case .closed, .failed:
            close(.handshakeFailed)
            return false
        }
    }

    /// Answers a buffered request if there is one, else reads more. Returns whether anything changed.
    private func read(now: UInt64, scratch: UnsafeMutableRawBufferPointer) -> Bool {
        if answerBuffered(now: now) { return true }
        var readSomething = false
        while phase == .reading {
            switch transport.read(into: scratch) {
            case .bytes(let count):
                if !parser.isMidRequest { deadline = now + configuration.requestTimeout.nanoseconds }
                parser.append(UnsafeRawBufferPointer(rebasing: scratch[0..<count]))
                lastActivity = now
                readSomething = true
                wantsWrite = false
                if answerBuffered(now: now) { return true }
            case .wouldBlock(let write):
                wantsWrite = write
                return readSomething
            case .closed:
                close(.peerClosed)
                return false
            case .failed:
                close(.ioError)
                return false
            }
        }
        return readSomething
    }

    /// Parses what is buffered; queues the response to a complete request, a `100 Continue`, or
    /// the error answer. Returns whether a response was queued.
    private func answerBuffered(now: UInt64) -> Bool {
        do {
            switch try parser.next() {
            case .needMoreData:
                return false
            case .expectsContinue:
                queue(HTTPResponse.continueBytes, now: now, interim: true)
                return true
            case .request(let request):
                let response = router.respond(to: request)
                if !request.keepAlive { closeAfterWrite = true }
                queue(response.serialized(close: closeAfterWrite), now: now)
                return true
            }
        } catch {
            // Any parse error: answer it and close, because the stream position is now unknown.
            closeAfterWrite = true
            queue(router.respond(to: error).serialized(close: true), now: now)
            closeReasonOnFlush = .protocolError
            return true
        }
    }

    private var closeReasonOnFlush: CloseReason = .completed

    /// Whether the queued bytes are only `100 Continue`: the final response is still to come,
    /// so a drain or `Connection: close` must not close after them.
    private var queuedInterim = false

    private func queue(_ bytes: [UInt8], now: UInt64, interim: Bool = false) {
        output.append(contentsOf: bytes)
        queuedInterim = interim
        phase = .writing
        deadline = now + configuration.writeTimeout.nanoseconds
    }

    private func flush(now: UInt64) -> Bool {
        while outputOffset < output.count {
            let result = output.withUnsafeBytes { buffer in
                transport.write(UnsafeRawBufferPointer(rebasing: buffer[outputOffset...]))
            }
            switch result {
            case .bytes(let count):
                outputOffset += count
                wantsWrite = false
            case .wouldBlock(let write):
                wantsWrite = write
                return false
            case .closed:
                close(.peerClosed)
                return false
            case .failed:
                close(.ioError)
                return false
            }
        }
        lastActivity = now
        output.removeAll(keepingCapacity: output.count <= 64 * 1024)
        outputOffset = 0
        if closeAfterWrite, !queuedInterim {
            if closeReasonOnFlush == .protocolError {
                transport.finishWriting()
                phase = .lingering
                deadline = now + 1_000_000_000
                return true
            }
            close(closeReasonOnFlush)
            return false
        }
        phase = .reading
        deadline = now + (parser.isMidRequest ? configuration.requestTimeout : configuration.idleTimeout).nanoseconds
        return true
    }
}
