/// What the evaluator did with every rule for every subject, so that reports listing passing
/// rules (JUnit, PolicyReport) read the record instead of evaluating `match` and `when` again,
/// and so that a subject's parsed JSON can be released once it has been evaluated.
public struct RuleOutcomes: Sendable {
    /// One rule for one subject.
    public enum Outcome: UInt8, Sendable {
        /// The rule's policy does not apply to the subject (`match` / `exclude`).
        case notApplicable
        /// The policy applies, but the rule's `when` does not hold.
        case skipped
        /// The check ran: a pass unless the report holds findings for it.
        case evaluated
    }

    /// Where each policy's first rule sits in a subject's row, then the row's length.
    private let offsets: [Int]
    /// One row of outcomes per subject, subject after subject.
    private var storage: [Outcome] = []

    /// An empty record shaped like `policies`.
    public init(policies: PolicySet) {
        var offsets = [0]
        for policy in policies.policies { offsets.append((offsets.last ?? 0) + policy.rules.count) }
        self.offsets = offsets
    }

    /// Outcomes per subject: every rule of the set.
    private var rowLength: Int { offsets.last ?? 0 }

    /// Whether the record was made for a policy set of this shape.
    func isShaped(like policies: PolicySet) -> Bool {
        offsets.count == policies.policies.count + 1
            && zip(policies.policies, offsets.indices).allSatisfy { policy, index in offsets[index + 1] - offsets[index] == policy.rules.count }
    }

    /// How many subjects have a row: the subjects of the run, spooled ones included.
    var subjectCount: Int { rowLength == 0 ? 0 : storage.count / rowLength }

    mutating func append(_ outcome: Outcome) {
        storage.append(outcome)
    }

    /// Appends the rows of a record of the same shape made for the subjects that follow.
    mutating func append(contentsOf other: RuleOutcomes) {
        storage.append(contentsOf: other.storage)
    }

    /// The rows of the subjects from `subject` on (those a spool did not take).
    package func rows(from subject: Int) -> RuleOutcomes {
        var rows = self
        rows.storage = Array(storage.dropFirst(Swift.max(0, subject) * rowLength))
        return rows
    }

    /// Gives back the spare room of a record that grew subject by subject.
    mutating func compact() {
        if storage.capacity > storage.count { storage = Array(storage[...]) }
    }

    mutating func reserveCapacity(subjects: Int) {
        storage.reserveCapacity(subjects * rowLength)
    }

    /// The outcome of a policy's rule for a subject; `nil` when an index is out of range.
    public func outcome(subject: Int, policy: Int, rule: Int) -> Outcome? {
        guard subject >= 0, policy >= 0, policy + 1 < offsets.count, rule >= 0, offsets[policy] + rule < offsets[policy + 1] else { return nil }
        let position = subject * rowLength + offsets[policy] + rule
        return position < storage.count ? storage[position] : nil
    }
}

extension PolicySet {
    /// Decides what happens to each rule of the set for one subject, in set order. The evaluator
    /// and reports rebuilt by hand both go through here, so `match`, `exclude` and `when` mean
    /// the same everywhere.
    func classifyRules(for subject: Subject, _ body: (_ policy: Policy, _ ruleIndex: Int, _ rule: Rule, RuleOutcomes.Outcome) -> Void) {
        for policyIndex in policies.indices {
            let policy = policies[policyIndex]
            let applies = policy.applies(to: subject)
            let rules = policy.rules
            for ruleIndex in rules.indices {
                let rule = rules[ruleIndex]
                body(policy, ruleIndex, rule, !applies ? .notApplicable : rule.isEnabled(for: subject) ? .evaluated : .skipped)
            }
        }
    }
}
