import PolicyJSON

/// A toleration shape in a policy; absent fields match anything.
public struct TolerationPattern: Sendable, CustomStringConvertible {
    public var key: Glob?
    public var `operator`: String?
    public var value: Glob?
    public var effect: String?
    /// `true` matches only tolerate-everything tolerations, `false` only the others.
    public var wildcard: Bool?

    static let fields = ["key", "operator", "value", "effect", "wildcard"]

    public init(key: Glob? = nil, operator: String? = nil, value: Glob? = nil, effect: String? = nil, wildcard: Bool? = nil) {
        self.key = key
        self.operator = `operator`
        self.value = value
        self.effect = effect
        self.wildcard = wildcard
    }

    public func matches(_ toleration: Toleration) -> Bool {
        // Optional chaining tests the globs in place; `if let` would copy each one.
        if let wildcard, toleration.toleratesEverything != wildcard { return false }
        if key?.matches(toleration.key) == false { return false }
        if let op = `operator`, op != toleration.effectiveOperator { return false }
        if value?.matches(toleration.value) == false { return false }
        if let effect, effect != toleration.effect { return false }
        return true
    }

    public var description: String {
        if wildcard == true { return "tolerate-everything" }
        var parts: [String] = []
        if let key { parts.append("key=\(key)") }
        if let op = `operator` { parts.append("operator=\(op)") }
        if let value { parts.append("value=\(value)") }
        if let effect { parts.append("effect=\(effect)") }
        if wildcard == false { parts.append("not tolerate-everything") }
        return parts.isEmpty ? "any toleration" : "{" + parts.joined(separator: ", ") + "}"
    }
}

/// `tolerations`: taints a pod must tolerate, and which tolerations it may or must not carry.
public struct TolerationsCheck: RuleCheck {
    public static let key = "tolerations"
    static let fields = ["required", "allowed", "forbidden"]
    private static let effects = ["NoSchedule", "PreferNoSchedule", "NoExecute"]

    public var required: [Taint] = []
    public var allowed: [TolerationPattern]?
    public var forbidden: [TolerationPattern] = []

    public init(required: [Taint] = [], allowed: [TolerationPattern]? = nil, forbidden: [TolerationPattern] = []) {
        self.required = required
        self.allowed = allowed
        self.forbidden = forbidden
    }

    public init?(reading node: JSONNode, at pointer: JSONPointer, context: inout LoadContext) {
        guard let reader = ObjectReader(node, at: pointer, allowed: Self.fields, what: "a tolerations check", context: &context) else {
            return nil
        }
        let before = context.errors.count
        if let (list, path) = reader.member("required") {
            required = Self.list(list, at: path, context: &context) { element, elementPath, context in
                guard let taint = ObjectReader(element, at: elementPath, allowed: ["key", "value", "effect"], what: "a taint", context: &context)
                else { return nil }
                let key = taint.string("key", required: true, context: &context)
                let value = taint.string("value", context: &context) ?? ""
                let effect = taint.string("effect", required: true, context: &context)
                if let effect, !Self.effects.contains(effect) {
                    context.fail(
                        elementPath.appending("effect"), "'\(effect)' is not a taint effect; use one of \(Self.effects.joined(separator: ", "))")
                    return nil
                }
                guard let key, let effect else { return nil }
                return Taint(key: key, value: value, effect: effect)
            }
        }
        if let (list, path) = reader.member("allowed") {
            allowed = Self.list(list, at: path, context: &context, Self.pattern)
        }
        if let (list, path) = reader.member("forbidden") {
            forbidden = Self.list(list, at: path, context: &context, Self.pattern)
        }
        if required.isEmpty, allowed == nil, forbidden.isEmpty, context.errors.count == before {
            context.fail(pointer, "a tolerations check needs at least one of: \(Self.fields.joined(separator: ", "))")
        }
        guard context.errors.count == before else { return nil }
    }

