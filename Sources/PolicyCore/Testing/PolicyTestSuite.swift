import PolicyJSON

/// A `PolicyTest` document: policy unit tests that `flyte-policy test` runs (docs/policy-tests.md).
///
/// Each case gives subjects (an inline Kubernetes object, or inputs as `check` reads them) and
/// what each named policy rule must do on them: `pass`, `fail` (optionally with the action, the
/// JSON pointer, a message fragment and a count) or `excepted`. Paths are relative to the suite's
/// file; reading them is the caller's job, so this type does no I/O.
public struct PolicyTestSuite: Sendable {
    public static let kind = "PolicyTest"

    public var name: String
    public var file: String
    public var policies: [String]
    public var exceptions: [String]
    /// The day exceptions' expiry is judged against; today when absent.
    public var today: CalendarDay?
    public var cases: [PolicyTestCase]

    /// Reads a suite from a parsed `PolicyTest` document; every problem goes into `context`.
    public static func read(_ node: JSONNode, file: String, context: inout LoadContext) -> PolicyTestSuite? {
        let root = JSONPointer.root
        guard
            let document = ObjectReader(node, at: root, allowed: ["apiVersion", "kind", "metadata", "spec"], what: "a PolicyTest", context: &context)
        else { return nil }
        if let version = document.string("apiVersion", required: true, context: &context), version != "flyte-policy/v1" {
            context.fail(root.appending("apiVersion"), "unsupported apiVersion '\(version)'; expected \"flyte-policy/v1\"")
        }
        guard document.string("kind", required: true, context: &context) == kind else {
            context.fail(root.appending("kind"), "expected \"\(kind)\"")
            return nil
        }
        var name = file
        if let (metadata, path) = document.member("metadata"),
            let reader = ObjectReader(metadata, at: path, allowed: ["name", "description"], what: "metadata", context: &context)
        {
            name = reader.string("name", required: true, context: &context) ?? file
        }
        guard let (specNode, specPath) = document.member("spec") else {
            context.fail(root.appending("spec"), "'spec' is required (policies and cases)")
            return nil
        }
        guard
            let spec = ObjectReader(
                specNode, at: specPath, allowed: ["policies", "exceptions", "today", "cases"], what: "a PolicyTest spec", context: &context)
        else { return nil }
        let policies = spec.stringList("policies", nonEmpty: true, context: &context) ?? []
        if !spec.has("policies") {
            context.fail(specPath.appending("policies"), "'policies' is required: the policy files or folders under test, relative to this file")
        }
        let exceptions = spec.stringList("exceptions", context: &context) ?? []
        var today: CalendarDay?
        if let text = spec.string("today", context: &context) {
            today = CalendarDay(text)
            if today == nil { context.fail(specPath.appending("today"), "'\(text)' is not a date; write YYYY-MM-DD") }
        }
        let cases = spec.nonEmptyList("cases", what: "a non-empty array of cases", context: &context, PolicyTestCase.read)
        var seen = Set<String>()
        for (index, testCase) in cases.enumerated() where !seen.insert(testCase.name).inserted {
            context.fail(specPath.appending("cases").appending(String(index)).appending("name"), "duplicate case name '\(testCase.name)'")
        }
        return PolicyTestSuite(name: name, file: file, policies: policies, exceptions: exceptions, today: today, cases: cases)
    }
}

/// One case of a suite: subjects and expectations.
public struct PolicyTestCase: Sendable {
    public var name: String
    /// An inline Kubernetes object (Pod, PodTemplate, Deployment, ...).
    public var object: JSONNode?
    /// Or inputs as `check` reads them, with its Flyte options.
    public var inputs: [String]
    public var platform: String?
    public var podTemplates: [String]
    public var project: String?
    public var domain: String?
    /// Only subjects with this Flyte identity count (a package has one pod per node).
    public var select: Selector?
    public var expectations: [PolicyExpectation]

    public struct Selector: Sendable {
        public var workflow: String?
        public var node: String?
        public var task: String?

        public func matches(_ subject: Subject) -> Bool {
            let flyte = subject.flyte
            return (workflow == nil || flyte?.workflow == workflow) && (node == nil || flyte?.node == node) && (task == nil || flyte?.task == task)
        }
    }

    static func read(_ node: JSONNode, at pointer: JSONPointer, context: inout LoadContext) -> PolicyTestCase? {
        let allowed = ["name", "object", "inputs", "platform", "podTemplates", "project", "domain", "select", "expect"]
        guard let reader = ObjectReader(node, at: pointer, allowed: allowed, what: "a test case", context: &context) else { return nil }
        let name = reader.string("name", required: true, context: &context) ?? "case \(pointer)"
        let object = reader.member("object")?.0
        let inputs = reader.stringList("inputs", nonEmpty: true, context: &context) ?? []
        if (object == nil) == inputs.isEmpty {
            context.fail(
                pointer, "a case has either 'object' (an inline Kubernetes object) or 'inputs' (files as check reads them), not both or neither")
        }
        if let object, !object.isObject { context.fail(pointer.appending("object"), "expected a Kubernetes object, found \(object.kind.phrase)") }
        var select: Selector?
        if let (selectNode, selectPath) = reader.member("select"),
            let selectReader = ObjectReader(selectNode, at: selectPath, allowed: ["workflow", "node", "task"], what: "a selector", context: &context)
        {
            select = Selector(
                workflow: selectReader.string("workflow", context: &context), node: selectReader.string("node", context: &context),
                task: selectReader.string("task", context: &context))
        }
        let expectations = reader.nonEmptyList(
            "expect", what: "a non-empty array of expectations ({\"policy\", \"rule\", \"result\"})", context: &context, PolicyExpectation.read)
        return PolicyTestCase(
            name: name, object: object, inputs: inputs, platform: reader.string("platform", context: &context),
            podTemplates: reader.stringList("podTemplates", context: &context) ?? [], project: reader.string("project", context: &context),
            domain: reader.string("domain", context: &context), select: select, expectations: expectations)
    }
}

