import Foundation
import PolicyServer

/// `flyte-policy serve --policies PATH... --tls-cert FILE --tls-key FILE [options]`
enum ServeCommand {
    static let options: [OptionSpec] = [
        OptionSpec(
            name: "--policies", valueName: "PATH", repeatable: true, help: "Policy file or folder (repeatable; required). Watched and reloaded."),
        OptionSpec(
            name: "--exceptions", valueName: "PATH", repeatable: true, help: "PolicyException file or folder (repeatable). Watched and reloaded."),
        OptionSpec(name: "--tls-cert", valueName: "FILE", help: "PEM certificate chain; reloaded when it changes on disk."),
        OptionSpec(name: "--tls-key", valueName: "FILE", help: "PEM private key; reloaded when it changes on disk."),
        OptionSpec(name: "--listen", valueName: "HOST:PORT", help: "Address to listen on; default 0.0.0.0:8443 ([::]:8443 for IPv6)."),
        OptionSpec(name: "--path", valueName: "PATH", help: "Path of the validating endpoint; default /validate."),
        OptionSpec(
            name: "--on-error", valueName: "MODE", choices: ["deny", "allow"],
            help: "Answer for an object that cannot be evaluated; default deny (fail closed)."),
        OptionSpec(name: "--max-body", valueName: "BYTES", help: "Largest request body; default 3145728 (3 MiB, the API server's own limit)."),
        OptionSpec(name: "--max-connections", valueName: "N", help: "Open connections beyond N are closed at once; default 1024."),
        OptionSpec(name: "--event-loops", valueName: "N", help: "Event-loop threads; default one per core."),
        OptionSpec(name: "--request-timeout", valueName: "SECONDS", help: "Time to receive a whole request once it starts; default 10."),
        OptionSpec(name: "--idle-timeout", valueName: "SECONDS", help: "Keep-alive time between requests; default 120."),
        OptionSpec(name: "--shutdown-grace", valueName: "SECONDS", help: "Time requests in flight get after SIGTERM; default 20."),
        OptionSpec(name: "--reload-interval", valueName: "SECONDS", help: "How often watched files are checked for changes; default 2."),
        OptionSpec(
            name: "--log-level", valueName: "LEVEL", choices: ["debug", "info", "warn", "error"],
            help: "Lowest level logged (JSON lines on stderr); default info."),
        OptionSpec(name: "--insecure-http", valueName: nil, help: "Serve plain HTTP instead of HTTPS. For local testing only."),
    ]

    static let help = ArgumentParser.help(
        usage: "flyte-policy serve --policies PATH... --tls-cert FILE --tls-key FILE [options]",
        summary: "Run the Kubernetes validating admission webhook over HTTPS.",
        options: options,
        details: """
            Applies the same policies, evaluator and messages as 'check' to every pod the API server
            sends (AdmissionReview admission.k8s.io/v1 or v1beta1, answered in the same version):
            deny findings reject the pod with a 403 and the messages, warn findings and excepted
            ones come back as warnings, audit findings as audit annotations. Flyte identity comes
            from the labels propeller sets (project, domain, workflow-name, task-name, node-id).

            Endpoints: POST /validate, GET /healthz, GET /readyz, GET /metrics (Prometheus).
            Policy, exception, certificate and key files are reloaded when they change; a set that
            does not load is logged and counted, and the last good one keeps serving. SIGTERM
            stops accepting and lets requests in flight finish. Logs are JSON lines on stderr.

            Exit codes: 0 after a graceful shutdown; 2 when it cannot start (policies, certificate,
            address). See docs/admission.md and deploy/ for installing it next to Flyte.
            """,
        examples: [
            "flyte-policy serve --policies policies/ --tls-cert tls.crt --tls-key tls.key",
            "flyte-policy serve --policies /etc/flyte-policy/policies --exceptions /etc/flyte-policy/exceptions --tls-cert /tls/tls.crt --tls-key /tls/tls.key --on-error deny",
            "flyte-policy serve --policies policies/ --insecure-http --listen 127.0.0.1:8080   # local testing only",
        ])

