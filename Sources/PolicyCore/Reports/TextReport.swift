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

    public static func render(_ report: Report, style: Style = Style()) -> String {
        var out = ""
        func paint(_ text: String, _ code: String) -> String { style.color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

        var bySubject: [Int: [Finding]] = [:]
        for finding in report.findings { bySubject[finding.subjectIndex, default: []].append(finding) }
        // Notes are shown under their subject's heading, after its findings, unless `--quiet`.
        var shown = Set(bySubject.keys)
        if !style.quiet { shown.formUnion(report.notedSubjects) }
        for index in shown.sorted() where index < report.subjects.count {
            let findings = bySubject[index] ?? []
            // Quiet: what fails the run and is new; baselined findings are known already.
            let visible = style.quiet ? findings.filter { $0.status == .fail && !$0.baselined } : findings
            let notes = style.quiet ? [] : report.subjects[index].notes
            guard !visible.isEmpty || !notes.isEmpty else { continue }
            out += paint(PrintableText.escape(heading(report.subjects[index])), "1") + "\n"
            for finding in visible {
                let label: String
                if finding.status == .excepted {
                    label = paint("EXCEPTED", "2")
                } else {
                    switch finding.action {
                    case .deny: label = paint("DENY    ", "31")
                    case .warn: label = paint("WARN    ", "33")
                    case .audit: label = paint("AUDIT   ", "36")
                    }
                }
                // The line already names policy/rule; a default message starts with the rule again.
                let prefix = "\(finding.rule): "
                let message = finding.message.hasPrefix(prefix) ? String(finding.message.dropFirst(prefix.count)) : finding.message
                out +=
                    "  \(label) [\(finding.severity.rawValue)] \(finding.policy)/\(finding.rule): \(PrintableText.escape(message))\(finding.baselined ? " (in the baseline)" : "")\n"
                if finding.status == .excepted, let exception = finding.exception {
                    out += "           excepted by \(exception): \(PrintableText.escape(finding.exceptionReason ?? ""))\n"
                }
                if let position = finding.position {
                    out += "           at \(PrintableText.escape(report.subjects[index].source.file)):\(position)\n"
                }
                if let provenance = finding.provenance { out += "           set by \(PrintableText.escape(provenance))\n" }
            }
            for note in notes {
                out += "  \(paint("NOTE    ", "36")) \(PrintableText.escape((note.container.map { "container '\($0)': " } ?? "") + note.message))\n"
                out += "           asked by \(PrintableText.escape(note.layer))\n"
            }
        }
        for notice in report.notices { out += paint("warning: ", "33") + PrintableText.escape(notice) + "\n" }
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
