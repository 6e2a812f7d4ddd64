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

    /// Rules in the policy set, in policy then rule order.
    public let ruleCount: Int
    /// `ruleCount` outcomes per subject, subject after subject.
    private var storage: [Outcome] = []

    public init(ruleCount: Int) {
        self.ruleCount = ruleCount
    }

    mutating func append(_ outcome: Outcome, count: Int = 1) {
        for _ in 0..<count { storage.append(outcome) }
    }

    mutating func reserveCapacity(subjects: Int) {
        storage.reserveCapacity(subjects * ruleCount)
    }

    /// The outcome of the set's `rule`-th rule (counting across policies) for a subject;
    /// `nil` when either index is out of range.
    public func outcome(subject: Int, rule: Int) -> Outcome? {
        guard rule >= 0, rule < ruleCount, subject >= 0 else { return nil }
        let position = subject * ruleCount + rule
        return position < storage.count ? storage[position] : nil
    }
}
