/// Everything `flyte-policy serve` can be told, with every resource limit in one place
/// (docs/architecture.md lists them with their reasons).
public struct ServerConfiguration: Sendable {
    /// Address to listen on; `0.0.0.0` or a literal IPv4/IPv6 address.
    public var host = "0.0.0.0"
    /// Port; 0 picks a free one (tests), reported by ``Server/port``.
    public var port: UInt16 = 8443
    public var policyPaths: [String] = []
    public var exceptionPaths: [String] = []
    public var certificatePath: String?
    public var keyPath: String?
    /// Plain HTTP, for local experiments only.
    public var insecureHTTP = false
    public var validatePath = "/validate"
    public var onError: OnError = .deny
    public var limits = HTTPLimits()

    /// Event-loop threads; one per core by default.
    public var eventLoops = 2
    /// Open connections beyond this are closed as soon as they are accepted.
    public var maxConnections = 1024
    /// From accept to the end of the TLS handshake.
    public var handshakeTimeout: Duration = .seconds(10)
    /// From the first byte of a request to its last (slowloris defence).
    public var requestTimeout: Duration = .seconds(10)
    /// Between requests on a kept-alive connection. Longer than the Go client's 90 s idle
    /// timeout, so the API server, not the webhook, closes idle connections: a server-side
    /// close racing a new request would fail that request.
    public var idleTimeout: Duration = .seconds(120)
    /// For a response to leave once it is ready.
    public var writeTimeout: Duration = .seconds(10)
    /// How long SIGTERM waits for requests in flight.
    public var shutdownGrace: Duration = .seconds(20)
    /// How often policy, exception, certificate and key files are checked for changes.
    public var reloadInterval: Duration = .seconds(2)
    public var logLevel: LogLevel = .info

    public init() {}
}
