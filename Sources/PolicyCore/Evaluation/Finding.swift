import PolicyJSON

/// One violation of one rule by one subject, after exceptions.
///
/// A run can keep hundreds of thousands of findings, so a finding is small and allocates
/// nothing of its own in the common case: what its rule shares with every other finding of that
/// rule (names, action, severity) is one reference made when the policy is loaded, its
/// ``Violation`` is kept as is, and the rare parts (an exception, a rendered template, a
/// provenance layer) sit in a box only when present.
public struct Finding: Sendable {
    public enum Status: String, Sendable {
        case fail, excepted
    }

    /// What every finding of one rule shares.
    struct Origin: Sendable {
        let policy: String
        let rule: String
        let action: Action
        let severity: Severity
    }

    /// What only some findings have.
    private struct Extras: Sendable {
        let exception: String?
        let exceptionReason: String?
        /// The rule's rendered `message` template, or the message given outright.
        let renderedMessage: String?
        let provenance: String?
    }

    private let origin: SharedStorage<Origin>
    private let violation: Violation
    private let extras: SharedStorage<Extras>?
    /// Index of the subject in the report's subject list.
    public package(set) var subjectIndex: Int
    public let status: Status
    /// Recorded in the `--baseline` file: reported, but does not fail the run.
    public var baselined = false
    /// Where the offending value (or its nearest written parent) sits in the input file, when
    /// the input is YAML or JSON text that was located after the run.
    public var position: SourcePosition? {
        get { line == 0 ? nil : SourcePosition(line: Int(line), column: Int(column)) }
        set {
            // Kept in 32 bits each (0 for none): a run can hold hundreds of thousands of
            // findings, and a text of more than 4 billion lines is not read.
            guard let newValue, let line = UInt32(exactly: newValue.line), let column = UInt32(exactly: newValue.column), line > 0 else {
                (line, column) = (0, 0)
                return
            }
            (self.line, self.column) = (line, column)
        }
    }
    private var line: UInt32 = 0
    private var column: UInt32 = 0
    /// The source line that wrote the offending value, when it was placed there (`check
    /// --source`): reports point at it rather than at the subject's file.
    public var sourceLine: SourceLine? {
        get { placed?.fields }
        set { placed = newValue.map(SharedStorage.init) }
    }
    private var placed: SharedStorage<SourceLine>?

    public var policy: String { origin.fields.policy }
    public var rule: String { origin.fields.rule }
    public var action: Action { origin.fields.action }
    public var severity: Severity { origin.fields.severity }
    /// The covering exception, when `status` is `excepted`.
    public var exception: String? { extras?.fields.exception }
    public var exceptionReason: String? { extras?.fields.exceptionReason }
    /// The finding's message: the rule's `message` template filled in, else the check's
    /// explanation with the rule name and pointer (formatted when read).
    public var message: String {
        extras?.fields.renderedMessage ?? "\(origin.fields.rule): \(defaultWords)"
    }
    /// ``message`` without a leading `RULE: `, for reports that name the rule already, as its
    /// parts (a report writing bytes need not join them first): the rendered message past its
    /// `RULE: ` (`at` nil), or the check's explanation and the pointer that follows it after
    /// ` at `.
    var messageAfterRuleParts: (text: String, at: String?) {
        guard let rendered = extras?.fields.renderedMessage else { return (violation.detail, violation.path.shown) }
        let prefix = origin.fields.rule + ": "
        return (rendered.hasPrefix(prefix) ? String(rendered.dropFirst(prefix.count)) : rendered, nil)
    }
    /// The check's explanation and where it points, which a message without a template says.
    private var defaultWords: String { "\(violation.detail) at \(violation.path.shown)" }
    /// Where in the resolved pod.
    public var path: JSONPointer { violation.path }
    public var container: String? { violation.container }
    /// The configuration layer that set the offending value, when known.
    public var provenance: String? { extras?.fields.provenance }

    public init(
        policy: String, rule: String, action: Action, severity: Severity, status: Status, exception: String? = nil, exceptionReason: String? = nil,
        message: String, path: JSONPointer, container: String? = nil, subjectIndex: Int, provenance: String? = nil
    ) {
        self.init(
            origin: SharedStorage(Origin(policy: policy, rule: rule, action: action, severity: severity)),
            violation: Violation(path: path, detail: message, container: container), status: status, exception: exception,
            exceptionReason: exceptionReason, renderedMessage: message, subjectIndex: subjectIndex, provenance: provenance)
    }

    private init(
        origin: SharedStorage<Origin>, violation: consuming Violation, status: Status, exception: String?, exceptionReason: String?,
        renderedMessage: String?, subjectIndex: Int, provenance: String?
    ) {
        self.origin = origin
        self.violation = violation
        self.status = status
        self.subjectIndex = subjectIndex
        if exception != nil || exceptionReason != nil || renderedMessage != nil || provenance != nil {
            extras = SharedStorage(
                Extras(exception: exception, exceptionReason: exceptionReason, renderedMessage: renderedMessage, provenance: provenance))
        } else {
            extras = nil
        }
    }
}

extension Finding {
    /// A finding of the rule `origin` stands for, whose message is the violation's default
    /// message unless `renderedMessage` is given (a rule template), formatted only when read.
    /// Its status follows `exception`.
    init(
        origin: SharedStorage<Origin>, exception: PolicyException?, violation: consuming Violation, renderedMessage: String?,
        subjectIndex: Int, provenance: String?
    ) {
        self.init(
            origin: origin, violation: violation, status: exception == nil ? .fail : .excepted, exception: exception?.name,
            exceptionReason: exception?.reason, renderedMessage: renderedMessage, subjectIndex: subjectIndex, provenance: provenance)
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
