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
    /// What the evaluator did with each rule for each subject; `nil` for a report put together by
    /// hand, where ``outcome(of:policy:ruleIndex:in:)`` works it out again.
    public var ruleOutcomes: RuleOutcomes?

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

extension Report {
    /// Whether `policy`'s `ruleIndex`-th rule applied to the subject, was skipped by its `when`,
    /// or ran. Read from ``ruleOutcomes`` when the report has them for this policy set; otherwise
    /// evaluated again, which needs the subject's JSON for `when` assertions.
    ///
    /// - Parameter firstRule: the flat index of the policy's first rule in `policies`.
    public func outcome(subjectIndex: Int, policy: Policy, firstRule: Int, ruleIndex: Int, ruleCount: Int) -> RuleOutcomes.Outcome {
        if let ruleOutcomes, ruleOutcomes.ruleCount == ruleCount,
            let recorded = ruleOutcomes.outcome(subject: subjectIndex, rule: firstRule + ruleIndex)
        {
            return recorded
        }
        guard subjects.indices.contains(subjectIndex), policy.rules.indices.contains(ruleIndex) else { return .notApplicable }
        let subject = subjects[subjectIndex]
        guard policy.applies(to: subject) else { return .notApplicable }
        if let when = policy.rules[ruleIndex].when, !when.holds(for: subject) { return .skipped }
        return .evaluated
    }
}
