/// The evaluation of consecutive subjects, made apart from the rest of a run (on a thread of
/// its own, or while a large file is still being read) and joined into a report in order by
/// ``ReportBuilder/append(_:)``.
package struct ReportPart: Sendable {
    /// The subjects, their JSON and pods released.
    package var subjects: [Subject] = []
    /// Their findings, whose ``Finding/subjectIndex`` counts from the part's first subject.
    package var findings: [Finding] = []
    package var outcomes: RuleOutcomes

    package init(outcomes: RuleOutcomes) {
        self.outcomes = outcomes
    }

    /// Gives back the spare room of arrays that grew as the part was made: the parts of a
    /// large run are all held until they are joined, and half-empty buffers add up.
    package mutating func compact() {
        if findings.capacity > findings.count { findings = Array(findings[...]) }
        if subjects.capacity > subjects.count { subjects = Array(subjects[...]) }
        outcomes.compact()
    }

    /// Makes room for parts to come, so joining many parts copies nothing twice (a growing
    /// array of a few hundred thousand findings briefly holds two or three times its size).
    package mutating func reserveCapacity(subjects: Int, findings: Int) {
        self.subjects.reserveCapacity(subjects)
        self.findings.reserveCapacity(findings)
        outcomes.reserveCapacity(subjects: subjects)
    }

    /// Appends a part made for the subjects that follow, its findings renumbered.
    package mutating func append(_ other: consuming ReportPart) {
        let offset = subjects.count
        var findings = other.findings
        if offset > 0 {
            for index in findings.indices { findings[index].subjectIndex += offset }
        }
        // The first part is taken whole unless room was made for more.
        if self.findings.capacity == 0 { self.findings = findings } else { self.findings += findings }
        if subjects.capacity == 0 { subjects = other.subjects } else { subjects += other.subjects }
        outcomes.append(contentsOf: other.outcomes)
    }
}