/// What one policy rule must do in a case.
public struct PolicyExpectation: Sendable, Equatable {
    public enum Result: String, Sendable, CaseIterable {
        case pass, fail, excepted
    }

    public var policy: String
    public var rule: String
    public var result: Result
    public var action: Action?
    public var path: JSONPointer?
    public var messageContains: String?
    public var count: Int?
    public var exception: String?

    static func read(_ node: JSONNode, at pointer: JSONPointer, context: inout LoadContext) -> PolicyExpectation? {
        let allowed = ["policy", "rule", "result", "action", "path", "messageContains", "count", "exception"]
        guard let reader = ObjectReader(node, at: pointer, allowed: allowed, what: "an expectation", context: &context) else { return nil }
        let policy = reader.string("policy", required: true, context: &context)
        let rule = reader.string("rule", required: true, context: &context)
        let resultText = reader.string("result", required: true, context: &context)
        let result = resultText.flatMap(Result.init(rawValue:))
        if let resultText, result == nil {
            context.fail(pointer.appending("result"), "unknown result '\(resultText)'; expected one of: pass, fail, excepted")
        }
        var action: Action?
        if let text = reader.string("action", context: &context) {
            action = Action(rawValue: text)
            if action == nil { context.fail(pointer.appending("action"), "unknown action '\(text)'; expected one of: deny, warn, audit") }
        }
        var count: Int?
        if let (countNode, countPath) = reader.member("count") {
            if let value = countNode.integer, value >= 0, value <= 100_000 {
                count = Int(value)
            } else {
                context.fail(countPath, "expected a number of findings (0 or more)")
            }
        }
        // Read in its canonical form, so `/a~1b` and a finding's `/a~1b` compare equal however the
        // file spelled its escapes.
        let path = reader.string("path", context: &context).map { JSONPointer($0) }
        let messageContains = reader.string("messageContains", context: &context)
        if messageContains == "" {
            context.fail(
                pointer.appending("messageContains"),
                "an empty messageContains matches every message; write part of the message you expect, or remove it"
            )
        }
        if result == .pass {
            // A pass means the rule finds nothing in the case: qualifying the findings would make
            // a mistyped path or message pass although the rule fails.
            for key in ["path", "messageContains", "action", "count", "exception"] where reader.has(key) {
                context.fail(pointer.appending(key), "'\(key)' qualifies findings, and a pass expects none; remove it, or expect fail")
            }
        }
        guard let policy, let rule, let result else { return nil }
        return PolicyExpectation(
            policy: policy, rule: rule, result: result, action: action, path: path, messageContains: messageContains,
            count: count, exception: reader.string("exception", context: &context))
    }

    /// What was expected, in the words the runner prints.
    public var summary: String {
        var text = "\(policy)/\(rule) \(result.rawValue)"
        var details: [String] = []
        if let action { details.append(action.rawValue) }
        if let path { details.append("at \(path)") }
        if let messageContains { details.append("message containing '\(messageContains)'") }
        if let count { details.append("\(count) finding\(count == 1 ? "" : "s")") }
        if let exception { details.append("by \(exception)") }
        if !details.isEmpty { text += " (" + details.joined(separator: ", ") + ")" }
        return text
    }

    /// Judges the findings of a case's subjects; `nil` when the expectation holds, else what
    /// actually happened.
    public func mismatch(in findings: [Finding]) -> String? {
        let relevant = findings.filter { $0.policy == policy && $0.rule == rule && (path == nil || $0.path == path) }
        func describe(_ found: [Finding]) -> String {
            guard !found.isEmpty else { return "no finding" }
            let shown = found.prefix(3).map {
                "\($0.status == .excepted ? "excepted by \($0.exception ?? "?")" : $0.action.rawValue): \($0.locatedMessage)"
            }
            return "\(found.count) finding\(found.count == 1 ? "" : "s"): " + shown.joined(separator: "; ") + (found.count > 3 ? "; ..." : "")
        }
        switch result {
        case .pass:
            return relevant.isEmpty ? nil : describe(relevant)
        case .fail:
            let failing = relevant.filter { $0.status == .fail }
            let matching = failing.filter { finding in
                (action == nil || finding.action == action) && (messageContains.map { finding.message.contains($0) } ?? true)
            }
            if matching.isEmpty { return describe(relevant) }
            if let count, matching.count != count { return describe(matching) }
            return nil
        case .excepted:
            let excepted = relevant.filter { $0.status == .excepted && (exception == nil || $0.exception == exception) }
            if excepted.isEmpty || excepted.count != relevant.count { return describe(relevant) }
            if let count, excepted.count != count { return describe(excepted) }
            return nil
        }
    }
}
