/// `--format github`: GitHub Actions workflow commands, one per finding, so findings show as
/// annotations on the pull request: `::error` for findings that fail the run, `::warning` for
/// other warn and deny findings, `::notice` for audit, excepted and baselined ones.
public enum GitHubReport {
    public static func render(_ report: Report, context: ReportContext) -> [UInt8] {
        Array((annotations(report, context: context) + notes(report) + closing(report)).utf8)
    }

    /// A command per finding.
    private static func annotations(_ report: Report, context: ReportContext) -> String {
        var out = ""
        for finding in report.findings {
            let command: String
            if context.fails(finding) {
                command = "error"
            } else if finding.status == .fail, !finding.baselined, finding.action != .audit {
                command = "warning"
            } else {
                command = "notice"
            }
            let subject = report.subject(of: finding)
            var properties = subject.map { location(finding.place(in: $0), line: $0.source.line) } ?? []
            var title = "\(finding.policy)/\(finding.rule)"
            if finding.status == .excepted {
                title += " (excepted by \(finding.exception ?? "an exception"))"
            } else if finding.baselined {
                title += " (baselined)"
            }
            properties.append("title=\(property(title))")
            var message = finding.locatedMessage
            if let subject { message += "\n\(TextReport.heading(subject))" }
            if let provenance = finding.provenance { message += "\nset by \(provenance)" }
            out += "::\(command) \(properties.joined(separator: ","))::\(data(message))\n"
        }
        return out
    }

    /// A notice per ``SubjectNote``, after the findings.
    private static func notes(_ report: Report) -> String {
        var out = ""
        for index in report.notedSubjects {
            let subject = report.subjects[index]
            let properties = location((subject.artifactPath, nil), line: subject.source.line) + ["title=\(property("flyte-policy note"))"]
            for note in subject.notes {
                out += "::notice \(properties.joined(separator: ","))::\(data("\(note.text)\n\(TextReport.heading(subject))"))\n"
            }
        }
        return out
    }

    /// The run's notices as warnings, then its counts.
    private static func closing(_ report: Report) -> String {
        var out = ""
        for notice in report.notices { out += "::warning title=flyte-policy::\(data(notice))\n" }
        let summary = report.summary
        out +=
            "flyte-policy: \(summary.subjects) pods checked: \(summary.findings) findings (\(summary.deny) deny, \(summary.warn) warn, \(summary.audit) audit), \(summary.excepted) excepted\n"
        return out
    }

    /// `file=`, `line=` and `col=` of an annotation: the value's position when it was located,
    /// else the subject's document line.
    static func location(_ place: (file: String, position: SourcePosition?), line: Int?) -> [String] {
        var properties = ["file=\(property(place.file))"]
        if let position = place.position {
            properties += ["line=\(position.line)", "col=\(position.column)"]
        } else if let line {
            properties.append("line=\(line)")
        }
        return properties
    }

    /// Escaping of a command's message, as the Actions runner decodes it.
    /// Control characters other than the line breaks the runner decodes are shown as escapes
    /// (``PrintableText``), so a manifest cannot forge log lines or colour.
    public static func data(_ text: String) -> String {
        escape(PrintableText.escape(text, keepingLineBreaks: true), delimiters: false)
    }

    /// Escaping of a property value (also `:` and `,`, which delimit properties).
    public static func property(_ text: String) -> String {
        escape(PrintableText.escape(text, keepingLineBreaks: true), delimiters: true)
    }

    /// One pass over the UTF-8 bytes (every escaped character is ASCII): a run with hundreds of
    /// thousands of findings escapes several strings for each.
    private static func escape(_ text: String, delimiters: Bool) -> String {
        func code(_ byte: UInt8) -> String? {
            switch byte {
            case UInt8(ascii: "%"): "%25"
            case UInt8(ascii: "\r"): "%0D"
            case UInt8(ascii: "\n"): "%0A"
            case UInt8(ascii: ":") where delimiters: "%3A"
            case UInt8(ascii: ",") where delimiters: "%2C"
            default: nil
            }
        }
        guard text.utf8.contains(where: { code($0) != nil }) else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count + 16)
        for byte in text.utf8 {
            if let escaped = code(byte) { out.append(contentsOf: escaped.utf8) } else { out.append(byte) }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension GitHubReport: SpooledFormat {
    package static func sections(of part: Report, context: ReportContext) -> [SpoolSection]? {
        [
            SpoolSection(key: "findings", count: part.findings.count, text: Array(annotations(part, context: context).utf8)),
            SpoolSection(key: "notes", count: part.subjects.reduce(0) { $0 + $1.notes.count }, text: Array(notes(part).utf8)),
        ]
    }

    package static func assemble(_ report: Report, spooled: SpooledSections, context: ReportContext, to sink: ([UInt8]) -> Bool) -> Bool {
        spooled.text(["findings", "notes"], to: sink) && sink(Array(closing(report).utf8))
    }
}
