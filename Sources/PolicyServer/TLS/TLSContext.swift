internal import COpenSSL

/// A server TLS context (`SSL_CTX`) built once from a certificate chain and key on disk, and
/// shared by every connection accepted while it is current.
///
/// Rotation builds a new context and swaps it in for new connections; connections already open
/// keep the context they started with, because each `SSL` holds a reference to its `SSL_CTX`.
package final class TLSContext: @unchecked Sendable {
    // @unchecked Sendable: the SSL_CTX is fully configured in init and never mutated after;
    // OpenSSL documents SSL_new on a shared, unchanging SSL_CTX as thread-safe.
    let pointer: OpaquePointer
    /// Where the certificate and key were read, for logs.
    package let certificatePath: String
    package let keyPath: String

    /// Loads a PEM certificate chain and private key; TLS 1.2 is the minimum version.
    package init(certificatePath: String, keyPath: String) throws(OpenSSLError) {
        ERR_clear_error()
        guard let context = SSL_CTX_new(TLS_server_method()) else { throw .drain("creating a TLS context") }
        pointer = context
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        guard copenssl_ctx_set_min_tls12(context) == 1 else { throw .drain("setting TLS 1.2 as the minimum version") }
        _ = copenssl_ctx_harden(context)
        _ = copenssl_ctx_set_nonblocking_modes(context)
        _ = copenssl_ctx_enable_server_session_cache(context)
        guard SSL_CTX_use_certificate_chain_file(context, certificatePath) == 1 else {
            throw .drain("loading the certificate chain from \(certificatePath)")
        }
        guard SSL_CTX_use_PrivateKey_file(context, keyPath, SSL_FILETYPE_PEM) == 1 else {
            throw .drain("loading the private key from \(keyPath)")
        }
        guard SSL_CTX_check_private_key(context) == 1 else {
            throw .drain("checking that the key in \(keyPath) matches the certificate in \(certificatePath)")
        }
    }

    deinit {
        SSL_CTX_free(pointer)
    }

    /// A server session on a connected socket (`SSL_new` + `SSL_set_fd`).
    func session(socket: Int32) throws(OpenSSLError) -> TLSSession {
        ERR_clear_error()
        guard let ssl = SSL_new(pointer) else { throw .drain("creating a TLS session") }
        let session = TLSSession(takingOwnership: ssl)
        guard SSL_set_fd(ssl, socket) == 1 else { throw .drain("attaching a TLS session to a socket") }
        SSL_set_accept_state(ssl)
        return session
    }
}
