import PolicyJSON

/// One kind of check (`nodeSelector`, `tolerations`, ...). Adding a kind means one type
/// conforming to this protocol plus one line in ``PolicyLoader/checkKinds``.
public protocol RuleCheck: Sendable {
    /// The key that selects this check in a rule (`"nodeSelector"`).
    static var key: String { get }

    /// Reads the check's configuration; records every problem in `context` and returns `nil`
    /// when it cannot be used.
    init?(reading node: JSONNode, at pointer: JSONPointer, context: inout LoadContext)

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
