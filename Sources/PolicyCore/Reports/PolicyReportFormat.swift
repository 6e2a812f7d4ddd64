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
        document(report, context: context).value
    }

    /// The report's text. Results are serialized one at a time (``JSONValue/pretty(_:)``): with
    /// the policy set known, a run has a result for every (subject, rule) that applied, millions
    /// for a large repository.
    public static func render(_ report: Report, context: ReportContext) -> [UInt8] {
        (try? JSONValue.pretty(document(report, context: context))) ?? Array("{}\n".utf8)
    }

    /// ``render(_:context:)`` handed to `sink` in chunks as it is written, never held whole; the
    /// results are rendered on `context.jobs` threads, to the same bytes.
    /// - Returns: whether `sink` took all of it.
    public static func render(_ report: Report, context: ReportContext, to sink: ([UInt8]) -> Bool) -> Bool {
        (try? JSONValue.pretty(document(report, context: context), pieces: ParallelMap.pieces(jobs: context.jobs), to: sink)) ?? false
    }

    /// One result to write: a finding, or a rule that applied to a subject and found nothing.
    private enum Entry: Sendable {
        case finding(index: Int, outcome: String)
        case pass(subject: Int, policy: Int, rule: Int)
    }

    /// Which results go in which namespace's report, in order, and their counts: a namespace's
    /// findings in the report's order, then its passes; namespaces in the order their first
    /// finding came, then those with passes only.
    private struct Plan {
        var namespaces: [String] = []
        var findings: [String: [Entry]] = [:]
        var passes: [String: [Entry]] = [:]
        var summaries: [String: [String: Int]] = [:]

        mutating func add(_ namespace: String, _ entry: Entry, _ outcome: String) {
            if findings[namespace] == nil, passes[namespace] == nil { namespaces.append(namespace) }
            if case .pass = entry { passes[namespace, default: []].append(entry) } else { findings[namespace, default: []].append(entry) }
            summaries[namespace, default: [:]][outcome, default: 0] += 1
        }
    }

    private static func plan(_ report: Report, context: ReportContext) -> Plan {
        var plan = Plan()
        var found = Set<Report.CaseKey>()
        for (index, finding) in report.findings.enumerated() {
            found.insert(Report.caseKey(policy: finding.policy, rule: finding.rule, subjectIndex: finding.subjectIndex))
            let outcome = finding.status == .excepted ? "skip" : finding.action == .warn ? "warn" : "fail"
            plan.add(report.subject(of: finding)?.namespace ?? "", .finding(index: index, outcome: outcome), outcome)
        }
        if let policySet = context.policies {
            let outcomes = report.ruleOutcomes(for: policySet)
            for (index, subject) in report.subjects.enumerated() {
                for (policyIndex, policy) in policySet.policies.enumerated() {
                    for (ruleIndex, rule) in policy.rules.enumerated()
                    where outcomes.outcome(subject: index, policy: policyIndex, rule: ruleIndex) == .evaluated
                        && !found.contains(Report.caseKey(policy: policy.name, rule: rule.name, subjectIndex: index))
                    {
                        plan.add(subject.namespace ?? "", .pass(subject: index, policy: policyIndex, rule: ruleIndex), "pass")
                    }
                }
            }
        }
        return plan
    }

    /// One result of the report.
    private static func result(_ entry: Entry, of report: Report, context: ReportContext) -> JSONValue {
        switch entry {
        case .finding(let index, let outcome):
            let finding = report.findings[index]
            var properties: [(key: String, value: JSONValue)] = [
                ("path", .string(finding.path.description)), ("action", .string(finding.action.rawValue)),
                ("fingerprint", .string(Fingerprint.of(finding, subject: report.subject(of: finding)))),
            ]
            if let provenance = finding.provenance { properties.append(("provenance", .string(provenance))) }
            if let exception = finding.exception { properties.append(("exception", .string(exception))) }
            if let container = finding.container { properties.append(("container", .string(container))) }
            if finding.baselined { properties.append(("baselined", "true")) }
            return Self.result(
                policy: finding.policy, rule: finding.rule, outcome: outcome, severity: finding.severity,
                message: finding.message, subject: report.subject(of: finding), properties: properties, context: context)
        case .pass(let subject, let policyIndex, let ruleIndex):
            // Passes are planned from the policy set's own indices (``plan(_:context:)``).
            let policy = (context.policies?.policies ?? [])[policyIndex]
            return Self.result(
                policy: policy.name, rule: policy.rules[ruleIndex].name, outcome: "pass", severity: policy.severity,
                message: "the rule holds", subject: report.subjects[subject], properties: [], context: context)
        }
    }

    private static func document(_ report: Report, context: ReportContext) -> StreamedJSON {
        let plan = plan(report, context: context)
        return document(
            plan.namespaces.map { namespace in
                let list = (plan.findings[namespace] ?? []) + (plan.passes[namespace] ?? [])
                return (namespace, plan.summaries[namespace] ?? [:], .elements(count: list.count) { result(list[$0], of: report, context: context) })
            })
    }

    /// A report per namespace, wrapped in a List when there are several.
    private static func document(_ namespaces: [(name: String, summary: [String: Int], results: StreamedJSON)]) -> StreamedJSON {
        let documents: [StreamedJSON] = namespaces.map { namespace, summary, results in
            var metadata: JSONObject = [
                "name": .string(namespace.isEmpty ? "flyte-policy" : "flyte-policy-\(namespace)"),
                "labels": ["app.kubernetes.io/managed-by": "flyte-policy"],
            ]
            if !namespace.isEmpty { metadata["namespace"] = .string(namespace) }
            return .object([
                ("apiVersion", .value(.string(apiVersion))), ("kind", .value(namespace.isEmpty ? "ClusterPolicyReport" : "PolicyReport")),
                ("metadata", .value(.object(metadata))),
                ("summary", .value(.object(counts(summary)))),
                ("results", results),
            ])
        }
        if documents.count == 1, let only = documents.first { return only }
        if documents.isEmpty {
            return .value([
                "apiVersion": .string(apiVersion), "kind": "ClusterPolicyReport", "metadata": ["name": "flyte-policy"],
                "summary": ["pass": 0, "fail": 0, "warn": 0, "error": 0, "skip": 0], "results": [],
            ])
        }
        return .object([("apiVersion", .value("v1")), ("kind", .value("List")), ("items", .array(documents))])
    }

    private static func counts(_ summary: [String: Int]) -> JSONObject {
        var object = JSONObject()
        for outcome in ["pass", "fail", "warn", "error", "skip"] { object[outcome] = .integer(Int64(summary[outcome] ?? 0)) }
        return object
    }

    /// Members are appended in order (their keys are distinct) and each object made once, as the
    /// JSON report's are.
    private static func result(
        policy: String, rule: String, outcome: String, severity: Severity, message: String, subject: Subject?,
        properties: [(key: String, value: JSONValue)], context: ReportContext
    ) -> JSONValue {
        var properties = properties
        var object: [(key: String, value: JSONValue)] = [
            ("policy", .string(policy)), ("rule", .string(rule)), ("result", .string(outcome)), ("severity", .string(severity.rawValue)),
            ("message", .string(message)), ("source", "flyte-policy"), ("scored", true), ("category", "Flyte"),
            ("timestamp", ["seconds": .integer(context.timestamp), "nanos": 0]),
        ]
        if let subject {
            var resource: [(key: String, value: JSONValue)] = [("apiVersion", .string(subject.apiVersion)), ("kind", .string(subject.kind))]
            if !subject.name.isEmpty { resource.append(("name", .string(subject.name))) }
            if let namespace = subject.namespace, !namespace.isEmpty { resource.append(("namespace", .string(namespace))) }
            object.append(("resources", [.object(JSONObject(uniqueEntries: resource))]))
            properties.append(("source", .string(subject.source.description)))
            if let flyte = subject.flyte {
                for (key, value) in [
                    ("project", flyte.project), ("domain", flyte.domain), ("workflow", flyte.workflow), ("task", flyte.task), ("node", flyte.node),
                ] {
                    if let value, !value.isEmpty { properties.append(("flyte.\(key)", .string(value))) }
                }
            }
            if let role = subject.role { properties.append(("role", .string(role.label))) }
            if let replicas = subject.replicas { properties.append(("replicas", .string(String(replicas)))) }
        }
        if !properties.isEmpty { object.append(("properties", .object(JSONObject(uniqueEntries: properties)))) }
        return .object(JSONObject(uniqueEntries: object))
    }
}

