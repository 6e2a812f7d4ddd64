import Foundation
import PolicyCore
import Synchronization
import Testing

@testable import PolicyServer

/// A real server on a loopback port with a certificate made by `openssl`, driven by real TLS
/// clients (`curl`, `openssl s_client`) as separate processes.
final class TestServer: Sendable {
    let directory: URL
    let server: Server
    let port: UInt16
    private let logSink = LogSink()

    var certificate: String { directory.appendingPathComponent("tls.crt").path }
    var key: String { directory.appendingPathComponent("tls.key").path }
    var policyFile: String { directory.appendingPathComponent("policies/policies.json").path }

    init(
        policies: String = AdmissionFixtures.policyJSON, exceptions: String? = AdmissionFixtures.exceptionJSON,
        configure: (inout ServerConfiguration) -> Void = { _ in }
    ) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("flyte-policy-serve-\(UUID().uuidString)")
        let policyFolder = directory.appendingPathComponent("policies")
        try FileManager.default.createDirectory(at: policyFolder, withIntermediateDirectories: true)
        try policies.write(toFile: policyFolder.appendingPathComponent("policies.json").path, atomically: true, encoding: .utf8)
        var configuration = ServerConfiguration()
        configuration.host = "127.0.0.1"
        configuration.port = 0
        configuration.policyPaths = [policyFolder.path]
        if let exceptions {
            let file = directory.appendingPathComponent("exceptions.json").path
            try exceptions.write(toFile: file, atomically: true, encoding: .utf8)
            configuration.exceptionPaths = [file]
        }
        try Self.makeCertificate(directory: directory, name: "tls", commonName: "flyte-policy-test")
        configuration.certificatePath = directory.appendingPathComponent("tls.crt").path
        configuration.keyPath = directory.appendingPathComponent("tls.key").path
        configuration.handshakeTimeout = .seconds(1)
        configuration.requestTimeout = .seconds(1)
        configuration.reloadInterval = .milliseconds(100)
        configuration.shutdownGrace = .seconds(2)
        configuration.limits.maxBodyBytes = 64 * 1024
        configure(&configuration)
        let sink = logSink
        // The logger hands over several lines at once; the tests read them one by one.
        let logger = Logger(level: .debug) { bytes in
            sink.lines.withLock { $0 += String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init) }
        }
        server = Server(configuration: configuration, logger: logger)
        try server.start()
        port = server.port ?? 0
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    func stop() {
        server.shutdown()
        server.wait()
    }

    var logs: [String] {
        server.logger.flush()
        return logSink.lines.withLock { $0 }
    }

    /// A self-signed certificate for localhost and 127.0.0.1, made by the openssl command.
    static func makeCertificate(directory: URL, name: String, commonName: String) throws {
        let result = try run(
            "/usr/bin/env",
            [
                "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                "-keyout", directory.appendingPathComponent("\(name).key").path, "-out", directory.appendingPathComponent("\(name).crt").path,
                "-subj", "/CN=\(commonName)", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
            ])
        guard result.status == 0 else { throw TestFailure("openssl req failed: \(result.stderr)") }
    }

    struct CurlResult {
        var status: Int32
        var code: Int
        var body: String
        var stderr: String
    }

    /// One HTTPS request with curl, trusting `caFile` (the server's certificate by default).
    /// `host` other than localhost is resolved to 127.0.0.1, to check a certificate's names.
    func curl(
        _ path: String, body: [UInt8]? = nil, contentType: String = "application/json", caFile: String? = nil,
        host: String = "localhost", extra: [String] = []
    ) throws -> CurlResult {
        var arguments = ["curl", "-sS", "--max-time", "10", "--cacert", caFile ?? certificate, "-o", "-", "-w", "\n%{http_code}"]
        var bodyFile: URL?
        if let body {
            let file = directory.appendingPathComponent("body-\(UUID().uuidString).json")
            try Data(body).write(to: file)
            bodyFile = file
            arguments += ["-H", "Content-Type: \(contentType)", "--data-binary", "@\(file.path)"]
        }
        if host != "localhost" { arguments += ["--resolve", "\(host):\(port):127.0.0.1"] }
        arguments += extra + ["https://\(host):\(port)\(path)"]
        defer { if let bodyFile { try? FileManager.default.removeItem(at: bodyFile) } }
        let result = try Self.run("/usr/bin/env", arguments)
        var text = result.stdout
        var code = 0
        if let newline = text.lastIndex(of: "\n") {
            code = Int(text[text.index(after: newline)...]) ?? 0
            text = String(text[..<newline])
        }
        return CurlResult(status: result.status, code: code, body: text, stderr: result.stderr)
    }

    /// Waits until `condition` holds, polling; false after `timeout`.
    static func eventually(timeout: Double = 5, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition() { return true }
            usleep(20_000)
        }
        return condition()
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read before waiting, so a large output cannot fill the pipe and block the child.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }
}

/// A long-lived TLS client (`openssl s_client -quiet`) whose stdin and stdout the test holds:
/// a kept-alive connection across certificate rotation, or a client that stalls mid-request.
final class TLSClient {
    let process = Process()
    private let input = Pipe()
    private let output = Pipe()

    init(port: UInt16) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl", "s_client", "-quiet", "-connect", "127.0.0.1:\(port)", "-servername", "localhost"]
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    func send(_ text: String) {
        input.fileHandleForWriting.write(Data(text.utf8))
    }

    func send(request body: [UInt8], path: String = "/validate") {
        send("POST \(path) HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\n\r\n")
        input.fileHandleForWriting.write(Data(body))
    }

    /// Reads one response with a Content-Length body.
    func readResponse() -> (status: Int, body: String)? {
        var buffer = Data()
        let handle = output.fileHandleForReading
        while true {
            if let range = buffer.range(of: Data("\r\n\r\n".utf8)) {
                let head = String(decoding: buffer[..<range.lowerBound], as: UTF8.self)
                let length =
                    head.split(separator: "\r\n").first { $0.lowercased().hasPrefix("content-length:") }
                    .flatMap { Int($0.split(separator: ":")[1].trimmingCharacters(in: .whitespaces)) } ?? 0
                if buffer.count - range.upperBound >= length {
                    let status = Int(head.split(separator: " ").dropFirst().first ?? "") ?? 0
                    return (status, String(decoding: buffer[range.upperBound..<(range.upperBound + length)], as: UTF8.self))
                }
            }
            let chunk = handle.availableData
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
        }
    }

    /// Whether the client process ended (the server closed the connection) within `timeout`.
    func exits(within timeout: Double) -> Bool {
        TestServer.eventually(timeout: timeout) { !process.isRunning }
    }

    /// SIGKILL, not `terminate()`'s SIGTERM: a child spawned from a test thread inherits its
    /// blocked signal mask, and s_client would then wait for the server's idle timeout.
    func close() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

final class LogSink: Sendable {
    let lines = Mutex<[String]>([])
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