    static func run(_ arguments: [String], _ console: Console) -> ExitCode {
        let parsed: ParsedArguments
        switch ArgumentParser.start(arguments, options: options, command: "serve", help: help, console: console) {
        case .run(let arguments): parsed = arguments
        case .exit(let code): return code
        }
        let configuration: ServerConfiguration
        do { configuration = try Self.configuration(parsed) } catch {
            console.err("flyte-policy serve: \(error)\n")
            return .failure
        }
        let logger = Logger(level: configuration.logLevel)
        // Lines are written by the logger's thread: the last ones ("stopped", or why it could
        // not start) must be out before the process exits.
        defer { logger.flush() }
        let server = Server(configuration: configuration, logger: logger)
        do { try server.run() } catch {
            console.err("flyte-policy serve: \(error)\n")
            return .failure
        }
        return .success
    }

    static func configuration(_ parsed: ParsedArguments) throws(UsageError) -> ServerConfiguration {
        func usage(_ message: String) -> UsageError { UsageError(message: message, command: "serve") }
        var configuration = ServerConfiguration()
        configuration.policyPaths = parsed.all("--policies")
        guard !configuration.policyPaths.isEmpty else { throw usage("--policies is required (a policy file or folder)") }
        guard parsed.positionals.isEmpty else { throw usage("serve takes no inputs ('\(parsed.positionals[0])'); the API server sends them") }
        configuration.exceptionPaths = parsed.all("--exceptions")
        configuration.certificatePath = parsed.value("--tls-cert")
        configuration.keyPath = parsed.value("--tls-key")
        configuration.insecureHTTP = parsed.flags.contains("--insecure-http")
        if !configuration.insecureHTTP, configuration.certificatePath == nil || configuration.keyPath == nil {
            throw usage(
                "--tls-cert and --tls-key are required (the API server calls webhooks over HTTPS); --insecure-http serves plain HTTP for local testing"
            )
        }
        if let listen = parsed.value("--listen") {
            guard let colon = listen.lastIndex(of: ":"), let port = UInt16(listen[listen.index(after: colon)...]) else {
                throw usage("--listen '\(listen)' is not HOST:PORT (for example 0.0.0.0:8443 or [::]:8443)")
            }
            var host = String(listen[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            configuration.host = host.isEmpty ? "0.0.0.0" : host
            configuration.port = port
        }
        if let path = parsed.value("--path") {
            guard path.hasPrefix("/") else { throw usage("--path '\(path)' must start with /") }
            configuration.validatePath = path
        }
        if let mode = parsed.value("--on-error") { configuration.onError = OnError(rawValue: mode) ?? .deny }
        if let level = parsed.value("--log-level") { configuration.logLevel = LogLevel(rawValue: level) ?? .info }
        configuration.eventLoops = max(1, ProcessInfo.processInfo.activeProcessorCount)
        if let value = parsed.value("--max-body") { configuration.limits.maxBodyBytes = try count(value, "--max-body", usage) }
        if let value = parsed.value("--max-connections") { configuration.maxConnections = try count(value, "--max-connections", usage) }
        if let value = parsed.value("--event-loops") { configuration.eventLoops = try count(value, "--event-loops", usage) }
        if let value = parsed.value("--request-timeout") { configuration.requestTimeout = try seconds(value, "--request-timeout", usage) }
        if let value = parsed.value("--idle-timeout") { configuration.idleTimeout = try seconds(value, "--idle-timeout", usage) }
        if let value = parsed.value("--shutdown-grace") { configuration.shutdownGrace = try seconds(value, "--shutdown-grace", usage) }
        if let value = parsed.value("--reload-interval") { configuration.reloadInterval = try seconds(value, "--reload-interval", usage) }
        return configuration
    }

    private static func count(_ text: String, _ name: String, _ usage: (String) -> UsageError) throws(UsageError) -> Int {
        guard let value = Int(text), value >= 1 else { throw usage("\(name) '\(text)' is not a positive whole number") }
        return value
    }

    private static func seconds(_ text: String, _ name: String, _ usage: (String) -> UsageError) throws(UsageError) -> Duration {
        guard let value = Double(text), value > 0, value <= 86_400 else {
            throw usage("\(name) '\(text)' is not a number of seconds between 0 and 86400")
        }
        return .milliseconds(Int64((value * 1000).rounded()))
    }
}
