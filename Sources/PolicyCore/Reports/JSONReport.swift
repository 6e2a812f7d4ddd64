import PolicyJSON

/// The `--format json` report: the stable schema in `docs/report-schema.json`.
public enum JSONReport {
    public static let schemaVersion = "flyte-policy.report/v1"

    /// The report as one value (small reports, tests); ``render(_:)`` writes the same text.
    public static func value(_ report: Report) -> JSONValue {
        document(report).value
    }

    /// The report's text. Findings are serialized one at a time (``JSONValue/pretty(_:)``):
    /// a run with hundreds of thousands of them would otherwise hold every finding as a Swift
    /// value and again as a jansson tree before writing a byte.
    public static func render(_ report: Report) -> [UInt8] {
        (try? JSONValue.pretty(document(report))) ?? Array("{}\n".utf8)
    }

    /// ``render(_:)`` handed to `sink` in chunks as it is written, never held whole; the
    /// findings are rendered on `jobs` threads, to the same bytes.
    /// - Returns: whether `sink` took all of it.
    public static func render(_ report: Report, jobs: Int = 1, to sink: ([UInt8]) -> Bool) -> Bool {
        (try? JSONValue.pretty(document(report), pieces: ParallelMap.pieces(jobs: jobs), to: sink)) ?? false
    }

    private static func document(_ report: Report) -> StreamedJSON {
        document(
            report,
            findings: .elements(count: report.findings.count) { index in
                // Each element's fingerprint is made with it, on the thread that writes it: no
                // array of every finding's fingerprint is made first.
                finding(at: index, of: report)
            }, notes: .value(.array(notes(of: report))))
    }

    private static func document(_ report: Report, findings: StreamedJSON, notes: StreamedJSON) -> StreamedJSON {
        let summary = report.summary
        var counts: JSONObject = [
            "subjects": .integer(Int64(summary.subjects)), "findings": .integer(Int64(summary.findings)),
            "deny": .integer(Int64(summary.deny)), "warn": .integer(Int64(summary.warn)), "audit": .integer(Int64(summary.audit)),
            "excepted": .integer(Int64(summary.excepted)), "notes": .integer(Int64(summary.notes)),
        ]
        if report.usedBaseline { counts["baselined"] = .integer(Int64(summary.baselined)) }
        var members: [(key: String, value: StreamedJSON)] = [("schemaVersion", .value(.string(schemaVersion))), ("summary", .value(.object(counts)))]
        if report.usedBaseline {
            members.append(("fixed", .value(.array(report.fixed.map(\.value)))))
        }
        members.append(("findings", findings))
        members.append(("notices", .value(.array(report.notices.map(JSONValue.string)))))
        members.append(("skippedInputs", .value(.array(report.skippedInputs.map { ["file": .string($0.file), "reason": .string($0.reason)] }))))
        members.append(("notes", notes))
        return .object(members)
    }

    /// The element of the report's finding at `index`.
    private static func finding(at index: Int, of report: Report) -> JSONValue {
        let item = report.findings[index]
        let subject = report.subject(of: item)
        return finding(
            item, subject: subject, fingerprint: Fingerprint.of(item, subject: subject), baselined: report.usedBaseline ? item.baselined : nil)
    }

    /// The elements of the report's notes, subject by subject.
    private static func notes(of report: Report) -> [JSONValue] {
        report.notedSubjects.flatMap { index in report.subjects[index].notes.map { note(note: $0, subject: report.subjects[index]) } }
    }

    static func finding(_ finding: Finding, subject: Subject?, fingerprint: String, baselined: Bool?) -> JSONValue {
        var object = JSONObject()
        object["fingerprint"] = .string(fingerprint)
        if let baselined { object["baselined"] = .bool(baselined) }
        object["policy"] = .string(finding.policy)
        object["rule"] = .string(finding.rule)
        object["action"] = .string(finding.action.rawValue)
        object["severity"] = .string(finding.severity.rawValue)
        object["status"] = .string(finding.status.rawValue)
        if let exception = finding.exception {
            object["exception"] = .string(exception)
            object["exceptionReason"] = finding.exceptionReason.map(JSONValue.string) ?? .null
        }
        object["message"] = .string(finding.message)
        object["path"] = .string(finding.path.description)
        if let position = finding.position {
            object["line"] = .integer(Int64(position.line))
            object["column"] = .integer(Int64(position.column))
        }
        if let sourceLine = finding.sourceLine {
            object["source"] = [
                "file": .string(sourceLine.file), "line": .integer(Int64(sourceLine.position.line)),
                "column": .integer(Int64(sourceLine.position.column)),
            ]
        }
        if let subject { object["subject"] = Self.subject(subject, container: finding.container) }
        if let provenance = finding.provenance { object["provenance"] = .string(provenance) }
        return .object(object)
    }

    static func note(note: SubjectNote, subject: Subject) -> JSONValue {
        [
            "message": .string(note.message), "path": .string(note.path.description), "layer": .string(note.layer),
            "subject": Self.subject(subject, container: note.container),
        ]
    }

    public static func subject(_ subject: Subject, container: String?) -> JSONValue {
        var object = JSONObject()
        object["source"] = .string(subject.source.description)
        object["kind"] = .string(subject.kind)
        object["namespace"] = .string(subject.namespace ?? "")
        object["name"] = .string(subject.name)
        if let container { object["container"] = .string(container) }
        if let flyte = subject.flyte {
            var context = JSONObject()
            context["project"] = .string(flyte.project ?? "")
            context["domain"] = .string(flyte.domain ?? "")
            context["workflow"] = .string(flyte.workflow ?? "")
            context["task"] = .string(flyte.task ?? "")
            context["node"] = .string(flyte.node ?? "")
            if let taskType = flyte.taskType { context["taskType"] = .string(taskType) }
            if let interruptible = flyte.interruptible { context["interruptible"] = .bool(interruptible) }
            object["flyte"] = .object(context)
        }
        if let role = subject.role { object["role"] = .string(role.label) }
        if let replicas = subject.replicas { object["replicas"] = .integer(Int64(replicas)) }
        return .object(object)
    }
}

extension JSONReport: SpooledFormat {
    /// How deep the findings and notes arrays stand: members of the document.
    static let spooledDepth = 1

    package static func sections(of part: Report, context: ReportContext) -> [SpoolSection]? {
        var findings: [UInt8] = []
        var notes: [UInt8] = []
        let noted = Self.notes(of: part)
        do throws(JSONBuildError) {
            try JSONValue.layOut(part.findings.indices.lazy.map { finding(at: $0, of: part) }, depth: spooledDepth, to: &findings)
            try JSONValue.layOut(noted, depth: spooledDepth, to: &notes)
        } catch {
            return nil
        }
        return [
            SpoolSection(key: "findings", count: part.findings.count, text: findings), SpoolSection(key: "notes", count: noted.count, text: notes),
        ]
    }

    package static func assemble(_ report: Report, spooled: SpooledSections, context: ReportContext, to sink: ([UInt8]) -> Bool) -> Bool {
        let document = document(
            report, findings: .laidOut(count: spooled.count(["findings"]), depth: spooledDepth) { spooled.text("findings", to: $0) },
            notes: .laidOut(count: spooled.count(["notes"]), depth: spooledDepth) { spooled.text("notes", to: $0) })
        return (try? JSONValue.pretty(document, to: sink)) ?? false
    }
}
