/// The evaluation of consecutive subjects, made apart from the rest of a run (on a thread of
/// its own, or while a large file is still being read) and joined into a report in order by
/// ``ReportBuilder/append(_:)``.
package struct ReportPart: Sendable {
    /// The subjects, their JSON released.
    package var subjects: [Subject] = []
    /// Their findings, whose ``Finding/subjectIndex`` counts from the part's first subject.
    package var findings: [Finding] = []
    package var outcomes: RuleOutcomes

    package init(outcomes: RuleOutcomes) {
        self.outcomes = outcomes
    }

    /// Appends a part made for the subjects that follow, its findings renumbered.
    package mutating func append(_ other: consuming ReportPart) {
        let offset = subjects.count
        var findings = other.findings
        if offset > 0 {
            for index in findings.indices { findings[index].subjectIndex += offset }
        }
        // The first part is taken whole, not copied element by element.
        if self.findings.isEmpty { self.findings = findings } else { self.findings += findings }
        if subjects.isEmpty { subjects = other.subjects } else { subjects += other.subjects }
        outcomes.append(contentsOf: other.outcomes)
    }
}
