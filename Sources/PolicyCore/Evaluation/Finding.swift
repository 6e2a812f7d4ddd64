/// One violation of one rule by one subject, after exceptions.
public struct Finding: Sendable {
    public enum Status: String, Sendable {
        case fail, excepted
    }

    public var policy: String
    public var rule: String
    public var action: Action
    public var severity: Severity
    public var status: Status
    /// The covering exception, when `status` is `excepted`.
    public var exception: String?
    public var exceptionReason: String?
    public var message: String
    /// JSON pointer into the resolved pod.
    public var path: String
    public var container: String?
    /// Index of the subject in the report's subject list.
    public var subjectIndex: Int
    /// The configuration layer that set the offending value, when known.
    public var provenance: String?
    /// Recorded in the `--baseline` file: reported, but does not fail the run.
    public var baselined = false

    public init(
        policy: String, rule: String, action: Action, severity: Severity, status: Status, exception: String? = nil, exceptionReason: String? = nil,
        message: String, path: String, container: String? = nil, subjectIndex: Int, provenance: String? = nil
    ) {
        self.policy = policy
        self.rule = rule
        self.action = action
        self.severity = severity
        self.status = status
        self.exception = exception
        self.exceptionReason = exceptionReason
        self.message = message
        self.path = path
        self.container = container
        self.subjectIndex = subjectIndex
        self.provenance = provenance
    }
}

/// The lowest action that fails a run (`--fail-on`).
public enum FailLevel: String, Sendable, CaseIterable {
    case deny, warn, never

    public func isReached(by action: Action) -> Bool {
        switch self {
        case .deny: action == .deny
        case .warn: action == .deny || action == .warn
        case .never: false
        }
    }
}
