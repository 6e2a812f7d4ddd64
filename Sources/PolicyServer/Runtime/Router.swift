import Foundation
import PolicyCore
import PolicyJSON

/// Maps a request to its response: `POST /validate`, `GET /healthz`, `/readyz`, `/metrics`.
/// Runs on the event loop that read the request; evaluation takes microseconds, so handing it
/// to another thread would cost more than it saves.
struct Router: Sendable {
    let state: ServerState
    let handler: AdmissionHandler

    init(state: ServerState) {
        self.state = state
        self.handler = AdmissionHandler(onError: state.configuration.onError)
    }

    func respond(to request: HTTPRequest) -> HTTPResponse {
        counted(route(request))
    }

    private func route(_ request: HTTPRequest) -> HTTPResponse {
        switch request.path {
        case state.configuration.validatePath:
            guard request.method == "POST" else { return Self.methodNotAllowed("POST") }
            return validate(request)
        case "/healthz":
            guard request.method == "GET" || request.method == "HEAD" else { return Self.methodNotAllowed("GET") }
            return Self.json(.ok, ["status": "ok"])
        case "/readyz":
            guard request.method == "GET" || request.method == "HEAD" else { return Self.methodNotAllowed("GET") }
            let readiness = state.readiness
            if readiness.ready { return Self.json(.ok, ["status": "ready"]) }
            return Self.json(.serviceUnavailable, ["status": "not ready", "reasons": .array(readiness.reasons.map(JSONValue.string))])
        case "/metrics":
            guard request.method == "GET" else { return Self.methodNotAllowed("GET") }
            return HTTPResponse(status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8", body: Array(state.metrics.render().utf8))
        default:
            return Self.json(
                .notFound, ["error": .string("no such path '\(request.path)'; the webhook answers POST \(state.configuration.validatePath)")])
        }
    }

    private func validate(_ request: HTTPRequest) -> HTTPResponse {
        guard request.mediaType == "application/json" else {
            return Self.json(
                .unsupportedMediaType,
                [
                    "error": .string("Content-Type is '\(request.header("content-type") ?? "missing")'; send an AdmissionReview as application/json")
                ])
        }
        guard let policies = state.policies else {
            return Self.json(.serviceUnavailable, ["error": "no policy set is loaded yet"])
        }
        let started = monotonicNanoseconds()
        let today = CalendarDay(secondsSince1970: Int64(Date().timeIntervalSince1970))
        let decision = handler.handle(body: request.body, policies: policies, today: today)
        let seconds = Double(monotonicNanoseconds() - started) / 1e9
        state.metrics.recordAdmission(decision, seconds: seconds)
        log(decision, seconds: seconds)
        return decision.response
    }

    private func log(_ decision: AdmissionDecision, seconds: Double) {
        var fields = JSONObject()
        fields["decision"] = .string(decision.verdict.rawValue)
        if let uid = decision.uid { fields["uid"] = .string(uid) }
        if let kind = decision.kind { fields["kind"] = .string(kind) }
        if let operation = decision.operation { fields["operation"] = .string(operation) }
        if let namespace = decision.namespace { fields["namespace"] = .string(namespace) }
        if let name = decision.name { fields["name"] = .string(name) }
        if decision.dryRun { fields["dryRun"] = true }
        if let flyte = decision.flyte {
            var identity = JSONObject()
            for (key, value) in [
                ("project", flyte.project), ("domain", flyte.domain), ("workflow", flyte.workflow), ("task", flyte.task), ("node", flyte.node),
            ] {
                if let value { identity[key] = .string(value) }
            }
            fields["flyte"] = .object(identity)
        }
        fields["findings"] = .array(
            decision.findings.map { finding in
                [
                    "policy": .string(finding.policy), "rule": .string(finding.rule), "action": .string(finding.action.rawValue),
                    "path": .string(finding.path.description),
                ]
            })
        if !decision.warnings.isEmpty { fields["warnings"] = .integer(Int64(decision.warnings.count)) }
        if let error = decision.error { fields["error"] = .string(error) }
        fields["durationUs"] = .integer(Int64((seconds * 1e6).rounded()))
        let level: LogLevel = decision.verdict == .invalid ? .warn : .info
        state.logger.log(level, "admission", fields)
    }

    static func json(_ status: HTTPStatus, _ value: JSONValue) -> HTTPResponse {
        HTTPResponse(status: status, body: AdmissionHandler.encode(value))
    }

    static func methodNotAllowed(_ allowed: String) -> HTTPResponse {
        var response = json(.methodNotAllowed, ["error": .string("use \(allowed) on this path")])
        response.headers.append(("Allow", allowed))
        return response
    }

    /// The answer to bytes that are not a request this server reads.
    /// The answer to a request the parser refused (413, 431, 400, 411, 501), counted like
    /// every other response.
    func respond(to error: HTTPParseError) -> HTTPResponse {
        counted(Self.json(error.status, ["error": .string(error.description)]))
    }

    private func counted(_ response: HTTPResponse) -> HTTPResponse {
        state.metrics.update { $0.httpResponses[response.status.rawValue, default: 0] += 1 }
        return response
    }
}
