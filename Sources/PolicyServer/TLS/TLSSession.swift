internal import COpenSSL

/// What a non-blocking TLS call amounted to, mapped once from `SSL_get_error`.
enum TLSResult: Equatable {
    case done(Int)
    case wantRead
    case wantWrite
    /// The peer closed the TLS session cleanly (close_notify) or the socket reached EOF.
    case closed
    case failed(String)
}

/// One server-side TLS session (`SSL *`) over a non-blocking socket. Owned by exactly one
/// connection on one event loop, so it needs no locking.
final class TLSSession {
    private let ssl: OpaquePointer

    init(takingOwnership ssl: OpaquePointer) {
        self.ssl = ssl
    }

    deinit {
        SSL_free(ssl)
    }

    func handshake() -> TLSResult {
        ERR_clear_error()
        let result = SSL_do_handshake(ssl)
        return result == 1 ? .done(0) : classify(result, operation: "TLS handshake")
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) -> TLSResult {
        ERR_clear_error()
        guard let base = buffer.baseAddress else { return .done(0) }
        let result = SSL_read(ssl, base, Int32(clamping: buffer.count))
        return result > 0 ? .done(Int(result)) : classify(result, operation: "TLS read")
    }

    func write(_ bytes: UnsafeRawBufferPointer) -> TLSResult {
        ERR_clear_error()
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return .done(0) }
        let result = SSL_write(ssl, base, Int32(clamping: bytes.count))
        return result > 0 ? .done(Int(result)) : classify(result, operation: "TLS write")
    }

    /// Sends close_notify without waiting for the peer's; the socket is closed right after.
    func shutdown() {
        ERR_clear_error()
        _ = SSL_shutdown(ssl)
        ERR_clear_error()
    }

    private func classify(_ result: Int32, operation: String) -> TLSResult {
        switch SSL_get_error(ssl, result) {
        case SSL_ERROR_WANT_READ: return .wantRead
        case SSL_ERROR_WANT_WRITE: return .wantWrite
        case SSL_ERROR_ZERO_RETURN: return .closed
        case SSL_ERROR_SYSCALL:
            let error = OpenSSLError.drain(operation)
            // EOF without close_notify, or a reset: the peer went away.
            return error.stack.isEmpty ? .closed : .failed(error.description)
        default:
            return .failed(OpenSSLError.drain(operation).description)
        }
    }
}
