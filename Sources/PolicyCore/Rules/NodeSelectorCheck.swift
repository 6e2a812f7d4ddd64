import PolicyJSON

/// `nodeSelector`: which node labels a pod may, must and must not select on.
///
/// The pod's node constraint is `spec.nodeSelector` AND its required node affinity: Flyte writes
/// GPU accelerator and interruptible constraints as affinity, so reading only `nodeSelector`
/// could be bypassed.
public struct NodeSelectorCheck: RuleCheck {
    public static let key = "nodeSelector"
    static let fields = ["required", "allowed", "forbidden", "allowedKeys"]

    /// Keys that must be pinned: by `nodeSelector`, or by an `In` expression in every term.
    public var required: [String] = []
    /// key -> allowed value patterns.
    public var allowed = OrderedMap<GlobList>()
    /// Key patterns that must not be selected on.
    public var forbidden: GlobList?
    /// Key patterns that may be selected on; any other key is a violation.
    public var allowedKeys: GlobList?

    /// Operators that select nodes having a label; `NotIn` and `DoesNotExist` only steer away.
    private static let selectingOperators: Set<String> = ["In", "Exists", "Gt", "Lt"]

    public init(required: [String] = [], allowed: OrderedMap<GlobList> = [:], forbidden: GlobList? = nil, allowedKeys: GlobList? = nil) {
        self.required = required
        self.allowed = allowed
        self.forbidden = forbidden
        self.allowedKeys = allowedKeys
    }

    public init?(reading node: JSONNode, at pointer: JSONPointer, context: inout LoadContext) {
        guard let reader = ObjectReader(node, at: pointer, allowed: Self.fields, what: "a nodeSelector check", context: &context) else {
            return nil
        }
        let before = context.errors.count
        required = reader.stringList("required", context: &context) ?? []
        if let (allowedNode, allowedPath) = reader.member("allowed") {
            if allowedNode.isObject {
                for (key, values) in allowedNode.members {
                    if let globs = ObjectReader.globList(values, at: allowedPath.appending(key), context: &context) {
                        allowed[key] = globs
                    }
                }
            } else {
                context.fail(allowedPath, "expected an object of label key to a list of allowed value patterns, found \(allowedNode.kind.phrase)")
            }
        }
        forbidden = reader.globList("forbidden", context: &context)
        allowedKeys = reader.globList("allowedKeys", context: &context)
        if required.isEmpty, allowed.isEmpty, forbidden == nil, allowedKeys == nil, context.errors.count == before {
            context.fail(pointer, "a nodeSelector check needs at least one of: \(Self.fields.joined(separator: ", "))")
        }
        guard context.errors.count == before else { return nil }
    }

    public func evaluate(_ subject: Subject, into violations: inout [Violation]) {
        // The selector is read in place: a copy of the pod spec retains every list in it.
        let termsPath: JSONPointer = "/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms"
        // A term without expressions selects no node, so it cannot be the way a pod gets placed.
        let terms = subject.pod.spec.requiredNodeSelectorTerms.map { $0.enumerated().filter { !$0.element.matchExpressions.isEmpty } } ?? []

        for key in required {
            let inSelector = subject.pod.spec.nodeSelector.contains(key)
            let inEveryTerm =
                !terms.isEmpty
                && terms.allSatisfy { _, term in
                    term.matchExpressions.contains { $0.key == key && $0.operator == "In" }
                }
            if !inSelector && !inEveryTerm {
                let allowedValues = allowed[key].map(\.description)
                let why = terms.isEmpty ? "" : " (a required node affinity term that does not pin it lets the pod run anywhere)"
                violations.append(
                    Violation(
                        path: "/spec/nodeSelector", detail: "node label '\(key)' must be selected but is not\(why)",
                        value: nil, allowed: allowedValues))
            }
        }

        // Pointers and descriptions are built only for a violation: most selectors pass.
        for index in subject.pod.spec.nodeSelector.entries.indices {
            let (key, value) = subject.pod.spec.nodeSelector.entries[index]
            if let globs = allowed[key], !globs.matches(value) {
                violations.append(
                    Violation(
                        pointer: "/spec/nodeSelector", token: key, container: nil, context: (key: key, value: value, globs: globs)
                    ) {
                        let globs = $0.globs.description
                        return .init("node selector \($0.key)=\($0.value) is not allowed (allowed: \(globs))", value: $0.value, allowed: globs)
                    })
            }
            // Only when there are key rules: the description is captured for a message as soon as
            // the call is made.
            if forbidden != nil || allowedKeys != nil {
                keyViolations(
                    key: key, path: ("/spec/nodeSelector" as JSONPointer).appending(key), what: "node selector \(key)=\(value)", into: &violations)
            }
        }

        for (termIndex, term) in terms {
            for (index, expression) in term.matchExpressions.enumerated() {
                let path = termsPath.appending(termIndex).appending("matchExpressions").appending(index)
                let described = "node affinity \(expression.key) \(expression.operator) [\(expression.values.joined(separator: ", "))]"
                if let globs = allowed[expression.key] {
                    if expression.operator == "In" {
                        for (valueIndex, value) in expression.values.enumerated() where !globs.matches(value) {
                            violations.append(
                                Violation(
                                    path: path.appending("values").appending(valueIndex),
                                    detail: "\(described) allows '\(value)', which is not allowed (allowed: \(globs))",
                                    value: value, allowed: globs.description))
                        }
                    } else {
                        violations.append(
                            Violation(
                                path: path, detail: "\(described) does not pin '\(expression.key)' to allowed values (allowed: \(globs)); use In",
                                value: expression.operator, allowed: globs.description))
                    }
                }
                if Self.selectingOperators.contains(expression.operator) {
                    keyViolations(key: expression.key, path: path, what: described, into: &violations)
                }
            }
        }
    }

    private func keyViolations(
        key: String, path: @autoclosure () -> JSONPointer, what: @autoclosure @escaping @Sendable () -> String, into violations: inout [Violation]
    ) {
        if forbidden?.matches(key) == true {
            violations.append(Violation(path: path(), detail: "\(what()) selects on the forbidden label '\(key)'", value: key, allowed: nil))
        }
        if allowedKeys?.matches(key) == false {
            let allowed = allowedKeys?.description ?? ""
            violations.append(
                Violation(
                    path: path(), detail: "\(what()) selects on '\(key)', which is not an allowed label (allowed: \(allowed))", value: key,
                    allowed: allowed))
        }
    }
}
