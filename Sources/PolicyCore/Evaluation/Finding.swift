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
    /// The finding's message: the rule's `message` template filled in, else the check's
    /// explanation with the rule name and pointer (formatted when read).
    public var message: String {
        get {
            switch messageSource {
            case .text(let text): text
            case .explained(let explain): "\(rule): \(explain()) at \(path.isEmpty ? "/" : path)"
            }
        }
        set { messageSource = .text(newValue) }
    }
    private var messageSource: MessageSource

    /// A message given outright (or rendered from a template), or the violation's explanation
    /// to format when the message is read.
    private enum MessageSource: Sendable {
        case text(String)
        case explained(@Sendable () -> String)
    }
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
        self.messageSource = .text(message)
        self.path = path
        self.container = container
        self.subjectIndex = subjectIndex
        self.provenance = provenance
    }
}

extension Finding {
    /// A finding whose message is the violation's default message unless `renderedMessage` is
    /// given (a rule template), formatted only when read. Its status follows `exception`.
    init(
        policy: Policy, rule: Rule, exception: PolicyException?, violation: consuming Violation, renderedMessage: String?,
        subjectIndex: Int, provenance: String?
    ) {
        self.policy = policy.name
        self.rule = rule.name
        self.action = policy.action
        self.severity = policy.severity
        self.status = exception == nil ? .fail : .excepted
        self.exception = exception?.name
        self.exceptionReason = exception?.reason
        self.messageSource = renderedMessage.map(MessageSource.text) ?? .explained(violation.explain)
        self.path = violation.path
        self.container = violation.container
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
