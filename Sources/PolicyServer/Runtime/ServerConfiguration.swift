/// Everything `flyte-policy serve` can be told, with every resource limit in one place
/// (docs/architecture.md lists them with their reasons).
package struct ServerConfiguration: Sendable {
    /// Address to listen on; `0.0.0.0` or a literal IPv4/IPv6 address.
    package var host = "0.0.0.0"
    /// Port; 0 picks a free one (tests), reported by ``Server/port``.
    package var port: UInt16 = 8443
    package var policyPaths: [String] = []
    package var exceptionPaths: [String] = []
    package var certificatePath: String?
    package var keyPath: String?
    /// Plain HTTP, for local experiments only.
    package var insecureHTTP = false
    package var validatePath = "/validate"
    package var onError: OnError = .deny
    package var limits = HTTPLimits()

    /// Event-loop threads; one per core by default.
    package var eventLoops = 2
    /// Open connections beyond this are closed as soon as they are accepted.
    package var maxConnections = 1024
    /// From accept to the end of the TLS handshake.
    package var handshakeTimeout: Duration = .seconds(10)
    /// From the first byte of a request to its last (slowloris defence).
    package var requestTimeout: Duration = .seconds(10)
    /// Between requests on a kept-alive connection. Longer than the Go client's 90 s idle
    /// timeout, so the API server, not the webhook, closes idle connections: a server-side
    /// close racing a new request would fail that request.
    package var idleTimeout: Duration = .seconds(120)
    /// For a response to leave once it is ready.
    package var writeTimeout: Duration = .seconds(10)
    /// How long SIGTERM waits for requests in flight.
    package var shutdownGrace: Duration = .seconds(20)
    /// How often policy, exception, certificate and key files are checked for changes.
    package var reloadInterval: Duration = .seconds(2)
    package var logLevel: LogLevel = .info

    package init() {}
}
