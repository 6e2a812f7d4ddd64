/// Builds a ``Report`` one subject at a time.
///
/// Each subject's parsed JSON and typed pod are released as soon as it has been evaluated, so a
/// run over a large input holds its findings and each pod's identity, not every parsed document
/// at once (a parsed pod is several times the size of its text).
public struct ReportBuilder: Sendable {
    public let evaluator: Evaluator
    /// Everything added so far.
    private var part: ReportPart

    public init(evaluator: Evaluator) {
        self.evaluator = evaluator
        self.part = ReportPart(outcomes: RuleOutcomes(policies: evaluator.policies))
    }

    /// Makes room for `count` subjects.
    public mutating func reserveCapacity(_ count: Int) {
        part.subjects.reserveCapacity(count)
        part.outcomes.reserveCapacity(subjects: count)
    }

    /// Evaluates one subject and keeps it, without its JSON, for the report.
    public mutating func add(_ subject: consuming Subject) {
        evaluator.evaluate(subject, index: part.subjects.count, into: &part.findings, outcomes: &part.outcomes)
        // Taking the caller's subject (`consuming`) makes this a move, not a copy of its fields.
        subject.releaseAfterEvaluation()
        part.subjects.append(subject)
    }

    /// Evaluates `subjects` on up to `jobs` threads and adds them in order: contiguous chunks
    /// are evaluated apart, each into a ``ReportPart`` of its own, then joined in chunk order,
    /// so the report is the same byte for byte whatever `jobs` is.
    public mutating func add(_ subjects: consuming [Subject], jobs: Int) {
        let count = subjects.count
        guard jobs > 1, count >= 64 else {
            append(evaluator.part(subjects))
            return
        }
        // More chunks than threads, so a slow chunk does not hold the others up.
        let chunkCount = min(count / 16, jobs * 8)
        let bounds = (0...chunkCount).map { $0 * count / chunkCount }
        let evaluator = self.evaluator
        // Each chunk takes the only copy of its subjects, so a subject's parsed JSON and pod are freed
        // as soon as it is evaluated, as in the one-thread path.
        var pending = subjects
        var chunks: [[Subject]] = Array(repeating: [], count: chunkCount)
        for chunk in (0..<chunkCount).reversed() {
            chunks[chunk].reserveCapacity(bounds[chunk + 1] - bounds[chunk])
            for _ in bounds[chunk]..<bounds[chunk + 1] {
                if let subject = pending.popLast() { chunks[chunk].append(subject) }
            }
            chunks[chunk].reverse()
        }
        let inputs = Locked<[[Subject]]>(chunks)
        chunks = []
        var parts = ParallelMap.map(chunkCount, jobs: jobs) { chunk in
            let mine = inputs.withLock { inputs in
                let taken = inputs[chunk]
                inputs[chunk] = []
                return taken
            }
            return evaluator.part(mine)
        }
        // Popped, so each part's arrays go as soon as they are appended.
        parts.reverse()
        while let part = parts.popLast() { append(part) }
    }

    /// Adds subjects evaluated apart, after those added so far.
    package mutating func append(_ part: consuming ReportPart) {
        self.part.append(part)
    }

    /// The report over every subject added, with the evaluator's notices.
    public consuming func finish() -> Report {
        var report = Report(subjects: part.subjects, findings: part.findings, notices: evaluator.notices + unappliedPolicies)
        report.ruleOutcomes = part.outcomes
        return report
    }

    /// A policy whose `match` / `exclude` left out every pod of the run checked nothing: said,
    /// since a glob with a typo (`projects: ["ml-prod"]` for `ml-production`) would otherwise
    /// pass every run quietly.
    private var unappliedPolicies: [String] {
        // Counted from the record, which keeps the rows of subjects a ``ReportSpool`` wrote and let go.
        let subjects = part.outcomes.subjectCount
        guard subjects > 0 else { return [] }
        var notices: [String] = []
        for (index, policy) in evaluator.policies.policies.enumerated() where policy.match != nil || policy.exclude != nil {
            let applied = (0..<subjects).contains { subject in
                part.outcomes.outcome(subject: subject, policy: index, rule: 0).map { $0 != .notApplicable } ?? true
            }
            if !applied {
                let pods = subjects == 1 ? "not even the 1 pod" : "none of the \(subjects) pods"
                notices.append(
                    "policy '\(policy.name)' (\(policy.file)) applied to \(pods) checked: its match / exclude leaves every one out; check its globs if that is not intended"
                )
            }
        }
        return notices
    }
}
