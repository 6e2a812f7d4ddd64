/// One violation of one rule by one subject, after exceptions.
///
/// A run can keep hundreds of thousands of findings, so everything but ``baselined`` sits in
/// one shared box: the report's array holds a reference per finding, grows and sorts without
/// copying strings, and a finding keeps its ``Violation`` rather than copies of its fields.
public struct Finding: Sendable {
    public enum Status: String, Sendable {
        case fail, excepted
    }

    private struct Fields: Sendable {
        let policy: String
        let rule: String
        let action: Action
        let severity: Severity
        let status: Status
        let exception: String?
        let exceptionReason: String?
        /// The rule's rendered `message` template, or the message given outright.
        let renderedMessage: String?
        let violation: Violation
        let subjectIndex: Int
        let provenance: String?
    }

    private let storage: SharedStorage<Fields>

    public var policy: String { storage.fields.policy }
    public var rule: String { storage.fields.rule }
    public var action: Action { storage.fields.action }
    public var severity: Severity { storage.fields.severity }
    public var status: Status { storage.fields.status }
    /// The covering exception, when `status` is `excepted`.
    public var exception: String? { storage.fields.exception }
    public var exceptionReason: String? { storage.fields.exceptionReason }
    /// The finding's message: the rule's `message` template filled in, else the check's
    /// explanation with the rule name and pointer (formatted when read).
    public var message: String {
        if let rendered = storage.fields.renderedMessage { return rendered }
        let path = storage.fields.violation.path
        return "\(storage.fields.rule): \(storage.fields.violation.detail) at \(path.isEmpty ? "/" : path)"
    }
    /// JSON pointer into the resolved pod.
    public var path: String { storage.fields.violation.path }
    public var container: String? { storage.fields.violation.container }
    /// Index of the subject in the report's subject list.
    public var subjectIndex: Int { storage.fields.subjectIndex }
    /// The configuration layer that set the offending value, when known.
    public var provenance: String? { storage.fields.provenance }
    /// Recorded in the `--baseline` file: reported, but does not fail the run.
    public var baselined = false

    public init(
        policy: String, rule: String, action: Action, severity: Severity, status: Status, exception: String? = nil, exceptionReason: String? = nil,
        message: String, path: String, container: String? = nil, subjectIndex: Int, provenance: String? = nil
    ) {
        storage = SharedStorage(Fields(
            policy: policy, rule: rule, action: action, severity: severity, status: status, exception: exception, exceptionReason: exceptionReason,
            renderedMessage: message, violation: Violation(path: path, detail: message, container: container), subjectIndex: subjectIndex,
            provenance: provenance))
    }
}

extension Finding {
    /// A finding whose message is the violation's default message unless `renderedMessage` is
    /// given (a rule template), formatted only when read. Its status follows `exception`.
    init(
        policy: Policy, rule: Rule, exception: PolicyException?, violation: consuming Violation, renderedMessage: String?,
        subjectIndex: Int, provenance: String?
    ) {
        storage = SharedStorage(Fields(
            policy: policy.name, rule: rule.name, action: policy.action, severity: policy.severity, status: exception == nil ? .fail : .excepted,
            exception: exception?.name, exceptionReason: exception?.reason, renderedMessage: renderedMessage, violation: violation,
            subjectIndex: subjectIndex, provenance: provenance))
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
