import PolicyJSON

/// `--format sarif`: SARIF 2.1.0 as GitHub code scanning ingests it.
///
/// One rule per policy rule (`policy/rule`), with the policy's description and default level;
/// one result per finding at the input file (and the manifest line when known), with the
/// subject, the JSON pointer and Flyte identity in the message and `properties`, and a stable
/// ``Fingerprint`` in `partialFingerprints`, so code scanning tracks a finding across commits.
/// Excepted findings are reported as suppressed; baselined ones carry `baselineState: unchanged`.
public enum SARIFReport {
    public static let schema = "https://json.schemastore.org/sarif-2.1.0.json"

    public static func value(_ report: Report, context: ReportContext) -> JSONValue {
        document(report, context: context).value
    }

    /// The log's text. Results are serialized one at a time (``JSONValue/pretty(_:)``): a run
    /// with hundreds of thousands of findings would otherwise hold each result as a Swift value
    /// and again as a jansson tree before writing a byte.
    public static func render(_ report: Report, context: ReportContext) -> [UInt8] {
        (try? JSONValue.pretty(document(report, context: context))) ?? Array("{}\n".utf8)
    }

    /// ``render(_:context:)`` handed to `sink` in chunks as it is written, never held whole; the
    /// results are rendered on `context.jobs` threads, to the same bytes.
    /// - Returns: whether `sink` took all of it.
    public static func render(_ report: Report, context: ReportContext, to sink: ([UInt8]) -> Bool) -> Bool {
        (try? JSONValue.pretty(document(report, context: context), pieces: ParallelMap.pieces(jobs: context.jobs), to: sink)) ?? false
    }

    /// Every rule of the policy set in load order, and where each sits in the log's table; a
    /// rule's descriptor is made only by the one table that is written (``descriptors(_:)``),
    /// not by every spooled part that looks its rules up.
    private static func ruleTable(_ context: ReportContext) -> (index: [String: Int], rules: [(id: String, policy: Policy, rule: String)]) {
        var ruleIndex: [String: Int] = [:]
        var rules: [(id: String, policy: Policy, rule: String)] = []
        for policy in context.policies?.policies ?? [] {
            for rule in policy.rules {
                let id = "\(policy.name)/\(rule.name)"
                guard ruleIndex[id] == nil else { continue }
                ruleIndex[id] = rules.count
                rules.append((id, policy, rule.name))
            }
        }
        return (ruleIndex, rules)
    }

    /// The descriptors of the rules of ``ruleTable(_:)``, in its order.
    private static func descriptors(_ rules: [(id: String, policy: Policy, rule: String)]) -> [JSONValue] {
        rules.map { descriptor(id: $0.id, policy: $0.policy, rule: $0.rule) }
    }

    /// The notes of the report's subjects in subject order, each with its subject: they follow
    /// the findings as `note`-level results of one rule of their own.
    private static func notes(of report: Report) -> [(note: SubjectNote, subject: Subject)] {
        report.notedSubjects.flatMap { index in report.subjects[index].notes.map { ($0, report.subjects[index]) } }
    }

    private static func document(_ report: Report, context: ReportContext) -> StreamedJSON {
        // Rules only the findings name (no set given) are added to the set's as they first appear.
        let table = ruleTable(context)
        var ruleIndex = table.index
        var descriptors = descriptors(table.rules)
        var findingRules: [Int] = []
        findingRules.reserveCapacity(report.findings.count)
        for finding in report.findings {
            let id = "\(finding.policy)/\(finding.rule)"
            if ruleIndex[id] == nil {
                ruleIndex[id] = descriptors.count
                descriptors.append(descriptor(id: id, policy: nil, rule: finding.rule))
            }
            findingRules.append(ruleIndex[id] ?? 0)
        }
        let notes = notes(of: report)
        let noteRule = descriptors.count
        let results = StreamedJSON.elements(count: report.findings.count + notes.count) { [findingRules] index in
            guard index < report.findings.count else {
                let (note, subject) = notes[index - report.findings.count]
                return result(note, subject: subject, ruleIndex: noteRule)
            }
            return result(at: index, of: report, ruleIndex: findingRules[index])
        }
        return document(report, context: context, descriptors: descriptors + (notes.isEmpty ? [] : [noteDescriptor]), results: results)
    }

    /// The log around its results.
    private static func document(_ report: Report, context: ReportContext, descriptors: [JSONValue], results: StreamedJSON) -> StreamedJSON {
        let driver: JSONObject = [
            "name": "flyte-policy", "semanticVersion": .string(context.toolVersion), "version": .string(context.toolVersion),
            "informationUri": "https://github.com/flyte-policy/flyte-policy",
            "rules": .array(descriptors),
        ]
        let run: [(key: String, value: StreamedJSON)] = [
            ("tool", .value(["driver": .object(driver)])),
            ("automationDetails", .value(["id": "flyte-policy/"])),
            ("columnKind", .value("unicodeCodePoints")),
            (
                "invocations",
                .value([
                    [
                        "executionSuccessful": true,
                        "toolExecutionNotifications": .array(
                            report.notices.map { notice in
                                ["level": "warning", "message": ["text": .string(notice)]]
                            }),
                    ]
                ])
            ),
            ("results", results),
        ]
        return .object([("$schema", .value(.string(schema))), ("version", .value("2.1.0")), ("runs", .array([.object(run)]))])
    }

