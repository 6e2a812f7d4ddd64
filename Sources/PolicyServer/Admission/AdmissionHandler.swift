import PolicyCore
import PolicyIO
import PolicyJSON

/// What the webhook does with an object it cannot evaluate (`--on-error`).
package enum OnError: String, Sendable, CaseIterable {
    /// Fail closed: deny, saying why. The default: a policy engine must not say yes because
    /// an input was odd.
    case deny
    /// Admit, with a warning that says why nothing was checked.
    case allow
}

/// The outcome of one admission request: the HTTP response and what the decision log and the
/// metrics record.
package struct AdmissionDecision: Sendable {
    /// `allow`, `deny`, or `invalid` for a body that is not an AdmissionReview (HTTP 400).
    package enum Verdict: String, Sendable {
        case allow, deny, invalid
    }

    package var verdict: Verdict
    package var response: HTTPResponse
    package var uid: String?
    package var kind: String?
    package var operation: String?
    package var namespace: String?
    package var name: String?
    package var dryRun = false
    package var flyte: FlyteIdentity?
    /// Failing findings (`policy/rule` and message), excepted ones apart.
    package var findings: [Finding] = []
    /// Why the object could not be evaluated or the request was refused.
    package var error: String?
    /// Warnings sent back to the client.
    package var warnings: [String] = []
}

