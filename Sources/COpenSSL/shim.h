#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>

/* OpenSSL 3.0 spells these as macros over SSL_CTX_ctrl / SSL_ctrl; Swift cannot call macros. */
static inline int copenssl_ctx_set_min_tls12(SSL_CTX *ctx) {
    return (int)SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
}

/* Non-blocking sockets: a write may complete partially, and a retried write may come from a
   different buffer address (the connection's output buffer grows). */
static inline long copenssl_ctx_set_nonblocking_modes(SSL_CTX *ctx) {
    return SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
}

static inline uint64_t copenssl_ctx_harden(SSL_CTX *ctx) {
    return SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
}

/* Server-side session caching on, so returning clients (the API server) resume sessions. */
static inline long copenssl_ctx_enable_server_session_cache(SSL_CTX *ctx) {
    return SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
}

