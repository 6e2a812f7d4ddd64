/// The outcome of a run: what was checked, what was found, and what deserves a warning.
public struct Report: Sendable {
    public var subjects: [Subject]
    public var findings: [Finding]
    /// Run-level warnings (expired exceptions, parts that could not be resolved statically).
    public var notices: [String]
    /// Files a folder walk found that are not Kubernetes manifests (application configs, Helm
    /// values and templates): listed, never checked.
    public var skippedInputs: [SkippedInput] = []
    /// Whether a `--baseline` was applied (``apply(_:)``).
    public var usedBaseline = false
    /// Baseline entries no longer found: fixed since the baseline was written.
    public var fixed: [Baseline.Entry] = []
    /// What the evaluator did with each rule for each subject; `nil` for a report put together by
    /// hand, where ``ruleOutcomes(for:)`` works it out again.
    public var ruleOutcomes: RuleOutcomes?
    /// What a ``ReportSpool`` wrote of the run before the report was put together: its subjects
    /// and findings are counted here and are not in ``subjects`` and ``findings``.
    package var spooled = Summary()

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
        /// ``SubjectNote``s: what Flyte will change or ignore; they never fail a run.
        public var notes = 0

        public init() {}

        /// These counts and `other`'s together.
        package mutating func add(_ other: Summary) {
            subjects += other.subjects
            findings += other.findings
            deny += other.deny
            warn += other.warn
            audit += other.audit
            excepted += other.excepted
            baselined += other.baselined
            notes += other.notes
        }
    }

    /// Counts of failing findings per action; excepted ones counted apart.
    public var summary: Summary {
        var summary = spooled
        summary.subjects += subjects.count
        for subject in subjects { summary.notes += subject.notes.count }
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

    /// Indices of the subjects with ``SubjectNote``s, in subject order.
    public var notedSubjects: [Int] {
        subjects.indices.filter { !subjects[$0].notes.isEmpty }
    }

    /// Whether a failing finding reaches `level`.
    public func fails(at level: FailLevel) -> Bool {
        let spooledFailure =
            (spooled.deny > 0 && level.isReached(by: .deny)) || (spooled.warn > 0 && level.isReached(by: .warn))
            || (spooled.audit > 0 && level.isReached(by: .audit))
        return spooledFailure || findings.contains { $0.status == .fail && !$0.baselined && level.isReached(by: $0.action) }
    }
}

extension Report {
    /// What happened to each rule of `policies` for each subject: the evaluator's record when it
    /// was made for a set of this shape, otherwise worked out again (which needs the subjects'
    /// JSON for `when` assertions, so only hand-built reports should get there).
    public func ruleOutcomes(for policies: PolicySet) -> RuleOutcomes {
        if let ruleOutcomes, ruleOutcomes.isShaped(like: policies) { return ruleOutcomes }
        var rebuilt = RuleOutcomes(policies: policies)
        rebuilt.reserveCapacity(subjects: subjects.count)
        for subject in subjects {
            policies.classifyRules(for: subject) { _, _, _, outcome in rebuilt.append(outcome) }
        }
        return rebuilt
    }
}
