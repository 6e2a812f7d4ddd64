import PolicyJSON

/// One kind of check (`nodeSelector`, `tolerations`, ...). Adding a kind means one type
/// conforming to this protocol plus one line in ``PolicyLoader/checkKinds``.
public protocol RuleCheck: Sendable {
    /// The key that selects this check in a rule (`"nodeSelector"`).
    static var key: String { get }

    /// Reads the check's configuration; records every problem in `context` and returns `nil`
    /// when it cannot be used.
    init?(reading node: JSONNode, at pointer: JSONPointerText, context: inout LoadContext)

    /// Appends every violation in the subject (not just the first), each with a JSON pointer
    /// into the pod. Appending to the caller's buffer lets the evaluator reuse one array for
    /// every rule instead of allocating one per rule.
    func evaluate(_ subject: Subject, into violations: inout [Violation])
}

extension RuleCheck {
    /// Every violation in the subject, in the order the check finds them.
    public func evaluate(_ subject: Subject) -> [Violation] {
        var violations: [Violation] = []
        evaluate(subject, into: &violations)
        return violations
    }
}


/// One thing a check found wrong.
///
/// The explanation is kept as a recipe and formatted only when read: a run over many pods can
/// find hundreds of thousands of violations, and most reports show a fraction of them (a
/// summary, a baseline diff, the first few in a terminal).
public struct Violation: Sendable {
    /// JSON pointer into the resolved pod.
    public var path: String
    /// The offending value, for `{{value}}`.
    public var value: String?
    /// What would have been accepted, for `{{allowed}}`.
    public var allowed: String?
    /// The container concerned; `nil` for pod-level findings.
    public var container: String?
    /// Formats ``detail``.
    let explain: @Sendable () -> String

    /// - Parameter detail: the default explanation, a sentence naming the offending value and
    ///   what was allowed; evaluated when ``detail`` is read.
    public init(
        path: String, detail: @autoclosure @escaping @Sendable () -> String, value: String? = nil, allowed: String? = nil,
        container: String? = nil
    ) {
        self.path = path
        self.explain = detail
        self.value = value
        self.allowed = allowed
        self.container = container
    }

    /// For helpers that take the explanation as an autoclosure themselves and pass it on
    /// unwrapped.
    init(path: String, explain: @escaping @Sendable () -> String, value: String?, allowed: String?, container: String?) {
        self.path = path
        self.explain = explain
        self.value = value
        self.allowed = allowed
        self.container = container
    }

    /// The default explanation.
    public var detail: String { explain() }
}
