import Foundation
import PolicyJSON

/// A loaded, validated set of policies and exceptions.
public struct PolicySet: Sendable {
    public var policies: [Policy]
    public var exceptions: [PolicyException]

    public init(policies: [Policy] = [], exceptions: [PolicyException] = []) {
        self.policies = policies
        self.exceptions = exceptions
    }

    public var ruleCount: Int { policies.reduce(0) { $0 + $1.rules.count } }
}

/// A policy set that did not load; never treated as empty.
public struct PolicyLoadFailure: Error, Sendable, CustomStringConvertible {
    public var errors: [PolicyLoadError]

    public init(errors: [PolicyLoadError]) {
        self.errors = errors
    }

    public var description: String {
        let count = errors.count == 1 ? "1 error" : "\(errors.count) errors"
        return "the policy set does not load (\(count)):\n" + errors.map { "  \($0)" }.joined(separator: "\n")
    }
}

/// Reads `Policy` and `PolicyException` documents (policy-format v1).
public enum PolicyLoader {
    public static let apiVersion = "flyte-policy/v1"

    /// Every check kind; a rule must have exactly one of their keys.
    public static let checkKinds: [any RuleCheck.Type] = [
        NodeSelectorCheck.self, TolerationsCheck.self, ResourcesCheck.self, ImagesCheck.self, AssertCheck.self, PodSecurityCheck.self,
    ]

    static let ruleFields = ["name", "when", "message"] + checkKinds.map { $0.key }
    static let nameForm = "lower-case letters, digits and '-', starting and ending with a letter or digit (e.g. gpu-node-pools)"

    /// Loads a set from files (name and contents), in the order given.
    ///
    /// - Throws: ``PolicyLoadFailure`` with every error of every file.
    public static func load(files: [(name: String, contents: [UInt8])]) throws(PolicyLoadFailure) -> PolicySet {
        var set = PolicySet()
        var errors: [PolicyLoadError] = []
        for (name, contents) in files {
            var context = LoadContext(file: name)
            let (policies, exceptions) = parse(contents, context: &context)
            set.policies += policies
            set.exceptions += exceptions
            errors += context.errors
        }
        errors += crossCheck(set)
        guard errors.isEmpty else { throw PolicyLoadFailure(errors: errors) }
        return set
    }

    /// Parses one file; problems go into `context`.
    public static func parse(_ contents: [UInt8], context: inout LoadContext) -> ([Policy], [PolicyException]) {
        let document: JSONDocument
        do {
            document = try JSONDocument.parse(contents, source: context.file)
        } catch {
            context.append(
                PolicyLoadError(file: context.file, pointer: "", message: "invalid JSON: \(error.reason)", line: error.line, column: error.column))
            return ([], [])
        }
        let root = document.rootNode
        let items: [(JSONNode, JSONPointer)]
        if root.isArray {
            items = root.elements.enumerated().map { ($1, JSONPointer.root.appending($0)) }
        } else if root.isObject {
            items = [(root, JSONPointer.root)]
        } else {
            context.fail(
                JSONPointer.root, "expected a Policy or PolicyException document (an object) or an array of them, found \(root.kind.phrase)")
            return ([], [])
        }
        var policies: [Policy] = []
        var exceptions: [PolicyException] = []
        for (node, pointer) in items {
            guard
                let reader = ObjectReader(
                    node, at: pointer, allowed: ["apiVersion", "kind", "metadata", "spec"], what: "a document", context: &context)
            else {
                continue
            }
            let version = reader.string("apiVersion", required: true, context: &context)
            if let version, version != apiVersion {
                context.fail(pointer.appending("apiVersion"), "unsupported apiVersion '\(version)'; expected \"\(apiVersion)\"")
            }
            switch reader.string("kind", required: true, context: &context) {
            case "Policy": if let policy = readPolicy(reader, context: &context) { policies.append(policy) }
            case "PolicyException": if let exception = readException(reader, context: &context) { exceptions.append(exception) }
            // Policy tests live beside the policies they test; `flyte-policy test` reads them.
            case PolicyTestSuite.kind?: break
            case let other?: context.fail(pointer.appending("kind"), "unknown kind '\(other)'; expected \"Policy\" or \"PolicyException\"")
            case nil: break
            }
        }
        return (policies, exceptions)
    }

