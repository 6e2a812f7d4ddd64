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

    /// Members are appended in order and the object made once (``JSONObject/init(uniqueEntries:)``):
    /// setting them one by one looked every key up among those before it, for every finding.
    static func finding(_ finding: Finding, subject: Subject?, fingerprint: String, baselined: Bool?) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        members.reserveCapacity(16)
        members.append(("fingerprint", .string(fingerprint)))
        if let baselined { members.append(("baselined", .bool(baselined))) }
        members.append(("policy", .string(finding.policy)))
        members.append(("rule", .string(finding.rule)))
        members.append(("action", .string(finding.action.rawValue)))
        members.append(("severity", .string(finding.severity.rawValue)))
        members.append(("status", .string(finding.status.rawValue)))
        if let exception = finding.exception {
            members.append(("exception", .string(exception)))
            members.append(("exceptionReason", finding.exceptionReason.map(JSONValue.string) ?? .null))
        }
        members.append(("message", .string(finding.message)))
        members.append(("path", .string(finding.path.description)))
        if let position = finding.position {
            members.append(("line", .integer(Int64(position.line))))
            members.append(("column", .integer(Int64(position.column))))
        }
        if let sourceLine = finding.sourceLine {
            members.append(
                (
                    "source",
                    [
                        "file": .string(sourceLine.file), "line": .integer(Int64(sourceLine.position.line)),
                        "column": .integer(Int64(sourceLine.position.column)),
                    ]
                ))
        }
        if let subject { members.append(("subject", Self.subject(subject, container: finding.container))) }
        if let provenance = finding.provenance { members.append(("provenance", .string(provenance))) }
        return .object(JSONObject(uniqueEntries: members))
    }

    static func note(note: SubjectNote, subject: Subject) -> JSONValue {
        [
            "message": .string(note.message), "path": .string(note.path.description), "layer": .string(note.layer),
            "subject": Self.subject(subject, container: note.container),
        ]
    }

    public static func subject(_ subject: Subject, container: String?) -> JSONValue {
        var members: [(key: String, value: JSONValue)] = []
        members.reserveCapacity(9)
        members.append(("source", .string(subject.source.description)))
        members.append(("kind", .string(subject.kind)))
        members.append(("namespace", .string(subject.namespace ?? "")))
        members.append(("name", .string(subject.name)))
        if let container { members.append(("container", .string(container))) }
        if let flyte = subject.flyte {
            var context: [(key: String, value: JSONValue)] = [
                ("project", .string(flyte.project ?? "")), ("domain", .string(flyte.domain ?? "")), ("workflow", .string(flyte.workflow ?? "")),
                ("task", .string(flyte.task ?? "")), ("node", .string(flyte.node ?? "")),
            ]
            if let taskType = flyte.taskType { context.append(("taskType", .string(taskType))) }
            if let interruptible = flyte.interruptible { context.append(("interruptible", .bool(interruptible))) }
            members.append(("flyte", .object(JSONObject(uniqueEntries: context))))
        }
        if let role = subject.role { members.append(("role", .string(role.label))) }
        if let replicas = subject.replicas { members.append(("replicas", .integer(Int64(replicas)))) }
        return .object(JSONObject(uniqueEntries: members))
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
