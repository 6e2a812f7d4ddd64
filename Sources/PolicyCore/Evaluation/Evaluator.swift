/// Applies a policy set to subjects. Pure: the clock comes in as `today`.
public struct Evaluator: Sendable {
    public let policies: PolicySet
    public let today: CalendarDay
    /// Exceptions that still apply today; expired ones cover nothing.
    private let activeExceptions: [PolicyException]

    public init(policies: PolicySet, today: CalendarDay) {
        self.policies = policies
        self.today = today
        self.activeExceptions = policies.exceptions.filter { !$0.isExpired(on: today) }
    }

    /// Exceptions past their expiry date, reported as warnings.
    public var expiredExceptions: [PolicyException] {
        policies.exceptions.filter { $0.isExpired(on: today) }
    }

    /// Every finding for one subject, in policy, rule and violation order.
    public func evaluate(_ subject: Subject, index: Int) -> [Finding] {
        var findings: [Finding] = []
        for policy in policies.policies where policy.applies(to: subject) {
            for rule in policy.rules {
                if let when = rule.when, !when.holds(for: subject) { continue }
                let violations = rule.check.evaluate(subject)
                guard !violations.isEmpty else { continue }
                let exception = activeExceptions.first { $0.covers(policy: policy.name, rule: rule.name, subject: subject) }
                for violation in violations {
                    let message = rule.message?.render(violation, subject: subject, policy: policy.name, rule: rule.name)
                        ?? "\(rule.name): \(violation.detail) at \(violation.path.isEmpty ? "/" : violation.path)"
                    findings.append(Finding(
                        policy: policy.name, rule: rule.name, action: policy.action, severity: policy.severity,
                        status: exception == nil ? .fail : .excepted, exception: exception?.name, exceptionReason: exception?.reason,
                        message: message, path: violation.path, container: violation.container, subjectIndex: index,
                        provenance: subject.provenance.layer(for: violation.path)))
                }
            }
        }
        return findings
    }

    /// Evaluates every subject into a report.
    public func report(_ subjects: [Subject]) -> Report {
        var findings: [Finding] = []
        for (index, subject) in subjects.enumerated() { findings += evaluate(subject, index: index) }
        let notices = expiredExceptions.map { exception in
            "exception '\(exception.name)' (\(exception.file)) expired on \(exception.expires?.description ?? "?") and no longer covers anything; renew or delete it"
        }
        return Report(subjects: subjects, findings: findings, notices: notices)
    }
}

/// The outcome of a run: what was checked, what was found, and what deserves a warning.
public struct Report: Sendable {
    public var subjects: [Subject]
    public var findings: [Finding]
    /// Run-level warnings (expired exceptions, parts that could not be resolved statically).
    public var notices: [String]
    /// Whether a `--baseline` was applied (``apply(_:)``).
    public var usedBaseline = false
    /// Baseline entries no longer found: fixed since the baseline was written.
    public var fixed: [Baseline.Entry] = []

    public init(subjects: [Subject], findings: [Finding], notices: [String] = []) {
        self.subjects = subjects
        self.findings = findings
        self.notices = notices
    }

    public struct Summary: Sendable, Equatable {
        public var subjects = 0
        public var findings = 0
        public var deny = 0
        public var warn = 0
        public var audit = 0
        public var excepted = 0
        /// Failing findings recorded in the baseline (counted in the actions above too).
        public var baselined = 0
    }

    /// Counts of failing findings per action; excepted ones counted apart.
    public var summary: Summary {
        var summary = Summary()
        summary.subjects = subjects.count
        for finding in findings {
            guard finding.status == .fail else {
                summary.excepted += 1
                continue
            }
            summary.findings += 1
            if finding.baselined { summary.baselined += 1 }
            switch finding.action {
            case .deny: summary.deny += 1
            case .warn: summary.warn += 1
            case .audit: summary.audit += 1
            }
        }
        return summary
    }

    /// Whether a failing finding reaches `level`.
    public func fails(at level: FailLevel) -> Bool {
        findings.contains { $0.status == .fail && !$0.baselined && level.isReached(by: $0.action) }
    }
}
