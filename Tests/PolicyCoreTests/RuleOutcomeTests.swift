import Testing

@testable import PolicyCore

@Suite("rule outcomes: the evaluator's record agrees with evaluating again")
struct RuleOutcomeTests {
    static let policySet = """
        [{"apiVersion": "flyte-policy/v1", "kind": "Policy", "metadata": {"name": "gpu"},
          "spec": {"match": {"namespaces": ["ml-*"]}, "rules": [
            {"name": "pool", "when": {"resources": ["nvidia.com/gpu"]}, "nodeSelector": {"required": ["gpu-type"]}},
            {"name": "named", "when": {"assert": [{"path": "metadata.name", "op": "equals", "value": "train"}]},
             "images": {"forbiddenTags": ["latest"]}}]}},
         {"apiVersion": "flyte-policy/v1", "kind": "Policy", "metadata": {"name": "caps"},
          "spec": {"rules": [{"name": "cpu", "resources": {"max": {"limits": {"cpu": "2"}}}}]}}]
        """

    @Test("recorded and rebuilt outcomes are the same for every subject and rule")
    func recordMatchesRebuild() throws {
        let set = try Fixtures.policies(Self.policySet)
        let pods = [
            (Fixtures.gpuPodV100, "ml-production"),
            (Fixtures.gpuPodA100Affinity, "ml-production"),
            (#"{"metadata": {"name": "web"}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}"#, "ml-dev"),
            (Fixtures.gpuPodV100, "web"),
        ]
        let subjects = try pods.map { try Fixtures.subject($0.0, namespace: $0.1) }
        let recorded = Evaluator(policies: set, today: CalendarDay(year: 2026, month: 11, day: 24)).report(subjects)
        let handBuilt = Report(subjects: subjects, findings: recorded.findings)
        #expect(handBuilt.ruleOutcomes == nil)
        let fromRecord = recorded.ruleOutcomes(for: set)
        let rebuilt = handBuilt.ruleOutcomes(for: set)
        var seen: [RuleOutcomes.Outcome] = []
        for subject in subjects.indices {
            for (policy, entry) in set.policies.enumerated() {
                for rule in entry.rules.indices {
                    let outcome = fromRecord.outcome(subject: subject, policy: policy, rule: rule)
                    #expect(outcome != nil)
                    #expect(outcome == rebuilt.outcome(subject: subject, policy: policy, rule: rule))
                    if let outcome { seen.append(outcome) }
                }
            }
        }
        // The table exercises every outcome, so agreement is not vacuous.
        #expect(
            Set(seen.map(\.rawValue)) == [
                RuleOutcomes.Outcome.notApplicable.rawValue, RuleOutcomes.Outcome.skipped.rawValue, RuleOutcomes.Outcome.evaluated.rawValue,
            ])
        // The gpu policy applies only in ml-* namespaces; its `when` decides the rest.
        #expect(fromRecord.outcome(subject: 3, policy: 0, rule: 0) == .notApplicable)
        #expect(fromRecord.outcome(subject: 2, policy: 0, rule: 0) == .skipped)
        #expect(fromRecord.outcome(subject: 0, policy: 0, rule: 1) == .evaluated)
        #expect(fromRecord.outcome(subject: 1, policy: 0, rule: 1) == .skipped)
        #expect(fromRecord.outcome(subject: 0, policy: 2, rule: 0) == nil)
    }
}

