/// `--format github`: GitHub Actions workflow commands, one per finding, so findings show as
/// annotations on the pull request: `::error` for findings that fail the run, `::warning` for
/// other warn and deny findings, `::notice` for audit, excepted and baselined ones.
public enum GitHubReport {
    public static func render(_ report: Report, context: ReportContext) -> [UInt8] {
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
            var properties: [String] = []
            let subject = report.subject(of: finding)
            if let subject {
                properties.append("file=\(property(subject.artifactPath))")
                if let line = subject.source.line { properties.append("line=\(line)") }
            }
            var title = "\(finding.policy)/\(finding.rule)"
            if finding.status == .excepted { title += " (excepted by \(finding.exception ?? "an exception"))" } else if finding.baselined { title += " (baselined)" }
            properties.append("title=\(property(title))")
            var message = finding.locatedMessage
            if let subject { message += "\n\(TextReport.heading(subject))" }
            if let provenance = finding.provenance { message += "\nset by \(provenance)" }
            out += "::\(command) \(properties.joined(separator: ","))::\(data(message))\n"
        }
        for notice in report.notices { out += "::warning title=flyte-policy::\(data(notice))\n" }
        let summary = report.summary
        out += "flyte-policy: \(summary.subjects) pods checked: \(summary.findings) findings (\(summary.deny) deny, \(summary.warn) warn, \(summary.audit) audit), \(summary.excepted) excepted\n"
        return Array(out.utf8)
    }

    /// Escaping of a command's message, as the Actions runner decodes it.
    public static func data(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    /// Escaping of a property value (also `:` and `,`, which delimit properties).
    public static func property(_ text: String) -> String {
        data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
