import Foundation
import PolicyCore
import PolicyIO

/// What every event loop shares: the policy set and TLS context being served, swapped
/// atomically on reload, plus the metrics and the logger.
///
/// A reload builds the new value completely before the swap, so a request sees either the old
/// set or the new one, never half of each; a failed reload leaves the current value in place.
final class ServerState: Sendable {
    let configuration: ServerConfiguration
    let logger: Logger
    let metrics: Metrics

    private struct Current {
        var policies: PolicySet?
        var tls: TLSContext?
        var policyFingerprint: FileFingerprint?
        var tlsFingerprint: FileFingerprint?
    }

    private let current = Locked(Current())

    init(configuration: ServerConfiguration, logger: Logger, metrics: Metrics) {
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
    }

    var policies: PolicySet? { current.withLock { $0.policies } }
    var tls: TLSContext? { current.withLock { $0.tls } }

    /// Ready when a policy set is loaded and, unless serving plain HTTP, a certificate is.
    var readiness: (ready: Bool, reasons: [String]) {
        current.withLock { now in
            var reasons: [String] = []
            if now.policies == nil { reasons.append("no policy set is loaded") }
            if !configuration.insecureHTTP, now.tls == nil { reasons.append("no TLS certificate is loaded") }
            return (reasons.isEmpty, reasons)
        }
    }

    private var watchedPolicyPaths: [String] { configuration.policyPaths + configuration.exceptionPaths }
    private var watchedTLSPaths: [String] { [configuration.certificatePath, configuration.keyPath].compactMap { $0 } }

    /// Loads the policy set. The first load throws, so `serve` refuses to start on a broken set;
    /// later loads keep the last good set and log why the new one was refused.
    @discardableResult
    func reloadPolicies(initial: Bool) throws(PolicyLoadFailure) -> Bool {
        // Fingerprint first: a file that changes while it is read is seen again next time.
        let fingerprint = FileFingerprint(watchedPolicyPaths, extensions: ["json"])
        current.withLock { $0.policyFingerprint = fingerprint }
        do {
            let set = try PolicyFiles.load(watchedPolicyPaths)
            current.withLock { $0.policies = set }
            metrics.update {
                $0.policyReloads += 1
                $0.policiesLoaded = set.policies.count
            }
            logger.info(
                initial ? "policies loaded" : "policies reloaded",
                [
                    "policies": .integer(Int64(set.policies.count)), "exceptions": .integer(Int64(set.exceptions.count)),
                ])
            // An expired exception covers nothing: say so, or a waiver silently stops working.
            let today = CalendarDay(secondsSince1970: Int64(Date().timeIntervalSince1970))
            for notice in Evaluator(policies: set, today: today).notices { logger.warn(notice) }
            return true
        } catch {
            if initial { throw error }
            metrics.update { $0.policyReloadFailures += 1 }
            logger.error(
                "policy reload failed; the last good set keeps serving",
                [
                    "errors": .array(error.errors.map { .string($0.description) })
                ])
            return false
        }
    }

    /// Loads the certificate and key; like ``reloadPolicies(initial:)``, only the first failure throws.
    @discardableResult
    func reloadTLS(initial: Bool) throws(OpenSSLError) -> Bool {
        guard !configuration.insecureHTTP, let certificate = configuration.certificatePath, let key = configuration.keyPath else { return false }
        let fingerprint = FileFingerprint(watchedTLSPaths, extensions: [])
        current.withLock { $0.tlsFingerprint = fingerprint }
        do {
            let context = try TLSContext(certificatePath: certificate, keyPath: key)
            current.withLock { $0.tls = context }
            metrics.update { $0.certificateReloads += 1 }
            logger.info(
                initial ? "TLS certificate loaded" : "TLS certificate reloaded; new connections use it",
                [
                    "certificate": .string(certificate)
                ])
            return true
        } catch {
            if initial { throw error }
            metrics.update { $0.certificateReloadFailures += 1 }
            logger.error("TLS certificate reload failed; the previous certificate keeps serving", ["error": .string(error.description)])
            return false
        }
    }

    /// Reloads whatever changed on disk since the last look (called on a timer).
    func reloadIfChanged() {
        let (policyFingerprint, tlsFingerprint) = current.withLock { ($0.policyFingerprint, $0.tlsFingerprint) }
        if FileFingerprint(watchedPolicyPaths, extensions: ["json"]) != policyFingerprint {
            _ = try? reloadPolicies(initial: false)
        }
        if !configuration.insecureHTTP, FileFingerprint(watchedTLSPaths, extensions: []) != tlsFingerprint {
            _ = try? reloadTLS(initial: false)
        }
    }
}

/// Nanoseconds on the monotonic clock, for deadlines.
func monotonicNanoseconds() -> UInt64 {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
}

extension Duration {
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}
