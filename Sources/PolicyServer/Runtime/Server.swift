import Dispatch
import Foundation
import PolicyCore
import PolicyJSON

/// Why `serve` could not start. Once started, nothing a client sends stops it.
package enum ServerError: Error, Sendable, CustomStringConvertible {
    case policies(PolicyLoadFailure)
    case tls(OpenSSLError)
    case listen(ListenError)
    case configuration(String)

    package var description: String {
        switch self {
        case .policies(let failure):
            (failure.errors.map { "error: \($0)" } + ["the policy set does not load; the webhook does not start without one"]).joined(separator: "\n")
        case .tls(let error): "\(error); fix the certificate or key (PEM files), or pass --insecure-http for local testing"
        case .listen(let error): error.description
        case .configuration(let reason): reason
        }
    }
}

/// The HTTPS admission webhook: a listening socket, `eventLoops` epoll threads that accept
/// from it and serve their connections, and a timer that reloads policies and certificates.
///
/// Concurrency model (docs/architecture.md): one event loop per core, each owning the
/// connections it accepted, with evaluation inline on the loop. Requests cost tens of
/// microseconds and never block, so a thread per connection would only add memory and context
/// switches, and a worker pool would add a hand-off per request.
package final class Server: Sendable {
    package let configuration: ServerConfiguration
    package let metrics = Metrics()
    let logger: Logger
    private let state: ServerState
    private let control: ServerControl
    private let started = Locked<(listener: Listener?, loops: [EventLoop])>((nil, []))
    private let finished = DispatchGroup()

    package init(configuration: ServerConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.state = ServerState(configuration: configuration, logger: logger, metrics: metrics)
        self.control = ServerControl(maxConnections: configuration.maxConnections)
    }

    /// The port being listened on (useful when 0 was asked for).
    package var port: UInt16? { started.withLock { $0.listener?.port } }

    /// Loads policies and the certificate, binds, and starts the event loops.
    package func start() throws(ServerError) {
        guard configuration.eventLoops >= 1 else { throw .configuration("--event-loops must be at least 1") }
        if !configuration.insecureHTTP, configuration.certificatePath == nil || configuration.keyPath == nil {
            throw .configuration("--tls-cert and --tls-key are required (or --insecure-http, for local testing only)")
        }
        Self.prepareProcess()
        do { try state.reloadPolicies(initial: true) } catch { throw .policies(error) }
        do { try state.reloadTLS(initial: true) } catch { throw .tls(error) }
        let listener: Listener
        do { listener = try Listener(host: configuration.host, port: configuration.port) } catch { throw .listen(error) }
        var loops: [EventLoop] = []
        let group = LoopGroup()
        do {
            for index in 0..<configuration.eventLoops {
                loops.append(try EventLoop(index: index, listener: listener, state: state, control: control, group: group))
            }
            group.set(loops)
        } catch {
            close(listener.fd)
            throw .listen(error)
        }
        for loop in loops {
            finished.enter()
            let thread = Thread { [finished] in
                loop.run()
                finished.leave()
            }
            thread.name = "flyte-policy-loop-\(loop.index)"
            thread.stackSize = 8 << 20
            thread.start()
        }
        finished.enter()
        let reloader = Thread { [state, control, finished] in
            Self.watch(state: state, control: control)
            finished.leave()
        }
        reloader.name = "flyte-policy-reload"
        reloader.start()
        started.withLock { $0 = (listener, loops) }
        logger.info(
            "listening",
            [
                "address": .string("\(configuration.host):\(listener.port)"), "eventLoops": .integer(Int64(configuration.eventLoops)),
                "tls": .string(configuration.insecureHTTP ? "off (--insecure-http)" : "on"),
            ])
        if configuration.insecureHTTP {
            logger.warn(
                "--insecure-http: serving plain HTTP. The Kubernetes API server only calls webhooks over HTTPS; use this for local testing only")
        }
    }

    /// Begins a graceful shutdown: stop accepting, finish requests in flight (up to the grace
    /// period), close the rest.
    package func shutdown() {
        guard !control.isDraining else { return }
        logger.info("draining", ["open": .integer(Int64(control.openConnections))])
        control.startDraining()
        let loops = started.withLock { $0.loops }
        for loop in loops { loop.wake() }
    }

    /// Blocks until every event loop has finished after ``shutdown()``.
    package func wait() {
        finished.wait()
        let listener = started.withLock { $0.listener }
        if let listener { close(listener.fd) }
        started.withLock { $0 = (nil, []) }
        logger.info("stopped")
    }

    /// Starts, serves until SIGTERM or SIGINT, drains, and returns.
    package func run() throws(ServerError) {
        try start()
        let queue = DispatchQueue(label: "flyte-policy.signals")
        var sources: [DispatchSourceSignal] = []
        for number in [SIGTERM, SIGINT] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [self] in shutdown() }
            source.resume()
            sources.append(source)
        }
        wait()
        for source in sources { source.cancel() }
    }

    /// Looks for changed policy, exception, certificate and key files every reload interval
    /// until the server drains.
    private static func watch(state: ServerState, control: ServerControl) {
        let interval = state.configuration.reloadInterval.nanoseconds
        var next = monotonicNanoseconds() + interval
        while !control.isDraining {
            usleep(50_000)
            if monotonicNanoseconds() >= next {
                state.reloadIfChanged()
                next = monotonicNanoseconds() + interval
            }
        }
    }

    /// Process-wide settings a server needs: SIGPIPE ignored (a peer that goes away mid-write
    /// must not kill the process) and the open-file limit raised to its hard maximum.
    private static func prepareProcess() {
        signal(SIGPIPE, SIG_IGN)
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
    }
}