/// Applies a policy set to one AdmissionReview body. Pure: no sockets, no clock (the day comes
/// in), so every behaviour of webhook mode is unit-testable.
package struct AdmissionHandler: Sendable {
    package var onError: OnError
    /// The API server shows at most a few dozen warnings and truncates long ones.
    package var maxWarnings = 30
    package static let maxWarningLength = 120

    package init(onError: OnError = .deny) {
        self.onError = onError
    }

    package func handle(body: [UInt8], policies: PolicySet, today: CalendarDay) -> AdmissionDecision {
        let document: JSONDocument
        do { document = try JSONDocument.parse(body, source: "request body") } catch {
            return invalid("the request body is not valid JSON: line \(error.line), column \(error.column): \(error.reason)")
        }
        let request: AdmissionRequest
        do { request = try AdmissionRequest(document.rootNode) } catch { return invalid(error.description) }

        var decision = AdmissionDecision(verdict: .allow, response: HTTPResponse(status: .ok, body: []))
        decision.uid = request.uid
        decision.operation = request.operation
        decision.namespace = request.namespace
        decision.name = request.name
        decision.dryRun = request.dryRun
        decision.kind = request.object?["kind"]?.string ?? request.kind

        var denials: [String] = []
        var audits: [(String, String)] = []
        evaluate(request, policies: policies, today: today, decision: &decision, denials: &denials, audits: &audits)
        decision.verdict = denials.isEmpty ? .allow : .deny
        decision.response = response(for: request, denials: denials, warnings: decision.warnings, audits: audits)
        return decision
    }

    private func evaluate(
        _ request: AdmissionRequest, policies: PolicySet, today: CalendarDay, decision: inout AdmissionDecision,
        denials: inout [String], audits: inout [(String, String)]
    ) {
        // DELETE and CONNECT carry no new object: nothing to hold to a policy.
        if request.operation == "DELETE" || request.operation == "CONNECT" { return }
        guard let object = request.object else {
            failed("the AdmissionReview request carries no object to evaluate", denials: &denials, decision: &decision)
            return
        }
        let kind = decision.kind ?? ""
        // The object's own apiVersion and kind, else the request's: a Volcano Job is not a batch Job.
        let apiVersion = object["apiVersion"]?.string ?? request.resourceAPIVersion ?? ""
        guard ManifestReader().carriesPod(apiVersion: apiVersion, kind: kind) else { return }

        let subjects: [Subject]
        do {
            subjects = try Self.subjects(object, request: request)
        } catch {
            failed("the \(kind) cannot be evaluated: \(error)", denials: &denials, decision: &decision)
            return
        }
        decision.flyte = subjects.first?.flyte
        let evaluator = Evaluator(policies: policies, today: today)
        var grandfathered = Set<FindingKey>()
        if request.operation == "UPDATE", let old = request.oldObject, let oldSubjects = try? Self.subjects(old, request: request) {
            // A policy tightened after a pod was created must not block the updates that only
            // finish it (propeller removes its finalizer): deny only what the update introduces.
            for (index, subject) in oldSubjects.enumerated() {
                for finding in evaluator.evaluate(subject, index: index) { grandfathered.insert(Self.key(finding)) }
            }
        }
        for (index, subject) in subjects.enumerated() {
            for finding in evaluator.evaluate(subject, index: index) {
                // A finding's message is rendered on each read: once here, for whichever text needs it.
                let message = finding.message
                func label() -> String { "[\(finding.policy)/\(finding.rule)] \(message)" }
                guard finding.status == .fail else {
                    decision.warnings.append("excepted by \(finding.exception ?? "an exception"): \(label())")
                    continue
                }
                decision.findings.append(finding)
                switch finding.action {
                case .deny where grandfathered.contains(Self.key(finding)):
                    decision.warnings.append("already present before this update: \(label())")
                case .deny: denials.append(label())
                case .warn: decision.warnings.append(label())
                case .audit: audits.append((Self.auditKey(finding), message))
                }
            }
        }
    }

    private func failed(_ reason: String, denials: inout [String], decision: inout AdmissionDecision) {
        decision.error = reason
        switch onError {
        case .deny: denials.append("\(reason) (the webhook fails closed; see --on-error)")
        case .allow: decision.warnings.append("not checked by flyte-policy: \(reason)")
        }
    }

    /// The subjects of an admitted object, with the Flyte identity propeller's labels carry.
    static func subjects(_ object: JSONNode, request: AdmissionRequest) throws(InputError) -> [Subject] {
        let reader = ManifestReader(defaultNamespace: request.namespace)
        var subjects = try reader.read(object: object, source: SubjectSource(file: "admission request \(request.uid)")).subjects
        for index in subjects.indices {
            if subjects[index].name.isEmpty, let name = request.name { subjects[index].name = name }
        }
        return subjects
    }

    /// What makes two findings the same one, for grandfathering on UPDATE.
    private struct FindingKey: Hashable {
        var policy: String
        var rule: String
        var path: JSONPointer
        var message: String
    }

    private static func key(_ finding: Finding) -> FindingKey {
        FindingKey(policy: finding.policy, rule: finding.rule, path: finding.path, message: finding.message)
    }

    /// Audit annotation keys must be qualified-name parts: at most 63 characters.
    private static func auditKey(_ finding: Finding) -> String {
        String("\(finding.policy).\(finding.rule)".prefix(63))
    }

    private func response(for request: AdmissionRequest, denials: [String], warnings: [String], audits: [(String, String)]) -> HTTPResponse {
        var response = JSONObject()
        response["uid"] = .string(request.uid)
        response["allowed"] = .bool(denials.isEmpty)
        if !denials.isEmpty {
            let subject = [request.namespace, request.name].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "/")
            var message = "flyte-policy denied \(subject.isEmpty ? "the object" : subject): " + denials.prefix(10).joined(separator: "; ")
            if denials.count > 10 { message += "; and \(denials.count - 10) more" }
            response["status"] = ["code": 403, "reason": "Forbidden", "message": .string(message)]
        }
        let shown = shortened(warnings)
        if !shown.isEmpty { response["warnings"] = .array(shown.map(JSONValue.string)) }
        if !audits.isEmpty {
            var annotations = JSONObject()
            for (key, message) in audits {
                annotations[key] = .string(annotations[key]?.string.map { "\($0); \(message)" } ?? message)
            }
            response["auditAnnotations"] = .object(annotations)
        }
        let review: JSONValue = ["apiVersion": .string(request.apiVersion), "kind": "AdmissionReview", "response": .object(response)]
        return HTTPResponse(status: .ok, body: Self.encode(review))
    }

    /// At most `maxWarnings`, each at most 120 characters, the last saying how many were left out.
    func shortened(_ warnings: [String]) -> [String] {
        var shown = warnings.prefix(warnings.count > maxWarnings ? maxWarnings - 1 : maxWarnings).map { warning in
            warning.count <= Self.maxWarningLength ? warning : String(warning.prefix(Self.maxWarningLength - 3)) + "..."
        }
        if warnings.count > maxWarnings { shown.append("flyte-policy: \(warnings.count - shown.count) more warnings not shown") }
        return shown
    }

    private func invalid(_ reason: String) -> AdmissionDecision {
        let body: JSONValue = ["error": .string(reason), "hint": "POST an admission.k8s.io/v1 AdmissionReview with Content-Type: application/json"]
        var decision = AdmissionDecision(verdict: .invalid, response: HTTPResponse(status: .badRequest, body: Self.encode(body)))
        decision.error = reason
        return decision
    }

    static func encode(_ value: JSONValue) -> [UInt8] {
        (try? value.serializedLine()) ?? Array("{}\n".utf8)
    }
}
