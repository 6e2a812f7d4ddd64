/// The `--format text` report: grouped by subject, one line per finding, a closing summary.
public enum TextReport {
    public struct Style: Sendable {
        public var color: Bool
        public var quiet: Bool

        public init(color: Bool = false, quiet: Bool = false) {
            self.color = color
            self.quiet = quiet
        }
    }

    /// The whole report as one string.
    public static func render(_ report: Report, style: Style = Style()) -> String {
        var out: [UInt8] = []
        _ = render(report, style: style, jobs: 1) { chunk in
            out += chunk
            return true
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Subjects per piece of a report rendered on several threads.
    package static let subjectsPerPiece = 256

    /// Writes the report to `sink` in pieces of consecutive subjects, rendered `jobs` at a time
    /// on as many threads and written in order, so the bytes are the same for every `jobs` and
    /// only a few pieces are held at once.
    public static func render(_ report: Report, style: Style, jobs: Int, to sink: ([UInt8]) -> Bool) -> Bool {
        guard renderSubjects(report, style: style, jobs: jobs, to: sink) else { return false }
        return sink(Array(closing(report, style: style).utf8))
    }

    /// The subjects' part of the report, without the closing summary: what a ``ReportSpool``
    /// writes for each part of a run as it is joined.
    package static func renderSubjects(_ report: Report, style: Style, jobs: Int, to sink: ([UInt8]) -> Bool) -> Bool {
        let shown = shownSubjects(report, style: style)
        let pieces = (shown.subjects.count + subjectsPerPiece - 1) / subjectsPerPiece
        return ParallelMap.inWaves(pieces, wave: jobs, jobs: jobs) {
            render(report, shown: shown, piece: $0, style: style)
        } take: { bytes in
            bytes.isEmpty || sink(bytes)
        }
    }

    /// Appends the decimal digits of `number` (a line or column): interpolating them made a
    /// string for every finding of a report.
    static func appendDecimal(_ number: Int, to out: inout [UInt8]) {
        guard number > 0 else { return out.append(contentsOf: String(number).utf8) }
        var divisor = 1
        while divisor <= number / 10 { divisor *= 10 }
        while divisor > 0 {
            out.append(UInt8(ascii: "0") + UInt8(number / divisor % 10))
            divisor /= 10
        }
    }

    /// The subjects with something to show, in order, and the indices of each one's findings.
    private struct Shown: Sendable {
        var subjects: [Int] = []
        /// Per subject of ``subjects``, the indices of its findings in the report's order.
        var findings: [[Int]] = []
    }

    private static func shownSubjects(_ report: Report, style: Style) -> Shown {
        var bySubject: [[Int]] = Array(repeating: [], count: report.subjects.count)
        for index in report.findings.indices where report.findings[index].subjectIndex >= 0 {
            let subject = report.findings[index].subjectIndex
            if subject < bySubject.count { bySubject[subject].append(index) }
        }
        var shown = Shown()
        for index in report.subjects.indices {
            // Quiet: what fails the run and is new; baselined findings are known already.
            let findings =
                style.quiet
                ? bySubject[index].filter { report.findings[$0].status == .fail && !report.findings[$0].baselined } : bySubject[index]
            // Notes are shown under their subject's heading, after its findings, unless `--quiet`.
            guard !findings.isEmpty || (!style.quiet && !report.subjects[index].notes.isEmpty) else { continue }
            shown.subjects.append(index)
            shown.findings.append(findings)
        }
        return shown
    }

    private static func paint(_ text: String, _ code: String, _ style: Style) -> String {
        style.color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// One piece: the subjects of ``Shown/subjects`` from `piece * subjectsPerPiece` on.
    /// Written as bytes, piece by piece of each line: interpolating a line first and appending
    /// it copied every finding's text twice.
    private static func render(_ report: Report, shown: Shown, piece: Int, style: Style) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 << 10)
        func put(_ text: String) { out.append(contentsOf: text.utf8) }
        func paint(_ text: String, _ code: String) -> String { Self.paint(text, code, style) }
        let range = (piece * subjectsPerPiece)..<min(shown.subjects.count, (piece + 1) * subjectsPerPiece)
        for position in range {
            let index = shown.subjects[position]
            let subject = report.subjects[index]
            put(paint(PrintableText.escape(heading(subject)), "1"))
            put("\n")
            let file = PrintableText.escape(subject.source.file)
            for findingIndex in shown.findings[position] {
                let finding = report.findings[findingIndex]
                put("  ")
                if finding.status == .excepted {
                    put(paint("EXCEPTED", "2"))
                } else {
                    switch finding.action {
                    case .deny: put(paint("DENY    ", "31"))
                    case .warn: put(paint("WARN    ", "33"))
                    case .audit: put(paint("AUDIT   ", "36"))
                    }
                }
                put(" [")
                put(finding.severity.rawValue)
                put("] ")
                put(finding.policy)
                put("/")
                put(finding.rule)
                put(": ")
                // The line already names policy/rule, so the message leaves the rule out.
                let message = finding.messageAfterRuleParts
                put(PrintableText.escape(message.text))
                if let at = message.at {
                    put(" at ")
                    put(PrintableText.escape(at))
                }
                if finding.baselined { put(" (in the baseline)") }
                put("\n")
                if finding.status == .excepted, let exception = finding.exception {
                    put("           excepted by \(exception): \(PrintableText.escape(finding.exceptionReason ?? ""))\n")
                }
                if let sourceLine = finding.sourceLine {
                    put("           at \(PrintableText.escape(sourceLine.file)):\(sourceLine.position)\n")
                } else if let position = finding.position {
                    put("           at ")
                    put(file)
                    out.append(UInt8(ascii: ":"))
                    Self.appendDecimal(position.line, to: &out)
                    out.append(UInt8(ascii: ":"))
                    Self.appendDecimal(position.column, to: &out)
                    out.append(UInt8(ascii: "\n"))
                }
                if let provenance = finding.provenance { put("           set by \(PrintableText.escape(provenance))\n") }
            }
            guard !style.quiet else { continue }
            for note in subject.notes {
                put("  \(paint("NOTE    ", "36")) \(PrintableText.escape((note.container.map { "container '\($0)': " } ?? "") + note.message))\n")
                put("           asked by \(PrintableText.escape(note.layer))\n")
            }
        }
        return out
    }

    /// The run's warnings and the summary line.
    private static func closing(_ report: Report, style: Style) -> String {
        var out = ""
        for notice in report.notices { out += paint("warning: ", "33", style) + PrintableText.escape(notice) + "\n" }
        let summary = report.summary
        let subjects = summary.subjects == 1 ? "1 pod" : "\(summary.subjects) pods"
        let findings = summary.findings == 1 ? "1 finding" : "\(summary.findings) findings"
        let notes = summary.notes == 0 || style.quiet ? "" : summary.notes == 1 ? "; 1 note" : "; \(summary.notes) notes"
        out +=
            "\(subjects) checked: \(findings) (\(summary.deny) deny, \(summary.warn) warn, \(summary.audit) audit), \(summary.excepted) excepted\(notes)\n"
        return out
    }

    /// `role worker (4 replicas)`.
    private static func roleText(_ subject: Subject, _ role: ReplicaRole) -> String {
        "role \(role.label)" + (subject.replicas.map { " (\($0) \($0 == 1 ? "replica" : "replicas"))" } ?? "")
    }

    /// `examples/pods.yaml:12 Deployment ml-production/trainer` plus the Flyte identity.
    static func heading(_ subject: Subject) -> String {
        var text = "\(subject.source) \(subject.kind)"
        if subject.name.isEmpty {
            if let namespace = subject.namespace, !namespace.isEmpty { text += " in \(namespace)" }
        } else {
            text += " " + (subject.namespace.map { "\($0)/\(subject.name)" } ?? subject.name)
        }
        if let flyte = subject.flyte {
            var parts: [String] = []
            if let workflow = flyte.workflow, !workflow.isEmpty { parts.append("workflow \(workflow)") }
            if let node = flyte.node, !node.isEmpty { parts.append("node \(node)") }
            if let task = flyte.task, !task.isEmpty { parts.append("task \(task)") }
            if let role = subject.role { parts.append(roleText(subject, role)) }
            if !parts.isEmpty { text += " (" + parts.joined(separator: ", ") + ")" }
        } else if let role = subject.role {
            text += " (\(roleText(subject, role)))"
        }
        return text
    }
}

extension TextReport: SpooledFormat {
    package static func sections(of part: Report, context: ReportContext) -> [SpoolSection]? {
        var text: [UInt8] = []
        // One piece on this thread: a part is a chunk of the run, smaller than a piece.
        _ = renderSubjects(part, style: context.textStyle, jobs: 1) { piece in
            text += piece
            return true
        }
        return [SpoolSection(key: "subjects", count: part.subjects.count, text: text)]
    }

    package static func assemble(_ report: Report, spooled: SpooledSections, context: ReportContext, to sink: ([UInt8]) -> Bool) -> Bool {
        (spooled.inPlace || spooled.text("subjects", to: sink)) && render(report, style: context.textStyle, jobs: context.jobs, to: sink)
    }
}
