import Foundation

/// What one non-blocking read or write did, for plain sockets and TLS alike.
enum IOResult: Equatable {
    case bytes(Int)
    /// Nothing to do now; `wantsWrite` says which readiness to wait for (TLS may need to write
    /// to make a read progress, and the other way round).
    case wouldBlock(wantsWrite: Bool)
    case closed
    case failed(String)
}

/// A connected socket, with or without TLS on top. EINTR is retried here, so callers never
/// see it.
enum Transport {
    case plain(Int32)
    case tls(Int32, TLSSession)

    var fd: Int32 {
        switch self {
        case .plain(let fd), .tls(let fd, _): fd
        }
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> IOResult {
        switch self {
        case .plain(let fd):
            while true {
                let count = Foundation.read(fd, buffer.baseAddress, buffer.count)
                if count > 0 { return .bytes(count) }
                if count == 0 { return .closed }
                switch errno {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK: return .wouldBlock(wantsWrite: false)
                case ECONNRESET: return .closed
                default: return .failed(String(cString: strerror(errno)))
                }
            }
        case .tls(_, let session):
            return Self.map(session.read(into: buffer))
        }
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> IOResult {
        switch self {
        case .plain(let fd):
            while true {
                // MSG_NOSIGNAL: a peer that went away must not kill the process with SIGPIPE
                // (SIGPIPE is also ignored process-wide; this covers embedding).
                let count = send(fd, bytes.baseAddress, bytes.count, Int32(MSG_NOSIGNAL))
                if count >= 0 { return .bytes(count) }
                switch errno {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK: return .wouldBlock(wantsWrite: true)
                case EPIPE, ECONNRESET: return .closed
                default: return .failed(String(cString: strerror(errno)))
                }
            }
        case .tls(_, let session):
            return Self.map(session.write(bytes))
        }
    }

    /// The TLS handshake step; plain sockets have none.
    func handshake() -> IOResult {
        switch self {
        case .plain: return .bytes(0)
        case .tls(_, let session): return Self.map(session.handshake())
        }
    }

    /// Says the server has nothing more to send (close_notify, then FIN) while reads go on.
    func finishWriting() {
        if case .tls(_, let session) = self { session.shutdown() }
        Foundation.shutdown(fd, Int32(SHUT_WR))
    }

    func close() {
        if case .tls(_, let session) = self { session.shutdown() }
        Foundation.close(fd)
    }

    private static func map(_ result: TLSResult) -> IOResult {
        switch result {
        case .done(let count): .bytes(count)
        case .wantRead: .wouldBlock(wantsWrite: false)
        case .wantWrite: .wouldBlock(wantsWrite: true)
        case .closed: .closed
        case .failed(let reason): .failed(reason)
        }
    }
}
