import Foundation
import PolicyJSON
import Testing

@testable import PolicyServer

/// The real server over real TLS: every behaviour of admission.md that crosses the wire.
@Suite(.serialized) struct ServerIntegrationTests {
    typealias F = AdmissionFixtures

    static func response(_ body: String) throws -> JSONNode? {
        try JSONDocument.parse(body, source: "response").rootNode["response"]
    }

    @Test func answersAdmissionReviewsOverHTTPS() throws {
        let server = try TestServer()
        defer { server.stop() }

        let denied = try server.curl("/validate", body: F.review(F.pod(cpuRequest: nil)))
        #expect(denied.code == 200, "\(denied.stderr)")
        let deniedResponse = try #require(try Self.response(denied.body))
        #expect(deniedResponse["allowed"]?.bool == false)
        #expect(deniedResponse["status"]?["code"]?.integer == 403)
        #expect(deniedResponse["warnings"]?[0]?.string?.hasPrefix("[requests-required/cpu-request]") == true)
        #expect(deniedResponse["auditAnnotations"]?["image-audit.registry"] != nil)

        let allowed = try server.curl("/validate", body: F.review(F.pod(gpuType: "nvidia-a100", image: "ghcr.io/acme/ml:1.0")))
        #expect(try Self.response(allowed.body)?["allowed"]?.bool == true)

        let excepted = try server.curl("/validate", body: F.review(F.pod(task: "demo-workflows-train-legacy", image: "ghcr.io/acme/ml:1.0")))
        let exceptedResponse = try Self.response(excepted.body)
        #expect(exceptedResponse?["allowed"]?.bool == true)
        #expect(exceptedResponse?["warnings"]?[0]?.string?.hasPrefix("excepted by legacy-trainer") == true)

        let dryRun = try server.curl("/validate", body: F.review(F.pod(), dryRun: true))
        #expect(try Self.response(dryRun.body)?["allowed"]?.bool == false)

        let beta = try server.curl("/validate", body: F.review(F.pod(), version: "admission.k8s.io/v1beta1"))
        #expect(try JSONDocument.parse(beta.body, source: "beta").rootNode["apiVersion"]?.string == "admission.k8s.io/v1beta1")

        // The real propeller-shaped fixture, 8 KB, as the benchmark sends it.
        let fixture = try Data(contentsOf: F.root.appendingPathComponent("examples/admission/train-v100-denied.json"))
        let real = try server.curl("/validate", body: [UInt8](fixture))
        #expect(try Self.response(real.body)?["status"]?["message"]?.string?.contains("nvidia-tesla-v100") == true)

        let log = server.logs.filter { $0.contains("\"msg\":\"admission\"") }
        #expect(log.count == 6)
        #expect(
            log.contains {
                $0.contains("\"decision\":\"deny\"") && $0.contains("\"workflow\":\"demo-workflows-training-wf\"") && $0.contains("\"dryRun\":true")
            })
    }

    /// An expired exception is logged when the policies load: a waiver that stops working
    /// must not do so silently.
    @Test func logsExpiredExceptionsWhenPoliciesLoad() throws {
        let server = try TestServer(exceptions: AdmissionFixtures.exceptionJSON.replacingOccurrences(of: "2027-01-31", with: "2020-01-31"))
        defer { server.stop() }
        #expect(
            server.logs.contains { $0.contains("exception 'legacy-trainer'") && $0.contains("expired on 2020-01-31") && $0.contains("\"warn\"") },
            "\(server.logs)")
    }

    @Test func refusesWhatIsNotAnAdmissionReview() throws {
        let server = try TestServer()
        defer { server.stop() }
        let malformed = try server.curl("/validate", body: Array("{\"kind\": ".utf8))
        #expect(malformed.code == 400)
        #expect(malformed.body.contains("not valid JSON"))
        let wrongType = try server.curl("/validate", body: F.review(F.pod()), contentType: "text/plain")
        #expect(wrongType.code == 415)
        let oversized = try server.curl("/validate", body: [UInt8](repeating: 32, count: 100 * 1024))
        #expect(oversized.code == 413, "\(oversized.stderr)")
        #expect(oversized.body.contains("--max-body"))
        #expect(try server.curl("/nowhere").code == 404)
        #expect(try server.curl("/validate").code == 405)

        #expect(try server.curl("/healthz").code == 200)
        #expect(try server.curl("/readyz").body.contains("ready"))
        let metrics = try server.curl("/metrics").body
        #expect(metrics.contains("flyte_policy_admission_requests_total{decision=\"invalid\",kind=\"\"} 1"))
        #expect(metrics.contains("flyte_policy_http_responses_total{code=\"413\"} 1"))
        #expect(metrics.contains("flyte_policy_policies_loaded 3"))
        #expect(metrics.contains("# TYPE flyte_policy_admission_duration_seconds histogram"))
    }

    /// A client that stalls (no TLS handshake; half a request) is cut off by the timeouts, and
    /// valid requests are answered meanwhile.
    @Test func stalledClientsAreCutOffWhileOthersAreServed() throws {
        let server = try TestServer()
        defer { server.stop() }
        let silent = try RawSocket(port: server.port)
        let halfRequest = try TLSClient(port: server.port)
        halfRequest.send(
            "POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"apiVersion\":")
        for _ in 0..<3 {
            #expect(try server.curl("/validate", body: F.review(F.pod())).code == 200)
        }
        #expect(silent.closedByPeer(within: 3))
        #expect(halfRequest.exits(within: 3))
        halfRequest.close()
        #expect(TestServer.eventually { server.server.metrics.render().contains("flyte_policy_connection_timeouts_total{phase=\"handshake\"} 1") })
        #expect(server.server.metrics.render().contains("flyte_policy_connection_timeouts_total{phase=\"request\"} 1"))
        #expect(try server.curl("/healthz").code == 200)
    }

    /// A new certificate is served to new connections; a connection opened before keeps working.
    @Test func rotatesTheCertificateWithoutDroppingConnections() throws {
        let server = try TestServer()
        defer { server.stop() }
        let client = try TLSClient(port: server.port)
        defer { client.close() }
        client.send(request: F.review(F.pod()))
        #expect(client.readResponse()?.status == 200)

        let old = server.directory.appendingPathComponent("old.crt").path
        try FileManager.default.copyItem(atPath: server.certificate, toPath: old)
        try TestServer.makeCertificate(directory: server.directory, name: "next", commonName: "flyte-policy-rotated")
        // Key first, then certificate, as a Secret update may land: the mismatched moment
        // fails to load and the old pair keeps serving until the pair matches. Each file is
        // swapped in by a rename, as the kubelet swaps a Secret's files: a remove then a copy
        // let a reload on a busy machine see the file missing, a second failure.
        func swap(_ name: String, into path: String) throws {
            let staged = path + ".next"
            try FileManager.default.copyItem(atPath: server.directory.appendingPathComponent(name).path, toPath: staged)
            #expect(rename(staged, path) == 0)
        }
        try swap("next.key", into: server.key)
        usleep(300_000)
        #expect(try server.curl("/healthz", caFile: old).code == 200)
        try swap("next.crt", into: server.certificate)
        #expect(TestServer.eventually { server.server.metrics.render().contains("flyte_policy_tls_certificate_reloads_total 2") })
        #expect(server.server.metrics.render().contains("flyte_policy_tls_certificate_reload_failures_total 1"))

        #expect(try server.curl("/healthz").code == 200)  // trusts only the new certificate
        #expect(try server.curl("/healthz", caFile: old).status != 0)  // the old one is no longer served
        client.send(request: F.review(F.pod()))
        #expect(client.readResponse()?.status == 200)  // the connection from before the rotation
    }

    /// A broken policy file is refused and counted; the last good set keeps deciding; a fixed
    /// file is picked up.
    @Test func reloadsPoliciesAndKeepsTheLastGoodSet() throws {
        let server = try TestServer()
        defer { server.stop() }
        #expect(try Self.response(server.curl("/validate", body: F.review(F.pod())).body)?["allowed"]?.bool == false)

        try "{\"apiVersion\": \"flyte-policy/v1\", \"kind\": \"Policy\", ".write(toFile: server.policyFile, atomically: true, encoding: .utf8)
        #expect(TestServer.eventually { server.server.metrics.render().contains("flyte_policy_policy_reload_failures_total 1") })
        // The counter can move before the log line is written: wait for the line too.
        #expect(TestServer.eventually { server.logs.contains { $0.contains("policy reload failed") && $0.contains("policies.json") } })
        #expect(try Self.response(server.curl("/validate", body: F.review(F.pod())).body)?["allowed"]?.bool == false)
        #expect(try server.curl("/readyz").code == 200)

        // The same policy name, because the exceptions file names it: a set whose exception
        // names no policy is refused like a syntax error.
        let relaxed = """
            {"apiVersion": "flyte-policy/v1", "kind": "Policy", "metadata": {"name": "gpu-node-pools"},
             "spec": {"action": "warn", "rules": [{"name": "gpu", "nodeSelector": {"allowed": {"gpu-type": ["nvidia-a100"]}}}]}}
            """
        try relaxed.write(toFile: server.policyFile, atomically: true, encoding: .utf8)
        #expect(TestServer.eventually { server.server.metrics.render().contains("flyte_policy_policy_reloads_total 2") })
        let after = try Self.response(server.curl("/validate", body: F.review(F.pod())).body)
        #expect(after?["allowed"]?.bool == true)
        #expect(after?["warnings"]?[0]?.string?.hasPrefix("[gpu-node-pools/gpu]") == true)
    }

    /// Idle connections cannot lock the API server out: at --max-connections, the longest-idle
    /// one makes room for a new client.
    @Test func idleConnectionsAtTheBoundMakeRoomForNewClients() throws {
        let server = try TestServer { configuration in configuration.maxConnections = 4 }
        defer { server.stop() }
        var idle: [TLSClient] = []
        defer { idle.forEach { $0.close() } }
        for _ in 0..<4 {
            let client = try TLSClient(port: server.port)
            client.send(request: F.review(F.pod()))
            #expect(client.readResponse()?.status == 200)
            idle.append(client)
        }
        for _ in 0..<3 {
            #expect(try server.curl("/validate", body: F.review(F.pod())).code == 200)
        }
        let metrics = server.server.metrics.render()
        // The first new client evicted one idle connection; curl then closes its own, so the
        // next ones find a free slot.
        #expect(metrics.contains("flyte_policy_connections_evicted_total 1"), "\(metrics)")
        #expect(metrics.contains("flyte_policy_connections_rejected_total 0"))
        #expect(idle[0].exits(within: 2))  // the one idle longest
        #expect(!idle[3].exits(within: 0.2))
    }

    @Test func drainsOnShutdownWithIdleConnectionsOpen() throws {
        let server = try TestServer()
        let client = try TLSClient(port: server.port)
        defer { client.close() }
        client.send(request: F.review(F.pod()))
        #expect(client.readResponse()?.status == 200)
        let started = Date()
        server.stop()
        #expect(Date().timeIntervalSince(started) < 1.5)
        #expect(client.exits(within: 2))
        #expect(server.logs.contains { $0.contains("\"msg\":\"stopped\"") })
    }

    @Test func refusesToStartWithoutAGoodPolicySetOrCertificate() throws {
        #expect(throws: ServerError.self) { try TestServer(policies: "{ not json") }
        #expect(throws: ServerError.self) {
            try TestServer { configuration in configuration.keyPath = "/nonexistent/tls.key" }
        }
    }
}

/// A plain TCP connection that sends nothing: a TLS handshake that never starts.
final class RawSocket {
    let fd: Int32

    init(port: UInt16) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw TestFailure("connect failed: \(String(cString: strerror(errno)))") }
    }

    deinit { close(fd) }

    /// Whether the server closed the connection (read returns 0 or an error) within `timeout`.
    func closedByPeer(within timeout: Double) -> Bool {
        var value = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - Double(Int(timeout))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
        var byte: UInt8 = 0
        let count = read(fd, &byte, 1)
        return count == 0 || (count < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }
}