    /// The result of the report's finding at `index`.
    private static func result(at index: Int, of report: Report, ruleIndex: Int) -> JSONValue {
        let finding = report.findings[index]
        let subject = report.subject(of: finding)
        return result(
            finding, subject: subject, ruleIndex: ruleIndex, fingerprint: Fingerprint.of(finding, subject: subject), baseline: report.usedBaseline)
    }

    static func level(_ action: Action) -> String {
        switch action {
        case .deny: "error"
        case .warn: "warning"
        case .audit: "note"
        }
    }

    /// GitHub's `security-severity` (a CVSS-like score) orders alerts by severity.
    static func securitySeverity(_ severity: Severity) -> String {
        switch severity {
        case .critical: "9.5"
        case .high: "8.0"
        case .medium: "5.5"
        case .low: "3.0"
        }
    }

    static func descriptor(id: String, policy: Policy?, rule: String) -> JSONValue {
        var object: JSONObject = ["id": .string(id), "name": .string(id.replacingOccurrences(of: "/", with: "-"))]
        let summary = policy?.description ?? "Policy rule \(id)."
        object["shortDescription"] = ["text": .string("\(id): \(summary)")]
        object["fullDescription"] = ["text": .string(summary)]
        object["help"] = [
            "text": .string(
                "Rule '\(rule)' of policy '\(policy?.name ?? id)'. \(summary) See the policy file\(policy.map { " \($0.file)" } ?? "") for what it requires; a PolicyException can waive it for named workflows or tasks until a date."
            )
        ]
        if let policy {
            object["defaultConfiguration"] = ["level": .string(level(policy.action))]
            object["properties"] = [
                "tags": ["flyte-policy", "kubernetes", .string(policy.action.rawValue)],
                "security-severity": .string(securitySeverity(policy.severity)),
                "precision": "very-high",
            ]
        }
        return .object(object)
    }

    /// The id of the rule every ``SubjectNote`` result names.
    static let noteRuleId = "flyte-policy/flyte-adjustment"

    static let noteDescriptor: JSONValue = [
        "id": .string(noteRuleId), "name": "flyte-policy-flyte-adjustment",
        "shortDescription": ["text": "What Flyte will change or ignore in a resolved pod"],
        "fullDescription": [
            "text":
                "A request or limit propeller lowers to a platform limit, or a node resource override that never reaches a replica group. Notes never fail a run."
        ],
        "help": [
            "text":
                "The pod Flyte creates differs from what this configuration layer asked for. Change the value where it is set, or the platform limit, so that the two agree."
        ],
        "defaultConfiguration": ["level": "note"],
        "properties": ["tags": ["flyte-policy", "flyte"]],
    ]

    static func result(_ note: SubjectNote, subject: Subject, ruleIndex: Int) -> JSONValue {
        var object: JSONObject = [
            "ruleId": .string(noteRuleId), "ruleIndex": .integer(Int64(ruleIndex)), "level": "note",
            "message": ["text": .string("\(note.text) (\(TextReport.heading(subject)))")],
        ]
        object["locations"] = [location(subject)]
        var properties: JSONObject = ["path": .string(note.path.description), "layer": .string(note.layer)]
        if let container = note.container { properties["container"] = .string(container) }
        properties["subject"] = JSONReport.subject(subject, container: nil)
        object["properties"] = .object(properties)
        return .object(object)
    }

    /// The input file (and line) of a subject, with its Flyte workflow, node and role as a
    /// logical location.
    static func location(_ subject: Subject, at place: (file: String, position: SourcePosition?)? = nil) -> JSONValue {
        let file = place?.file ?? subject.artifactPath
        let region: JSONValue
        if let position = place?.position {
            region = ["startLine": .integer(Int64(position.line)), "startColumn": .integer(Int64(position.column))]
        } else {
            region = ["startLine": .integer(Int64(max(1, subject.source.line ?? 1)))]
        }
        let physical = JSONObject(uniqueEntries: [
            ("artifactLocation", ["uri": .string(uri(file)), "uriBaseId": "%SRCROOT%"]), ("region", region),
        ])
        var location: [(key: String, value: JSONValue)] = [("physicalLocation", .object(physical))]
        if let flyte = subject.flyte, let workflow = flyte.workflow ?? flyte.task {
            let node = flyte.node.flatMap { $0.isEmpty ? nil : $0 }
            var name = node.map { "\(workflow)/\($0)" } ?? workflow
            if let role = subject.role { name += "/\(role.label)" }
            location.append(("logicalLocations", [["fullyQualifiedName": .string(name), "kind": "function"]]))
        }
        return .object(JSONObject(uniqueEntries: location))
    }