extension PolicyReportFormat: SpooledFormat {
    /// How deep a report's results stand in a List of reports (`items[n].results`), as the
    /// namespaces of a cluster make; a single report's are indented again as they are copied.
    static let spooledDepth = 3

    /// A section per namespace for its findings (key `f` and the namespace) and one for its
    /// passes (`p`), each with its outcomes counted.
    package static func sections(of part: Report, context: ReportContext) -> [SpoolSection]? {
        let plan = plan(part, context: context)
        var sections: [SpoolSection] = []
        for (prefix, entries) in [("f", plan.findings), ("p", plan.passes)] {
            for namespace in plan.namespaces {
                guard let list = entries[namespace] else { continue }
                var text: [UInt8] = []
                // The plan tallied the namespace's outcomes; passes are its only `pass` ones.
                let tally = plan.summaries[namespace] ?? [:]
                let counters = prefix == "p" ? ["pass": list.count] : tally.filter { $0.key != "pass" }
                do throws(JSONBuildError) {
                    try JSONValue.layOut(list.lazy.map { result($0, of: part, context: context) }, depth: spooledDepth, to: &text)
                } catch {
                    return nil
                }
                sections.append(SpoolSection(key: prefix + namespace, count: list.count, counters: counters, text: text))
            }
        }
        return sections
    }

    package static func assemble(_ report: Report, spooled: SpooledSections, context: ReportContext, to sink: ([UInt8]) -> Bool) -> Bool {
        var namespaces: [String] = []
        var seen = Set<String>()
        for prefix in ["f", "p"] {
            for key in spooled.index.keys where key.hasPrefix(prefix) && seen.insert(String(key.dropFirst())).inserted {
                namespaces.append(String(key.dropFirst()))
            }
        }
        let document = document(
            namespaces.map { namespace in
                let keys = ["f" + namespace, "p" + namespace]
                let summary = keys.reduce(into: [String: Int]()) { summary, key in summary.merge(spooled.index[key].counters, uniquingKeysWith: +) }
                return (namespace, summary, .laidOut(count: spooled.count(keys), depth: spooledDepth) { spooled.text(keys, to: $0) })
            })
        return (try? JSONValue.pretty(document, to: sink)) ?? false
    }
}
