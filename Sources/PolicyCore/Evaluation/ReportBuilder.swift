import Dispatch
import Synchronization

/// Builds a ``Report`` one subject at a time.
///
/// Each subject's parsed JSON is released as soon as it has been evaluated, so a run over a
/// large input holds its findings and typed pods, not every parsed document at once (a parsed
/// pod is several times the size of its text).
public struct ReportBuilder: Sendable {
    public let evaluator: Evaluator
    private var subjects: [Subject] = []
    private var findings: [Finding] = []
    private var outcomes: RuleOutcomes

    public init(evaluator: Evaluator) {
        self.evaluator = evaluator
        self.outcomes = RuleOutcomes(policies: evaluator.policies)
    }

    /// Makes room for `count` subjects.
    public mutating func reserveCapacity(_ count: Int) {
        subjects.reserveCapacity(count)
        outcomes.reserveCapacity(subjects: count)
    }

    /// Evaluates one subject and keeps it, without its JSON, for the report.
    public mutating func add(_ subject: consuming Subject) {
        evaluator.evaluate(subject, index: subjects.count, into: &findings, outcomes: &outcomes)
        // Taking the caller's subject (`consuming`) makes this a move, not a copy of its fields.
        subject.releaseJSON()
        subjects.append(subject)
    }

    /// Evaluates `subjects` on up to `jobs` threads and adds them in order: contiguous chunks
    /// are evaluated apart, each into findings and outcomes of its own, then joined in chunk
    /// order, so the report is the same byte for byte whatever `jobs` is.
    public mutating func add(_ subjects: consuming [Subject], jobs: Int) {
        let count = subjects.count
        guard jobs > 1, count >= 64 else {
            // Popping from the end moves each subject out instead of copying it (a copy retains
            // every field); reversing first keeps the report in input order.
            var pending = subjects
            pending.reverse()
            while let subject = pending.popLast() { add(subject) }
            return
        }
        // More chunks than threads, so a slow chunk does not hold the others up.
        let chunkCount = min(count / 16, jobs * 8)
        let bounds = (0...chunkCount).map { $0 * count / chunkCount }
        let start = self.subjects.count
        let evaluator = self.evaluator
        // Each chunk takes the only copy of its subjects, so a subject's parsed JSON is freed
        // as soon as it is evaluated, as in the one-thread path.
        var pending = subjects
        var parts: [[Subject]] = Array(repeating: [], count: chunkCount)
        for chunk in (0..<chunkCount).reversed() {
            parts[chunk].reserveCapacity(bounds[chunk + 1] - bounds[chunk])
            for _ in bounds[chunk]..<bounds[chunk + 1] {
                if let subject = pending.popLast() { parts[chunk].append(subject) }
            }
        }
        let inputs = Mutex<[[Subject]]>(parts)
        parts = []
        let results = Mutex<[ChunkResult?]>(Array(repeating: nil, count: chunkCount))
        DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
            // Popped from the end of `parts`: each part is in reverse order already.
            var mine = inputs.withLock { inputs in
                let taken = inputs[chunk]
                inputs[chunk] = []
                return taken
            }
            var result = ChunkResult(outcomes: RuleOutcomes(policies: evaluator.policies))
            var index = start + bounds[chunk]
            while var subject = mine.popLast() {
                evaluator.evaluate(subject, index: index, into: &result.findings, outcomes: &result.outcomes)
                subject.releaseJSON()
                result.subjects.append(subject)
                index += 1
            }
            results.withLock { $0[chunk] = result }
        }
        for result in results.withLock({ $0 }) {
            guard let result else { continue }
            self.subjects += result.subjects
            findings += result.findings
            outcomes.append(contentsOf: result.outcomes)
        }
    }

    /// What one chunk of a parallel run made.
    private struct ChunkResult: Sendable {
        var subjects: [Subject] = []
        var findings: [Finding] = []
        var outcomes: RuleOutcomes
    }

    /// The report over every subject added, with the evaluator's notices.
    public func finish() -> Report {
        var report = Report(subjects: subjects, findings: findings, notices: evaluator.notices + unappliedPolicies)
        report.ruleOutcomes = outcomes
        return report
    }

    /// A policy whose `match` / `exclude` left out every pod of the run checked nothing: said,
    /// since a glob with a typo (`projects: ["ml-prod"]` for `ml-production`) would otherwise
    /// pass every run quietly.
    private var unappliedPolicies: [String] {
        guard !subjects.isEmpty else { return [] }
        var notices: [String] = []
        for (index, policy) in evaluator.policies.policies.enumerated() where policy.match != nil || policy.exclude != nil {
            let applied = subjects.indices.contains { subject in
                outcomes.outcome(subject: subject, policy: index, rule: 0).map { $0 != .notApplicable } ?? true
            }
            if !applied {
                let pods = subjects.count == 1 ? "not even the 1 pod" : "none of the \(subjects.count) pods"
                notices.append(
                    "policy '\(policy.name)' (\(policy.file)) applied to \(pods) checked: its match / exclude leaves every one out; check its globs if that is not intended"
                )
            }
        }
        return notices
    }
}
