import Testing

@testable import PolicyCore

@Suite("policy loader errors name the file, the pointer and what was expected")
struct LoaderTests {
    static let cases: [(String, String, String)] = [
        // (document, pointer, part of the message)
        (Fixtures.policy(rule: #""nodeSelector": {"allowd": {"gpu-type": ["a"]}}"#), "/spec/rules/0/nodeSelector/allowd", "did you mean 'allowed'"),
        (
            Fixtures.policy(rule: #""resources": {"max": {"limits": {"memory": "16 GiB"}}}"#), "/spec/rules/0/resources/max/limits/memory",
            "not a Kubernetes quantity"
        ),
        (
            Fixtures.policy(rule: #""resources": {"max": {"limits": {"memory": "1Gb"}}}"#), "/spec/rules/0/resources/max/limits/memory",
            "not a Kubernetes quantity"
        ),
        (
            Fixtures.policy(rule: #""resources": {"max": {"limits": {"memory": "1Gm"}}}"#), "/spec/rules/0/resources/max/limits/memory",
            "unknown suffix"
        ),
        (
            Fixtures.policy(rule: #""images": {"allowedRegistries": ["ghcr.io/[abc]"]}"#), "/spec/rules/0/images/allowedRegistries/0",
            "not a valid pattern"
        ),
        (Fixtures.policy(rule: #""images": {"allowedRegistries": []}"#), "/spec/rules/0/images/allowedRegistries", "at least one"),
        (
            Fixtures.policy(rule: #""tolerations": {"required": [{"key": "gpu", "effect": "NoScheduel"}]}"#),
            "/spec/rules/0/tolerations/required/0/effect", "not a taint effect"
        ),
        (Fixtures.policy(rule: #""assert": {"path": "spec.x", "op": "equal", "value": 1}"#), "/spec/rules/0/assert/op", "did you mean 'equals'"),
        (Fixtures.policy(rule: #""assert": {"path": "containers[*].image", "op": "exists"}"#), "/spec/rules/0/assert/path", "a path starts with"),
        (Fixtures.policy(rule: #""assert": {"path": "spec.x", "op": "matches", "value": "(a"}"#), "/spec/rules/0/assert/value", "regular expression"),
        (Fixtures.policy(rule: #""message": "bad {{vaule}}", "images": {"requireDigest": true}"#), "/spec/rules/0/message", "unknown placeholder"),
        (
            Fixtures.policy(rule: #""images": {"requireDigest": true}, "tolerations": {"forbidden": [{"wildcard": true}]}"#), "/spec/rules/0",
            "exactly one check"
        ),
        (
            Fixtures.policy(rule: #""when": {"project": ["ml"]}, "images": {"requireDigest": true}"#), "/spec/rules/0/when/project",
            "did you mean 'projects'"
        ),
        (Fixtures.policy(rule: #""images": {"requireDigest": "yes"}"#), "/spec/rules/0/images/requireDigest", "expected true or false"),
        (Fixtures.policy(rule: #""images": {"requireDigest": true}"#, extra: #""action": "block","#), "/spec/action", "not an action"),
        (Fixtures.policy(rule: #""images": {"requireDigest": true}"#, name: "GPU_Pools"), "/metadata/name", "not a valid name"),
        (
            #"{"apiVersion": "flyte-policy/v2", "kind": "Policy", "metadata": {"name": "a"}, "spec": {"rules": [{"name": "r", "images": {"requireDigest": true}}]}}"#,
            "/apiVersion", "unsupported apiVersion"
        ),
        (#"{"apiVersion": "flyte-policy/v1", "kind": "Policy", "metadata": {"name": "a"}, "spec": {"rules": []}}"#, "/spec/rules", "non-empty array"),
        (
            #"{"apiVersion": "flyte-policy/v1", "kind": "PolicyException", "metadata": {"name": "w"}, "spec": {"policies": ["p"], "expires": "2027-02-30"}}"#,
            "/spec/expires", "not a date"
        ),
        (
            #"{"apiVersion": "flyte-policy/v1", "kind": "PolicyException", "metadata": {"name": "w"}, "spec": {"policies": ["p"]}}"#, "/spec/reason",
            "required"
        ),
        (#"[1]"#, "/0", "expected a document"),
        // Every Flyte field has one spelling; anything else is refused, never read as another field.
        (
            Fixtures.policy(rule: #""assert": {"path": "flyte.tasktype", "op": "exists"}"#), "/spec/rules/0/assert/path",
            "taskType, interruptible, role, replicas"
        ),
        (
            Fixtures.policy(rule: #""message": "{{flyte.taskype}}", "images": {"requireDigest": true}"#), "/spec/rules/0/message",
            "unknown placeholder '{{flyte.taskype}}'"
        ),
        // An empty clause would hold for every pod: `"exclude": {}` switched a policy off.
        (
            Fixtures.policy(rule: #""images": {"requireDigest": true}"#, extra: #""exclude": {},"#), "/spec/exclude",
            "an empty exclude switches the policy off"
        ),
        (Fixtures.policy(rule: #""images": {"requireDigest": true}"#, extra: #""match": {},"#), "/spec/match", "lists nothing"),
        (Fixtures.policy(rule: #""when": {}, "images": {"requireDigest": true}"#), "/spec/rules/0/when", "lists nothing"),
        // Whole-job bounds: upper bounds only, maxPods only there, no condition that varies between groups.
        (
            Fixtures.policy(rule: #""resources": {"scope": "job", "min": {"requests": {"cpu": "1"}}}"#), "/spec/rules/0/resources/min",
            "does not apply to scope \"job\""
        ),
        (Fixtures.policy(rule: #""resources": {"maxPods": 8}"#), "/spec/rules/0/resources/maxPods", "add \"scope\": \"job\""),
        (Fixtures.policy(rule: #""resources": {"scope": "job", "maxPods": 0}"#), "/spec/rules/0/resources/maxPods", "at least 1"),
        (Fixtures.policy(rule: #""resources": {"scope": "job", "maxPods": 2.5}"#), "/spec/rules/0/resources/maxPods", "whole number"),
        (Fixtures.policy(rule: #""resources": {"scope": "jobs", "maxPods": 2}"#), "/spec/rules/0/resources/scope", "\"job\""),
        (
            Fixtures.policy(rule: #""when": {"roles": ["worker"]}, "resources": {"scope": "job", "maxPods": 64}"#), "/spec/rules/0/when",
            "contributes most"
        ),
        (
            Fixtures.policy(rule: #""resources": {"scope": "job", "maxPods": 64}"#, extra: #""match": {"projects": ["ml"], "roles": ["worker"]},"#),
            "/spec/match/roles", "can differ between the groups"
        ),
        (
            Fixtures.policy(rule: #""resources": {"scope": "job", "maxPods": 64}"#, extra: #""exclude": {"interruptible": true},"#),
            "/spec/exclude/interruptible", "can differ between the groups"
        ),
    ]

    @Test(arguments: cases)
    func error(document: String, pointer: String, message: String) {
        let errors = Fixtures.loadErrors(document)
        #expect(errors.contains { $0.pointer.description == pointer && $0.message.contains(message) && $0.file == "policy.json" }, "got \(errors)")
    }

    @Test("JSON syntax errors carry line and column")
    func syntax() {
        let errors = Fixtures.loadErrors("{\n  \"apiVersion\": \"flyte-policy/v1\",\n  \"kind\": Policy\n}")
        #expect(errors.count == 1)
        #expect(errors.first?.line == 3)
        #expect(errors.first?.description.hasPrefix("policy.json:3:") == true)
    }

    @Test("duplicate keys are refused rather than silently resolved")
    func duplicateKeys() {
        let errors = Fixtures.loadErrors(#"{"apiVersion": "flyte-policy/v1", "kind": "Policy", "kind": "PolicyException"}"#)
        #expect(errors.first?.message.contains("duplicate") == true)
    }

    @Test("every error of a file is reported, not just the first")
    func allErrors() {
        let document = Fixtures.policy(rule: #""resources": {"max": {"limits": {"memory": "x", "cpu": "y"}}, "sope": "pod"}"#)
        #expect(Fixtures.loadErrors(document).count == 3)
    }

    @Test("names are unique across files, and exceptions must name loaded policies")
    func crossFile() {
        let policy = Fixtures.policy(rule: #""images": {"requireDigest": true}"#, name: "images")
        let exception =
            #"{"apiVersion": "flyte-policy/v1", "kind": "PolicyException", "metadata": {"name": "w"}, "spec": {"policies": ["imagse"], "reason": "x"}}"#
        do {
            _ = try PolicyLoader.load(files: [("a.json", Array(policy.utf8)), ("b.json", Array(policy.utf8)), ("c.json", Array(exception.utf8))])
            Issue.record("expected a load failure")
        } catch {
            #expect(error.errors.contains { $0.file == "b.json" && $0.message.contains("already used in a.json") })
            #expect(error.errors.contains { $0.file == "c.json" && $0.message.contains("matches no loaded policy") })
        }
    }

    @Test("the starter policies load")
    func starterPolicies() throws {
        let set = try Fixtures.policies(Fixtures.policy(rule: #""images": {"requireDigest": true}"#))
        #expect(set.policies.first?.action == .deny)
        #expect(set.policies.first?.severity == .medium)
    }
}

@Suite("scope, exceptions and messages")
struct EvaluationTests {
    static let flyte = FlyteIdentity(
        project: "ml", domain: "production", workflow: "pipelines.train.training_wf", task: "pipelines.train.train_model", node: "n2",
        interruptible: false)
    static let rule =
        #""nodeSelector": {"allowed": {"gpu-type": ["nvidia-a100"]}}, "message": "{{flyte.workflow}} node {{flyte.node}}: {{value}} not in {{allowed}} ({{policy}}/{{rule}} at {{path}})""#

    @Test(
        "match and exclude clauses select subjects",
        arguments: [
            (#""match": {"projects": ["ml*"], "domains": ["production"]},"#, 1),
            (#""match": {"projects": ["web"]},"#, 0),
            (#""match": {"interruptible": true},"#, 0),
            (#""match": {"labels": {"team": "vis*"}},"#, 1),
            (#""match": {"resources": ["nvidia.com/gpu"]},"#, 1),
            (#""exclude": {"namespaces": ["ml-*"]},"#, 0),
            (#""exclude": {"workflows": ["pipelines.legacy.*"]},"#, 1),
        ])
    func scope(clause: String, count: Int) throws {
        let findings = try Fixtures.findings(policy: Fixtures.policy(rule: Self.rule, extra: clause), pod: Fixtures.gpuPodV100, flyte: Self.flyte)
        #expect(findings.count == count)
    }

    @Test("Flyte match fields never match a plain Kubernetes object")
    func plainObject() throws {
        let findings = try Fixtures.findings(
            policy: Fixtures.policy(rule: Self.rule, extra: #""match": {"projects": ["*"]},"#), pod: Fixtures.gpuPodV100)
        #expect(findings.isEmpty)
    }

    @Test("message templates fill every placeholder")
    func message() throws {
        let findings = try Fixtures.findings(policy: Fixtures.policy(rule: Self.rule), pod: Fixtures.gpuPodV100, flyte: Self.flyte)
        #expect(
            findings.first?.message
                == "pipelines.train.training_wf node n2: nvidia-tesla-v100 not in nvidia-a100 (p/r at /spec/nodeSelector/gpu-type)")
    }

    static let exception =
        #"{"apiVersion": "flyte-policy/v1", "kind": "PolicyException", "metadata": {"name": "legacy"}, "spec": {"policies": ["p"], "rules": ["r"], "match": {"workflows": ["pipelines.train.*"]}, "expires": "2026-12-31", "reason": "ML-1234"}}"#

    @Test("an exception covers matching findings until it expires")
    func exceptions() throws {
        let document = "[\(Fixtures.policy(rule: Self.rule)), \(Self.exception)]"
        let set = try Fixtures.policies(document)
        let subject = try Fixtures.subject(Fixtures.gpuPodV100, flyte: Self.flyte)
        let active = Evaluator(policies: set, today: CalendarDay(year: 2026, month: 12, day: 31)).report([subject])
        #expect(active.findings.map(\.status) == [.excepted])
        #expect(active.findings.first?.exception == "legacy")
        #expect(!active.fails(at: .deny))
        #expect(active.summary.excepted == 1)
        let expired = Evaluator(policies: set, today: CalendarDay(year: 2027, month: 1, day: 1)).report([subject])
        #expect(expired.findings.map(\.status) == [.fail])
        #expect(expired.notices.first?.contains("expired on 2026-12-31") == true)
        #expect(expired.fails(at: .deny))
    }

    @Test(
        "fail levels",
        arguments: [(Action.deny, FailLevel.deny, true), (.warn, .deny, false), (.warn, .warn, true), (.audit, .warn, false), (.deny, .never, false)])
    func failLevels(action: Action, level: FailLevel, fails: Bool) {
        #expect(level.isReached(by: action) == fails)
    }

    @Test("calendar days from epoch seconds")
    func days() {
        #expect(CalendarDay(secondsSince1970: 0).description == "1970-01-01")
        #expect(CalendarDay(secondsSince1970: 1_795_478_400).description == "2026-11-24")
        #expect(CalendarDay(secondsSince1970: 951_782_400).description == "2000-02-29")
        #expect(CalendarDay("2027-01-31T00:00:00Z") == CalendarDay(year: 2027, month: 1, day: 31))
        #expect(CalendarDay("2027-1-31") == nil)
    }
}