@Suite("JSON report")
struct JSONReportTests {
    /// `render` writes findings (and results) one at a time; the text must be what serializing
    /// the whole value gives, with and without findings, for every JSON format.
    @Test(arguments: [true, false])
    func renderedTextIsTheWholeValue(withFindings: Bool) throws {
        let set = try Fixtures.policies(Fixtures.policy(rule: #""images": {"allowedRegistries": ["ghcr.io/acme"], "forbiddenTags": ["latest"]}"#))
        let image = withFindings ? "quay.io/x/ml" : "ghcr.io/acme/ml:1"
        let subjects = try [
            Fixtures.subject(
                #"{"metadata": {"name": "a"}, "spec": {"containers": [{"name": "c", "image": "\#(image)"}, {"name": "d", "image": "\#(image)"}]}}"#),
            Fixtures.subject(
                #"{"metadata": {"name": "b"}, "spec": {"containers": [{"name": "c", "image": "\#(image)"}]}}"#,
                flyte: FlyteIdentity(project: "ml", domain: "dev"), namespace: "ml-dev"),
        ]
        let report = Evaluator(policies: set, today: CalendarDay(year: 2026, month: 11, day: 25)).report(subjects)
        #expect(report.findings.isEmpty != withFindings)
        let rendered = JSONReport.render(report)
        #expect(String(decoding: rendered, as: UTF8.self) == String(decoding: try JSONReport.value(report).serialized(pretty: true), as: UTF8.self))
        // SARIF and PolicyReport are written the same way, with and without the policy set.
        for context in [ReportContext(policies: set, timestamp: 1_795_000_000), ReportContext()] {
            let sarif = SARIFReport.render(report, context: context)
            #expect(
                String(decoding: sarif, as: UTF8.self)
                    == String(decoding: try SARIFReport.value(report, context: context).serialized(pretty: true), as: UTF8.self))
            let policyReport = PolicyReportFormat.render(report, context: context)
            #expect(
                String(decoding: policyReport, as: UTF8.self)
                    == String(decoding: try PolicyReportFormat.value(report, context: context).serialized(pretty: true), as: UTF8.self))
        }
    }
}

@Suite("SARIF artifact URIs")
struct SARIFURITests {
    /// RFC 3986 unreserved bytes and `/` stay; every other byte of the UTF-8 path is
    /// percent-encoded in upper case; a leading `./` goes.
    @Test(arguments: [
        ("examples/manifests/gpu-v100.yaml", "examples/manifests/gpu-v100.yaml"), ("./pods.json", "pods.json"),
        ("./a b/ü%.yaml", "a%20b/%C3%BC%25.yaml"), ("x#y?z", "x%23y%3Fz"), ("", ""),
    ])
    func uri(path: String, expected: String) {
        #expect(SARIFReport.uri(path) == expected)
    }
}

@Suite("JUnit report")
struct JUnitReportTests {
    static func report(_ set: PolicySet) throws -> Report {
        let subjects = try [
            Fixtures.subject(#"{"metadata": {"name": "a"}, "spec": {"containers": [{"name": "c", "image": "quay.io/x/ml"}]}}"#),
            Fixtures.subject(#"{"metadata": {"name": "b"}, "spec": {"containers": [{"name": "c", "image": "ghcr.io/acme/ml:1"}]}}"#),
        ]
        return Evaluator(policies: set, today: CalendarDay(year: 2026, month: 11, day: 25)).report(subjects)
    }

    static let policies =
        "[" + Fixtures.policy(rule: #""images": {"allowedRegistries": ["ghcr.io/acme"]}"#, name: "registries")
        + ", " + Fixtures.policy(rule: #""when": {"resources": ["nvidia.com/gpu"]}, "images": {"requireDigest": true}"#, name: "gpu-digests") + "]"

    /// With the policy set: a case for every (subject, rule) that applied, passing ones included,
    /// and the counts in the opening tags match the cases written.
    @Test func casesAndCountsWithThePolicySet() throws {
        let set = try Fixtures.policies(Self.policies)
        let xml = String(decoding: JUnitReport.render(try Self.report(set), context: ReportContext(policies: set)), as: UTF8.self)
        #expect(xml.contains(#"<testsuites name="flyte-policy" tests="4" failures="1" errors="0" skipped="2">"#))
        #expect(xml.contains(#"<testsuite name="registries" tests="2" failures="1" errors="0" skipped="0">"#))
        #expect(xml.contains(#"<testsuite name="gpu-digests" tests="2" failures="0" errors="0" skipped="2">"#))
        #expect(xml.components(separatedBy: "<testcase ").count - 1 == 4)
        #expect(xml.components(separatedBy: "<failure ").count - 1 == 1)
        #expect(xml.hasSuffix("</testsuites>\n"))
    }

    /// Without it only findings are known: one case per (subject, rule) found, grouped by policy.
    @Test func casesFromFindingsAlone() throws {
        let set = try Fixtures.policies(Self.policies)
        var chunks: [[UInt8]] = []
        let taken = JUnitReport.render(try Self.report(set), context: ReportContext()) {
            chunks.append($0); return true
        }
        #expect(taken)
        let xml = String(decoding: chunks.joined(), as: UTF8.self)
        #expect(xml.contains(#"<testsuites name="flyte-policy" tests="1" failures="1" errors="0" skipped="0">"#))
        #expect(xml.contains(#"<testsuite name="registries" tests="1" failures="1" errors="0" skipped="0">"#))
        #expect(!xml.contains("gpu-digests"))
    }
}
