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
/// Only what the evaluator needs at once is stored as text: the container and the pointer (as
/// its parts). The words (the explanation, the offending value, what was allowed) are a recipe
/// run when a report or a message template reads them: a run over many pods can find hundreds of
/// thousands of violations, and most reports show a fraction of them (a summary, a baseline diff,
/// the first few in a terminal).
///
/// The fields live in one shared box, so the evaluator's buffer and the finding that takes a
/// violation over move or copy it as one reference.
public struct Violation: Sendable {
    /// The words of a violation.
    public struct Explanation: Sendable {
        /// A sentence naming the offending value and what was allowed.
        public var detail: String
        /// The offending value, for `{{value}}`.
        public var value: String?
        /// What would have been accepted, for `{{allowed}}`.
        public var allowed: String?

        public init(_ detail: String, value: String? = nil, allowed: String? = nil) {
            self.detail = detail
            self.value = value
            self.allowed = allowed
        }
    }

    private struct Fields: Sendable {
        /// The pointer is `pointer + below + "/" + escaped(token)`: checks hand over the shared
        /// pointer of a container and a constant suffix, and the joined string is made on read.
        let pointer: String
        let below: String
        let token: String?
        let container: String?
        let explain: @Sendable () -> Explanation
    }

    private let storage: SharedStorage<Fields>

    /// JSON pointer into the resolved pod.
    public var path: String {
        let fields = storage.fields
        guard let token = fields.token else { return fields.below.isEmpty ? fields.pointer : fields.pointer + fields.below }
        return fields.pointer + fields.below + "/" + JSONPointer.escape(token)
    }
    /// The container concerned; `nil` for pod-level findings.
    public var container: String? { storage.fields.container }
    /// The explanation, the offending value and what was allowed, formatted now.
    public var explanation: Explanation { storage.fields.explain() }
    /// The default explanation.
    public var detail: String { explanation.detail }
    /// The offending value, for `{{value}}`.
    public var value: String? { explanation.value }
    /// What would have been accepted, for `{{allowed}}`.
    public var allowed: String? { explanation.allowed }

    /// - Parameter detail: the default explanation, a sentence naming the offending value and
    ///   what was allowed; evaluated when ``detail`` is read.
    public init(
        path: String, detail: @autoclosure @escaping @Sendable () -> String, value: String? = nil, allowed: String? = nil,
        container: String? = nil
    ) {
        self.init(pointer: path, container: container) { Explanation(detail(), value: value, allowed: allowed) }
    }

    /// A violation at `pointer + below`, or at `pointer + below + "/" + token` (escaped) when a
    /// token is given, whose words `explain` produces when read.
    public init(
        pointer: String, below: String = "", token: String? = nil, container: String?, explain: @escaping @Sendable () -> Explanation
    ) {
        storage = SharedStorage(Fields(pointer: pointer, below: below, token: token, container: container, explain: explain))
    }
}