    /// Members are appended in order and each object made once, as the JSON report's are.
    static func result(_ finding: Finding, subject: Subject?, ruleIndex: Int, fingerprint: String, baseline: Bool) -> JSONValue {
        var text = finding.locatedMessage
        if let subject { text += " (\(TextReport.heading(subject)))" }
        if let provenance = finding.provenance { text += "; set by \(provenance)" }
        var object: [(key: String, value: JSONValue)] = [
            ("ruleId", .string("\(finding.policy)/\(finding.rule)")), ("ruleIndex", .integer(Int64(ruleIndex))),
            ("level", .string(level(finding.action))), ("message", ["text": .string(text)]),
            ("partialFingerprints", [.init(Fingerprint.version): .string(fingerprint)]),
        ]
        if let subject { object.append(("locations", [location(subject, at: finding.place(in: subject))])) }
        var properties: [(key: String, value: JSONValue)] = [
            ("severity", .string(finding.severity.rawValue)), ("action", .string(finding.action.rawValue)),
            ("path", .string(finding.path.description)),
        ]
        if let container = finding.container { properties.append(("container", .string(container))) }
        if let subject { properties.append(("subject", JSONReport.subject(subject, container: nil))) }
        object.append(("properties", .object(JSONObject(uniqueEntries: properties))))
        if finding.status == .excepted {
            object.append(
                (
                    "suppressions",
                    [
                        [
                            // No `status`: the 2.1.0 schema before its errata rejects it, and consumers
                            // treat a suppression without one as accepted.
                            "kind": "external",
                            "justification": .string("excepted by \(finding.exception ?? "a PolicyException"): \(finding.exceptionReason ?? "")"),
                        ]
                    ]
                ))
        }
        if baseline { object.append(("baselineState", finding.baselined ? "unchanged" : "new")) }
        return .object(JSONObject(uniqueEntries: object))
    }

    /// A relative file reference as a URI: spaces and other reserved bytes percent-encoded.
    /// Every result names its file, and most paths need no encoding: they are checked first
    /// and returned as they are.
    static func uri(_ path: String) -> String {
        func unreserved(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                true
            default: false
            }
        }
        var out = path
        if !path.utf8.allSatisfy(unreserved) {
            let hex = Array("0123456789ABCDEF".utf8)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(path.utf8.count + 16)
            for byte in path.utf8 {
                if unreserved(byte) { bytes.append(byte) } else { bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]] }
            }
            out = String(decoding: bytes, as: UTF8.self)
        }
        return out.hasPrefix("./") ? String(out.dropFirst(2)) : out
    }
}

extension SARIFReport: SpooledFormat {
    /// How deep the results array stands: `runs[0].results`.
    static let spooledDepth = 3

    /// Results are laid out with their rule's place in the table of the policy set, which is
    /// what a spooled run's findings come from: a part naming a rule outside it cannot be
    /// written ahead (its place would depend on the parts after it).
    package static func sections(of part: Report, context: ReportContext) -> [SpoolSection]? {
        let ruleIndex = ruleTable(context).index
        var findings: [UInt8] = []
        var notes: [UInt8] = []
        let noted = Self.notes(of: part)
        var rules: [Int] = []
        rules.reserveCapacity(part.findings.count)
        for finding in part.findings {
            guard let rule = ruleIndex["\(finding.policy)/\(finding.rule)"] else { return nil }
            rules.append(rule)
        }
        do throws(JSONBuildError) {
            try JSONValue.layOut(
                part.findings.indices.lazy.map { result(at: $0, of: part, ruleIndex: rules[$0]) }, depth: spooledDepth, to: &findings)
            try JSONValue.layOut(noted.lazy.map { result($0.note, subject: $0.subject, ruleIndex: ruleIndex.count) }, depth: spooledDepth, to: &notes)
        } catch {
            return nil
        }
        return [
            SpoolSection(key: "results", count: part.findings.count, text: findings), SpoolSection(key: "notes", count: noted.count, text: notes),
        ]
    }

    package static func assemble(_ report: Report, spooled: SpooledSections, context: ReportContext, to sink: ([UInt8]) -> Bool) -> Bool {
        let descriptors = descriptors(ruleTable(context).rules)
        let keys = ["results", "notes"]
        let document = document(
            report, context: context, descriptors: descriptors + (spooled.count(["notes"]) == 0 ? [] : [noteDescriptor]),
            results: .laidOut(count: spooled.count(keys), depth: spooledDepth) { spooled.text(keys, to: $0) })
        return (try? JSONValue.pretty(document, to: sink)) ?? false
    }
}