    private static func readMetadata(_ document: ObjectReader, context: inout LoadContext) -> (name: String, description: String?)? {
        guard let (node, path) = document.member("metadata") else {
            context.fail(document.pointer.appending("metadata"), "'metadata' with a 'name' is required")
            return nil
        }
        guard
            let reader = ObjectReader(
                node, at: path, allowed: ["name", "description", "labels", "annotations"], what: "metadata", context: &context),
            let name = reader.string("name", required: true, context: &context)
        else { return nil }
        guard isValidName(name) else {
            context.fail(path.appending("name"), "'\(name)' is not a valid name: use \(nameForm)")
            return nil
        }
        return (name, reader.string("description", context: &context))
    }

    static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard let first = bytes.first, let last = bytes.last, bytes.count <= 253 else { return false }
        func alnum(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 48 && b <= 57) }
        return alnum(first) && alnum(last) && bytes.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") }
    }

    private static func spec(_ document: ObjectReader, allowed: [String], what: String, context: inout LoadContext) -> ObjectReader? {
        guard let (node, path) = document.member("spec") else {
            context.fail(document.pointer.appending("spec"), "'spec' is required")
            return nil
        }
        return ObjectReader(node, at: path, allowed: allowed, what: what, context: &context)
    }

    private static func readPolicy(_ document: ObjectReader, context: inout LoadContext) -> Policy? {
        let before = context.errors.count
        let metadata = readMetadata(document, context: &context)
        guard let spec = spec(document, allowed: ["action", "severity", "match", "exclude", "rules"], what: "a policy spec", context: &context) else {
            return nil
        }
        var action = Action.deny
        if let text = spec.string("action", context: &context) {
            if let value = Action(rawValue: text) {
                action = value
            } else {
                context.fail(spec.pointer.appending("action"), "'\(text)' is not an action; use deny, warn or audit")
            }
        }
        var severity = Severity.medium
        if let text = spec.string("severity", context: &context) {
            if let value = Severity(rawValue: text) {
                severity = value
            } else {
                context.fail(spec.pointer.appending("severity"), "'\(text)' is not a severity; use low, medium, high or critical")
            }
        }
        let match = spec.member("match").flatMap { readClause($0.0, at: $0.1, what: "a match clause", allowAssert: false, context: &context)?.clause }
        let exclude = spec.member("exclude").flatMap {
            readClause($0.0, at: $0.1, what: "an exclude clause", allowAssert: false, context: &context)?.clause
        }
        var rules: [Rule] = []
        if let (rulesNode, rulesPath) = spec.member("rules") {
            if rulesNode.isArray, rulesNode.count > 0 {
                var seen = Set<String>()
                for (index, ruleNode) in rulesNode.elements.enumerated() {
                    guard let rule = readRule(ruleNode, at: rulesPath.appending(index), context: &context) else { continue }
                    if (rule.check as? ResourcesCheck)?.scope == .job {
                        for (key, clause) in [("match", match), ("exclude", exclude)] {
                            if let varying = clause?.fieldsVaryingWithinAJob.first {
                                context.fail(
                                    spec.pointer.appending(key).appending(varying),
                                    Self.jobScopeConflict("'\(varying)' in the policy's \(key)", rule: rule.name))
                            }
                        }
                    }
                    if !seen.insert(rule.name).inserted {
                        context.fail(rulesPath.appending(index).appending("name"), "the rule name '\(rule.name)' is used twice in this policy")
                    }
                    rules.append(rule)
                }
            } else {
                context.fail(rulesPath, "expected a non-empty array of rules, found \(rulesNode.isArray ? "an empty array" : rulesNode.kind.phrase)")
            }
        } else {
            context.fail(spec.pointer.appending("rules"), "'rules' is required: a policy needs at least one rule")
        }
        guard context.errors.count == before, let metadata else { return nil }
        return Policy(
            name: metadata.name, description: metadata.description, action: action, severity: severity, match: match, exclude: exclude, rules: rules,
            file: context.file)
    }

    private static func readRule(_ node: JSONNode, at pointer: JSONPointer, context: inout LoadContext) -> Rule? {
        guard let reader = ObjectReader(node, at: pointer, allowed: ruleFields, what: "a rule", context: &context) else { return nil }
        let before = context.errors.count
        let name = reader.string("name", required: true, context: &context)
        if let name, !isValidName(name) { context.fail(pointer.appending("name"), "'\(name)' is not a valid rule name: use \(nameForm)") }
        let when = reader.member("when").flatMap { readClause($0.0, at: $0.1, what: "a when clause", allowAssert: true, context: &context) }
        var message: MessageTemplate?
        if let text = reader.string("message", context: &context) {
            do { message = try MessageTemplate(parsing: text) } catch { context.fail(pointer.appending("message"), error.description) }
        }
        let present = checkKinds.filter { reader.has($0.key) }
        guard present.count == 1, let kind = present.first, let (checkNode, checkPath) = reader.member(kind.key) else {
            let kinds = checkKinds.map { $0.key }.joined(separator: ", ")
            if present.isEmpty {
                context.fail(pointer, "a rule needs exactly one check (\(kinds)); it has none")
            } else {
                context.fail(
                    pointer,
                    "a rule has exactly one check; this one has \(present.map { $0.key }.joined(separator: " and ")): split it into several rules")
            }
            return nil
        }
        let check = kind.init(reading: checkNode, at: checkPath, context: &context)
        if (check as? ResourcesCheck)?.scope == .job, when != nil {
            context.fail(pointer.appending("when"), jobScopeConflict("a 'when' clause", rule: name ?? ""))
        }
        guard context.errors.count == before, let name, let check else { return nil }
        return Rule(name: name, when: when, check: check, message: message)
    }

    /// Why a job-scope rule cannot have a condition that may differ between the groups of one
    /// job: the total is reported on the group contributing most, and a condition false there
    /// would hide it.
    static func jobScopeConflict(_ what: String, rule: String) -> String {
        "rule '\(rule)' bounds whole jobs (scope \"job\") and is reported on the group that contributes most; \(what) can differ between the groups of one job and would hide that finding. Scope it by project, domain, workflow, task, node, taskType or namespace, or use a pod scope"
    }

    /// A `match`, `exclude` or `when` clause.
    static func readClause(_ node: JSONNode, at pointer: JSONPointer, what: String, allowAssert: Bool, context: inout LoadContext) -> Condition? {
        let fields = MatchClause.fieldNames + (allowAssert ? ["assert"] : [])
        guard let reader = ObjectReader(node, at: pointer, allowed: fields, what: what, context: &context) else { return nil }
        let before = context.errors.count
        var clause = MatchClause.Fields()
        clause.projects = reader.globList("projects", context: &context)
        clause.domains = reader.globList("domains", context: &context)
        clause.workflows = reader.globList("workflows", context: &context)
        clause.tasks = reader.globList("tasks", context: &context)
        clause.nodes = reader.globList("nodes", context: &context)
        clause.taskTypes = reader.globList("taskTypes", context: &context)
        clause.roles = reader.globList("roles", context: &context)
        if let roles = clause.roles {
            for (index, glob) in roles.globs.enumerated()
            where !ReplicaRole.words.contains(where: glob.matches) && !glob.pattern.hasPrefix("worker-group:") {
                context.fail(
                    pointer.appending("roles").appending(index),
                    "'\(glob.pattern)' matches no replica role; roles are \(ReplicaRole.words.joined(separator: ", ")) (a Ray group: worker-group:<name>)"
                )
            }
        }
        clause.namespaces = reader.globList("namespaces", context: &context)
        clause.labels = reader.globMap("labels", context: &context)
        clause.annotations = reader.globMap("annotations", context: &context)
        clause.interruptible = reader.bool("interruptible", context: &context)
        clause.resources = reader.stringList("resources", nonEmpty: true, context: &context)
        var asserts: [AssertCheck] = []
        if let (assertNode, assertPath) = reader.member("assert") {
            let items = assertNode.isArray ? assertNode.elements.enumerated().map { ($1, assertPath.appending($0)) } : [(assertNode, assertPath)]
            for (item, itemPath) in items {
                if let check = AssertCheck(reading: item, at: itemPath, context: &context) { asserts.append(check) }
            }
        }
        guard context.errors.count == before else { return nil }
        let condition = Condition(clause: MatchClause(clause), asserts: asserts)
        if condition.clause.isEmpty, asserts.isEmpty {
            // `"namespaces": []` is refused; an empty clause must be too, or `"exclude": {}`
            // would quietly switch a policy off.
            context.fail(
                pointer,
                "\(what) lists nothing, so it would hold for every pod (an empty exclude switches the policy off); list what it selects, or remove it"
            )
            return nil
        }
        return condition
    }

    private static func readException(_ document: ObjectReader, context: inout LoadContext) -> PolicyException? {
        let before = context.errors.count
        let metadata = readMetadata(document, context: &context)
        guard let spec = spec(document, allowed: ["policies", "rules", "match", "expires", "reason"], what: "an exception spec", context: &context)
        else {
            return nil
        }
        let policies = spec.globList("policies", context: &context)
        if !spec.has("policies") {
            context.fail(spec.pointer.appending("policies"), "'policies' is required: name the policies this exception waives")
        }
        let rules = spec.globList("rules", context: &context)
        let match = spec.member("match").flatMap { readClause($0.0, at: $0.1, what: "a match clause", allowAssert: false, context: &context)?.clause }
        var expires: CalendarDay?
        if let text = spec.string("expires", context: &context) {
            expires = CalendarDay(text)
            if expires == nil {
                context.fail(spec.pointer.appending("expires"), "'\(text)' is not a date; write YYYY-MM-DD (the last day the exception applies)")
            }
        }
        let reason = spec.string("reason", required: true, context: &context)
        if let reason, reason.trimmingCharacters(in: .whitespaces).isEmpty {
            context.fail(spec.pointer.appending("reason"), "'reason' must say why the exception exists (e.g. a ticket)")
        }
        guard context.errors.count == before, let metadata, let policies, let reason else { return nil }
        return PolicyException(
            name: metadata.name, policies: policies, rules: rules, match: match, expires: expires, reason: reason, file: context.file)
    }

    /// Names unique across the set; exceptions that name a policy that is not loaded.
    static func crossCheck(_ set: PolicySet) -> [PolicyLoadError] {
        var errors: [PolicyLoadError] = []
        var policyFiles: [String: String] = [:]
        for policy in set.policies {
            if let other = policyFiles[policy.name] {
                errors.append(
                    PolicyLoadError(
                        file: policy.file, pointer: "/metadata/name", message: "the policy name '\(policy.name)' is already used in \(other)"))
            } else {
                policyFiles[policy.name] = policy.file
            }
        }
        var exceptionFiles: [String: String] = [:]
        for exception in set.exceptions {
            if let other = exceptionFiles[exception.name] {
                errors.append(
                    PolicyLoadError(
                        file: exception.file, pointer: "/metadata/name", message: "the exception name '\(exception.name)' is already used in \(other)"
                    ))
            } else {
                exceptionFiles[exception.name] = exception.file
            }
            guard !set.policies.isEmpty else { continue }
            for glob in exception.policies.globs where !set.policies.contains(where: { glob.matches($0.name) }) {
                errors.append(
                    PolicyLoadError(
                        file: exception.file, pointer: "/spec/policies",
                        message:
                            "exception '\(exception.name)' names '\(glob.pattern)', which matches no loaded policy (loaded: \(set.policies.map(\.name).joined(separator: ", ")))"
                    ))
            }
        }
        return errors
    }
}
