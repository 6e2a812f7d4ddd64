import PolicyJSON

/// `--format policyreport`: the Kubernetes Policy working group's `wgpolicyk8s.io/v1alpha2`
/// report, which policy dashboards (Policy Reporter, Kyverno's UI) read.
///
/// One PolicyReport per namespace (a ClusterPolicyReport for subjects without one); several are
/// wrapped in a `v1` List. Results: `fail` for deny and audit findings, `warn` for warn ones,
/// `skip` for excepted ones, and, when the policy set is known, `pass` for every (subject, rule)
/// that applied and found nothing. `properties` carry the JSON pointer, the Flyte identity, the
/// provenance and the fingerprint, as strings (the schema's map type).
public enum PolicyReportFormat {
    public static let apiVersion = "wgpolicyk8s.io/v1alpha2"

    public static func value(_ report: Report, context: ReportContext) -> JSONValue {
        var namespaces: [String] = []
        var results: [String: [JSONValue]] = [:]
        var summaries: [String: [String: Int]] = [:]
        func add(_ namespace: String, _ result: JSONValue, _ outcome: String) {
            if results[namespace] == nil { namespaces.append(namespace) }
            results[namespace, default: []].append(result)
            summaries[namespace, default: [:]][outcome, default: 0] += 1
        }
        let fingerprints = report.fingerprints
        var found = Set<String>()
        for (index, finding) in report.findings.enumerated() {
            found.insert(Report.caseKey(policy: finding.policy, rule: finding.rule, subjectIndex: finding.subjectIndex))
            let outcome = finding.status == .excepted ? "skip" : finding.action == .warn ? "warn" : "fail"
            let subject = report.subject(of: finding)
            var properties: JSONObject = ["path": .string(finding.path), "action": .string(finding.action.rawValue), "fingerprint": .string(fingerprints[index])]
            if let provenance = finding.provenance { properties["provenance"] = .string(provenance) }
            if let exception = finding.exception { properties["exception"] = .string(exception) }
            if let container = finding.container { properties["container"] = .string(container) }
            if finding.baselined { properties["baselined"] = "true" }
            add(subject?.namespace ?? "", result(policy: finding.policy, rule: finding.rule, outcome: outcome, severity: finding.severity,
                                                 message: finding.message, subject: subject, properties: properties, context: context), outcome)
        }
        if let policies = context.policies {
            let outcomes = report.ruleOutcomes(for: policies)
            for (index, subject) in report.subjects.enumerated() {
                for (policyIndex, policy) in policies.policies.enumerated() {
                    for (ruleIndex, rule) in policy.rules.enumerated()
                    where outcomes.outcome(subject: index, policy: policyIndex, rule: ruleIndex) == .evaluated
                        && !found.contains(Report.caseKey(policy: policy.name, rule: rule.name, subjectIndex: index))
                    {
                        add(subject.namespace ?? "", result(policy: policy.name, rule: rule.name, outcome: "pass", severity: policy.severity,
                                                            message: "the rule holds", subject: subject, properties: [:], context: context), "pass")
                    }
                }
            }
        }
        let documents: [JSONValue] = namespaces.map { namespace in
            let summary = summaries[namespace] ?? [:]
            var metadata: JSONObject = ["name": .string(namespace.isEmpty ? "flyte-policy" : "flyte-policy-\(namespace)"),
                                        "labels": ["app.kubernetes.io/managed-by": "flyte-policy"]]
            if !namespace.isEmpty { metadata["namespace"] = .string(namespace) }
            return [
                "apiVersion": .string(apiVersion), "kind": namespace.isEmpty ? "ClusterPolicyReport" : "PolicyReport",
                "metadata": .object(metadata),
                "summary": .object(counts(summary)),
                "results": .array(results[namespace] ?? []),
            ]
        }
        if documents.count == 1, let only = documents.first { return only }
        if documents.isEmpty {
            return ["apiVersion": .string(apiVersion), "kind": "ClusterPolicyReport", "metadata": ["name": "flyte-policy"],
                    "summary": ["pass": 0, "fail": 0, "warn": 0, "error": 0, "skip": 0], "results": []]
        }
        return ["apiVersion": "v1", "kind": "List", "items": .array(documents)]
    }

    public static func render(_ report: Report, context: ReportContext) -> [UInt8] {
        (try? value(report, context: context).serialized(pretty: true)) ?? Array("{}\n".utf8)
    }

    private static func counts(_ summary: [String: Int]) -> JSONObject {
        var object = JSONObject()
        for outcome in ["pass", "fail", "warn", "error", "skip"] { object[outcome] = .integer(Int64(summary[outcome] ?? 0)) }
        return object
    }

    private static func result(policy: String, rule: String, outcome: String, severity: Severity, message: String, subject: Subject?,
                               properties: JSONObject, context: ReportContext) -> JSONValue {
        var properties = properties
        var object: JSONObject = [
            "policy": .string(policy), "rule": .string(rule), "result": .string(outcome), "severity": .string(severity.rawValue),
            "message": .string(message), "source": "flyte-policy", "scored": true, "category": "Flyte",
            "timestamp": ["seconds": .integer(context.timestamp), "nanos": 0],
        ]
        if let subject {
            var resource: JSONObject = ["apiVersion": .string(subject.kind == "Pod" || subject.kind == "PodTemplate" ? "v1" : "apps/v1"),
                                        "kind": .string(subject.kind)]
            if !subject.name.isEmpty { resource["name"] = .string(subject.name) }
            if let namespace = subject.namespace, !namespace.isEmpty { resource["namespace"] = .string(namespace) }
            object["resources"] = [.object(resource)]
            properties["source"] = .string(subject.source.description)
            if let flyte = subject.flyte {
                for (key, value) in [("project", flyte.project), ("domain", flyte.domain), ("workflow", flyte.workflow), ("task", flyte.task), ("node", flyte.node)] {
                    if let value, !value.isEmpty { properties["flyte.\(key)"] = .string(value) }
                }
            }
        }
        if !properties.isEmpty { object["properties"] = .object(properties) }
        return .object(object)
    }
}