    private static func list<T>(
        _ node: JSONNode, at path: JSONPointer, context: inout LoadContext, _ read: (JSONNode, JSONPointer, inout LoadContext) -> T?
    ) -> [T] {
        guard node.isArray else {
            context.fail(path, "expected an array, found \(node.kind.phrase)")
            return []
        }
        return node.elements.enumerated().compactMap { index, element in read(element, path.appending(index), &context) }
    }

    private static func pattern(_ node: JSONNode, at path: JSONPointer, context: inout LoadContext) -> TolerationPattern? {
        guard let reader = ObjectReader(node, at: path, allowed: TolerationPattern.fields, what: "a toleration pattern", context: &context) else {
            return nil
        }
        var pattern = TolerationPattern()
        var ok = true
        for field in ["key", "value"] {
            guard let text = reader.string(field, context: &context) else { continue }
            // An empty key or value is a real toleration value ("" = any key with Exists).
            let glob = text.isEmpty ? Glob.emptyString : Glob(text)
            guard let glob else {
                context.fail(path.appending(field), "'\(text)' is not a valid pattern: expected \(Glob.expectedForm)")
                ok = false
                continue
            }
            if field == "key" { pattern.key = glob } else { pattern.value = glob }
        }
        if let op = reader.string("operator", context: &context) {
            if op == "Equal" || op == "Exists" {
                pattern.operator = op
            } else {
                context.fail(path.appending("operator"), "'\(op)' is not a toleration operator; use Equal or Exists")
                ok = false
            }
        }
        if let effect = reader.string("effect", context: &context) {
            if effect.isEmpty || effects.contains(effect) {
                pattern.effect = effect
            } else {
                context.fail(path.appending("effect"), "'\(effect)' is not a taint effect; use one of \(effects.joined(separator: ", "))")
                ok = false
            }
        }
        pattern.wildcard = reader.bool("wildcard", context: &context)
        return ok ? pattern : nil
    }

    public func evaluate(_ subject: Subject, into violations: inout [Violation]) {
        // Index loops throughout: a `for in` or `contains(where:)` copies every toleration and
        // pattern (retaining each string) for every pod and rule. Summaries and lists are
        // formatted only when a violation is read.
        let tolerations = subject.pod.spec.tolerations
        for taintIndex in required.indices {
            var tolerated = false
            for index in tolerations.indices where tolerations[index].tolerates(required[taintIndex]) {
                tolerated = true
                break
            }
            if tolerated { continue }
            let taint = required[taintIndex]
            violations.append(
                Violation(pointer: "/spec/tolerations", container: nil, context: (taint: taint, tolerations: tolerations)) {
                    let present = $0.tolerations.isEmpty ? "none" : $0.tolerations.map(\.summary).joined(separator: ", ")
                    return .init(
                        "no toleration tolerates the required taint \($0.taint.summary) (tolerations: \(present))", value: present,
                        allowed: $0.taint.summary)
                })
        }
        for index in tolerations.indices {
            if let allowed, !Self.anyPattern(allowed, matches: tolerations[index]) {
                violations.append(
                    Violation(
                        pointer: "/spec/tolerations", token: String(index), container: nil,
                        context: (toleration: tolerations[index], allowed: allowed)
                    ) {
                        let list = $0.allowed.map(\.description).joined(separator: ", ")
                        return .init(
                            "toleration \($0.toleration.summary) is not allowed (allowed: \(list))", value: $0.toleration.summary, allowed: list)
                    })
            }
            for patternIndex in forbidden.indices where forbidden[patternIndex].matches(tolerations[index]) {
                violations.append(
                    Violation(
                        pointer: "/spec/tolerations", token: String(index), container: nil,
                        context: (toleration: tolerations[index], pattern: forbidden[patternIndex])
                    ) {
                        .init("toleration \($0.toleration.summary) is forbidden (matches \($0.pattern.description))", value: $0.toleration.summary)
                    })
                break
            }
        }
    }

    private static func anyPattern(_ patterns: [TolerationPattern], matches toleration: Toleration) -> Bool {
        for index in patterns.indices where patterns[index].matches(toleration) { return true }
        return false
    }
}
