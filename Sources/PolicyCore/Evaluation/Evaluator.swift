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

    /// Run-level warnings about the policy set itself (expired exceptions).
    public var notices: [String] {
        expiredExceptions.map { exception in
            "exception '\(exception.name)' (\(exception.file)) expired on \(exception.expires?.description ?? "?") and no longer covers anything; renew or delete it"
        }
    }

    /// Every finding for one subject, in policy, rule and violation order.
    public func evaluate(_ subject: Subject, index: Int) -> [Finding] {
        var findings: [Finding] = []
        var outcomes = RuleOutcomes(policies: policies)
        evaluate(subject, index: index, into: &findings, outcomes: &outcomes)
        return findings
    }

    /// Appends the subject's findings, and what happened to each rule of the set, in the set's
    /// rule order.
    func evaluate(_ subject: Subject, index: Int, into findings: inout [Finding], outcomes: inout RuleOutcomes) {
        // One buffer for every rule of the subject: checks append to it in place.
        var violations: [Violation] = []
        policies.classifyRules(for: subject) { policy, ruleIndex, rule, outcome in
            outcomes.append(outcome)
            guard outcome == .evaluated else { return }
            violations.removeAll(keepingCapacity: true)
            rule.evaluate(subject, into: &violations)
            guard !violations.isEmpty else { return }
            record(&violations, policy: policy, ruleIndex: ruleIndex, rule: rule, subject: subject, index: index, into: &findings)
        }
    }

    /// Turns the rule's violations into findings, moving each violation out of the buffer (and
    /// leaving it empty) rather than copying it.
    private func record(
        _ violations: inout [Violation], policy: Policy, ruleIndex: Int, rule: Rule, subject: Subject, index: Int, into findings: inout [Finding]
    ) {
        let origin = policy.findingOrigin(ruleIndex)
        let policyName = policy.name
        let ruleName = rule.name
        let exception = activeExceptions.firstIndex { $0.covers(policy: policyName, rule: ruleName, subject: subject) }.map { activeExceptions[$0] }
        // Reversed, so that popping from the end hands them over in the order found.
        violations.reverse()
        while let violation = violations.popLast() {
            let rendered = rule.renderMessage(violation, subject: subject, policy: policyName)
            // The pointer is joined only when there are layers to look it up in.
            let provenance = subject.provenance.isEmpty ? nil : subject.provenance.layer(for: violation.path)
            let finding = Finding(
                origin: origin, exception: exception, violation: violation, renderedMessage: rendered, subjectIndex: index, provenance: provenance)
            findings.append(consume finding)
        }
    }

    /// Evaluates every subject into a report, on up to `jobs` threads (the report is the same
    /// whatever `jobs` is). Each subject's JSON is released once evaluated, so handing over the
    /// only copy of the array lets every parsed document go as the run proceeds.
    public func report(_ subjects: consuming [Subject], jobs: Int) -> Report {
        var builder = ReportBuilder(evaluator: self)
        builder.reserveCapacity(subjects.count)
        builder.add(subjects, jobs: jobs)
        return builder.finish()
    }

    /// Evaluates consecutive subjects apart from the rest of a run (on a thread of their own,
    /// or while their file is still being read), releasing each one's JSON once it is
    /// evaluated; ``ReportBuilder/append(_:)`` joins the parts in order.
    package func part(_ subjects: consuming [Subject]) -> ReportPart {
        var part = ReportPart(outcomes: RuleOutcomes(policies: policies))
        part.outcomes.reserveCapacity(subjects: subjects.count)
        part.subjects.reserveCapacity(subjects.count)
        // Popping from the end moves each subject out instead of copying it (a copy retains
        // every field); reversing first keeps the report in input order.
        var pending = subjects
        pending.reverse()
        while var subject = pending.popLast() {
            evaluate(subject, index: part.subjects.count, into: &part.findings, outcomes: &part.outcomes)
            subject.releaseAfterEvaluation()
            part.subjects.append(subject)
        }
        part.compact()
        return part
    }

    /// ``report(_:jobs:)`` on one thread.
    public func report(_ subjects: consuming [Subject]) -> Report {
        report(subjects, jobs: 1)
    }
}
