import Foundation
import PolicyCore

/// The server's counters, gauges and one latency histogram, rendered in the Prometheus text
/// format (version 0.0.4) at `GET /metrics`.
///
/// One mutex over plain values: two event loops update a few counters per request, far below
/// the point where contention shows, and a scrape sees one consistent snapshot.
package final class Metrics: Sendable {
    /// Upper bounds of the evaluation-latency buckets, in seconds.
    static let buckets: [Double] = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]

    struct Values {
        var admissions: [AdmissionKey: Int] = [:]
        var evaluationErrors = 0
        var httpResponses: [Int: Int] = [:]
        var latencyBuckets = [Int](repeating: 0, count: Metrics.buckets.count)
        var latencyCount = 0
        var latencySum = 0.0
        var policyReloads = 0
        var policyReloadFailures = 0
        var policiesLoaded = 0
        var certificateReloads = 0
        var certificateReloadFailures = 0
        var handshakeFailures = 0
        var connectionsOpen = 0
        var connectionsAccepted = 0
        var connectionsRejected = 0
        var connectionsEvicted = 0
        var timeouts: [String: Int] = [:]
    }

    private let values = Locked(Values())

    package init() {}

    func update(_ body: (inout Values) -> Void) {
        values.withLock { body(&$0) }
    }

    func recordAdmission(_ decision: AdmissionDecision, seconds: Double) {
        update { values in
            values.admissions[AdmissionKey(decision: decision.verdict.rawValue, kind: decision.kind ?? ""), default: 0] += 1
            if decision.error != nil, decision.verdict != .invalid { values.evaluationErrors += 1 }
            values.latencyCount += 1
            values.latencySum += seconds
            for (index, bound) in Self.buckets.enumerated() where seconds <= bound { values.latencyBuckets[index] += 1 }
        }
    }

    /// The exposition text.
    package func render() -> String {
        // Written under the lock: a copy taken out shares its dictionaries' storage with the
        // counters until the next update copies them, and ThreadSanitizer, which cannot see
        // the reference count that orders the two, reported the scrape's reads of that storage
        // against the event loops' writes.
        // The resident memory is read from /proc before, not under the lock.
        let resident = Self.residentBytes()
        return values.withLock { Self.families($0, residentBytes: resident) }
    }

    /// Every family, the counters read from `v`.
    private static func families(_ v: Values, residentBytes: Int) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
        }
        /// A family with one unlabelled sample, so the name is written once.
        func single(_ name: String, _ type: String, _ help: String, _ value: Int) {
            family(name, type, help)
            out += "\(name) \(value)\n"
        }
        family("flyte_policy_admission_requests_total", "counter", "Admission reviews answered, by decision (allow, deny, invalid) and object kind.")
        for key in v.admissions.keys.sorted() {
            out +=
                "flyte_policy_admission_requests_total{decision=\"\(Self.escape(key.decision))\",kind=\"\(Self.escape(key.kind))\"} \(v.admissions[key] ?? 0)\n"
        }
        single(
            "flyte_policy_admission_evaluation_errors_total", "counter", "Objects that could not be evaluated (answered per --on-error).",
            v.evaluationErrors)
        family("flyte_policy_admission_duration_seconds", "histogram", "Time to parse, evaluate and answer one AdmissionReview.")
        for (index, bound) in Self.buckets.enumerated() {
            out += "flyte_policy_admission_duration_seconds_bucket{le=\"\(bound)\"} \(v.latencyBuckets[index])\n"
        }
        out += "flyte_policy_admission_duration_seconds_bucket{le=\"+Inf\"} \(v.latencyCount)\n"
        out += "flyte_policy_admission_duration_seconds_sum \(v.latencySum)\n"
        out += "flyte_policy_admission_duration_seconds_count \(v.latencyCount)\n"
        family("flyte_policy_http_responses_total", "counter", "HTTP responses by status code.")
        for code in v.httpResponses.keys.sorted() { out += "flyte_policy_http_responses_total{code=\"\(code)\"} \(v.httpResponses[code] ?? 0)\n" }
        single("flyte_policy_policy_reloads_total", "counter", "Policy sets loaded successfully (the first load included).", v.policyReloads)
        single(
            "flyte_policy_policy_reload_failures_total", "counter", "Policy reloads that failed; the last good set kept serving.",
            v.policyReloadFailures)
        single("flyte_policy_policies_loaded", "gauge", "Policies in the set being served.", v.policiesLoaded)
        single(
            "flyte_policy_tls_certificate_reloads_total", "counter", "Certificate and key pairs loaded (the first load included).",
            v.certificateReloads)
        single(
            "flyte_policy_tls_certificate_reload_failures_total", "counter", "Certificate reloads that failed; the previous pair kept serving.",
            v.certificateReloadFailures)
        single("flyte_policy_tls_handshake_failures_total", "counter", "TLS handshakes that failed.", v.handshakeFailures)
        single("flyte_policy_connections_open", "gauge", "Client connections open now.", v.connectionsOpen)
        single("flyte_policy_connections_accepted_total", "counter", "Client connections accepted.", v.connectionsAccepted)
        single(
            "flyte_policy_connections_rejected_total", "counter",
            "Connections refused because --max-connections were open and none of them was idle.", v.connectionsRejected)
        single(
            "flyte_policy_connections_evicted_total", "counter", "Idle connections closed to make room for a new one at --max-connections.",
            v.connectionsEvicted)
        family("flyte_policy_connection_timeouts_total", "counter", "Connections closed by a timeout, by phase.")
        for phase in v.timeouts.keys.sorted() { out += "flyte_policy_connection_timeouts_total{phase=\"\(phase)\"} \(v.timeouts[phase] ?? 0)\n" }
        single("process_resident_memory_bytes", "gauge", "Resident memory of the server process.", residentBytes)
        return out
    }

    /// Resident set size from `/proc/self/statm` (pages), 0 where it cannot be read.
    static func residentBytes() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    private static func escape(_ value: String) -> String {
        value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// One counter of `flyte_policy_admission_requests_total`: its labels, ordered as they are
    /// printed.
    struct AdmissionKey: Hashable, Comparable {
        var decision: String
        var kind: String

        static func < (lhs: AdmissionKey, rhs: AdmissionKey) -> Bool {
            (lhs.decision, lhs.kind) < (rhs.decision, rhs.kind)
        }
    }
}
