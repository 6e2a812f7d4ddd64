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
///
/// Its fields live in one shared box, so the evaluator's buffer and the finding that takes a
/// violation over move or copy it as one reference; a five-field struct was copied field by
/// field (one retain per string) at every step.
public struct Violation: Sendable {
    private struct Fields: Sendable {
        let path: String
        let value: String?
        let allowed: String?
        let container: String?
        let explain: @Sendable () -> String
    }

    private let storage: SharedStorage<Fields>

    /// JSON pointer into the resolved pod.
    public var path: String { storage.fields.path }
    /// The offending value, for `{{value}}`.
    public var value: String? { storage.fields.value }
    /// What would have been accepted, for `{{allowed}}`.
    public var allowed: String? { storage.fields.allowed }
    /// The container concerned; `nil` for pod-level findings.
    public var container: String? { storage.fields.container }

    /// - Parameter detail: the default explanation, a sentence naming the offending value and
    ///   what was allowed; evaluated when ``detail`` is read.
    public init(
        path: String, detail: @autoclosure @escaping @Sendable () -> String, value: String? = nil, allowed: String? = nil,
        container: String? = nil
    ) {
        self.init(path: path, explain: detail, value: value, allowed: allowed, container: container)
    }

    /// For helpers that take the explanation as an autoclosure themselves and pass it on
    /// unwrapped.
    init(path: String, explain: @escaping @Sendable () -> String, value: String?, allowed: String?, container: String?) {
        storage = SharedStorage(Fields(path: path, value: value, allowed: allowed, container: container, explain: explain))
    }

    /// The default explanation.
    public var detail: String { storage.fields.explain() }
}
