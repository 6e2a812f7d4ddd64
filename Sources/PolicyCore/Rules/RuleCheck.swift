import PolicyJSON

/// One kind of check (`nodeSelector`, `tolerations`, ...). Adding a kind means one type
/// conforming to this protocol plus one line in ``PolicyLoader/checkKinds``.
public protocol RuleCheck: Sendable {
    /// The key that selects this check in a rule (`"nodeSelector"`).
    static var key: String { get }

    /// Reads the check's configuration; records every problem in `context` and returns `nil`
    /// when it cannot be used.
    init?(reading node: JSONNode, at pointer: JSONPointerText, context: inout LoadContext)

    /// Every violation in the subject (not just the first), each with a JSON pointer into the pod.
    func evaluate(_ subject: Subject) -> [Violation]
}


/// One thing a check found wrong.
public struct Violation: Sendable, Equatable {
    /// JSON pointer into the resolved pod.
    public var path: String
    /// The default explanation, a sentence naming the offending value and what was allowed.
    public var detail: String
    /// The offending value, for `{{value}}`.
    public var value: String?
    /// What would have been accepted, for `{{allowed}}`.
    public var allowed: String?
    /// The container concerned; `nil` for pod-level findings.
    public var container: String?

    public init(path: String, detail: String, value: String? = nil, allowed: String? = nil, container: String? = nil) {
        self.path = path
        self.detail = detail
        self.value = value
        self.allowed = allowed
        self.container = container
    }
}
