#if canImport(Glibc)
import Glibc
#endif

/// What a report format needs beyond the findings: the policies (rule metadata for SARIF and
/// JUnit), the `--fail-on` level, the tool's version, and the time (PolicyReport), passed in so
/// rendering stays pure and testable.
public struct ReportContext: Sendable {
    public var policies: PolicySet?
    public var failOn: FailLevel
    public var toolVersion: String
    /// Seconds since 1970, UTC.
    public var timestamp: Int64
    /// Colour and quietness of the text format.
    public var textStyle = TextReport.Style()
    /// Threads a format may render on (the text report does); the bytes are the same for any.
    public var jobs = 1

    public init(policies: PolicySet? = nil, failOn: FailLevel = .deny, toolVersion: String = "0.0.0", timestamp: Int64 = 0) {
        self.policies = policies
        self.failOn = failOn
        self.toolVersion = toolVersion
        self.timestamp = timestamp
    }

    /// Whether a finding makes the run fail, as the exit code decides.
    func fails(_ finding: Finding) -> Bool {
        finding.status == .fail && !finding.baselined && failOn.isReached(by: finding.action)
    }
}

extension Report {
    /// One (policy rule, subject) case: what JUnit makes a testcase of and a PolicyReport a
    /// result of, found or passing.
    struct CaseKey: Hashable {
        var policy: String
        var rule: String
        var subjectIndex: Int
    }

    static func caseKey(policy: String, rule: String, subjectIndex: Int) -> CaseKey {
        CaseKey(policy: policy, rule: rule, subjectIndex: subjectIndex)
    }

    /// The subject a finding belongs to, if its index is in range.
    func subject(of finding: Finding) -> Subject? {
        subjects.indices.contains(finding.subjectIndex) ? subjects[finding.subjectIndex] : nil
    }
}

extension Subject {
    /// The file a CI system can point at: the archive or manifest path as given.
    var artifactPath: String { source.file }
}

extension Finding {
    /// Where a report points for this finding of `subject`: the source line that wrote the
    /// value when one was found, else the subject's file at the value's position (if located).
    func place(in subject: Subject) -> (file: String, position: SourcePosition?) {
        if let sourceLine { return (sourceLine.file, sourceLine.position) }
        return (subject.artifactPath, position)
    }
}

extension Finding {
    /// The message with where it points, unless the message already says it (default messages
    /// end with "at POINTER").
    var locatedMessage: String {
        let at = " at \(path.shown)"
        return Self.contains(message, at) ? message : message + at
    }

    /// Whether `text` holds `part`, compared as bytes: `String.contains` resolves to
    /// Foundation's, which converts both to UTF-16 (3 % of a SARIF report's run), and the
    /// standard library's generic `firstRange(of:)` was slower still (27 %). Default messages
    /// end with it, which is checked first.
    private static func contains(_ text: String, _ part: String) -> Bool {
        var text = text
        var part = part
        return text.withUTF8 { text in
            part.withUTF8 { part in
                guard let textBase = text.baseAddress, let partBase = part.baseAddress, let first = part.first else { return part.isEmpty }
                guard text.count >= part.count else { return false }
                if memcmp(textBase + (text.count - part.count), partBase, part.count) == 0 { return true }
                for start in 0...(text.count - part.count) where text[start] == first {
                    if memcmp(textBase + start, partBase, part.count) == 0 { return true }
                }
                return false
            }
        }
    }
}
