import PolicyJSON

/// Findings accepted as they are when a team adopts flyte-policy: `check --write-baseline`
/// records them by ``Fingerprint``, and `check --baseline` then fails only on findings that are
/// not in the file and reports the recorded ones that are gone (fixed).
///
/// The file is JSON, sorted by policy, rule and subject so that regenerating it gives a readable
/// diff in review.
public struct Baseline: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var fingerprint: String
        public var policy: String
        public var rule: String
        /// Where the finding was, for people reading the file and the "fixed" list.
        public var subject: String
        public var path: String

        public init(fingerprint: String, policy: String, rule: String, subject: String, path: String) {
            self.fingerprint = fingerprint
            self.policy = policy
            self.rule = rule
            self.subject = subject
            self.path = path
        }

        /// As written in the baseline file and in the JSON report's `fixed` list.
        public var value: JSONValue {
            [
                "fingerprint": .string(fingerprint), "policy": .string(policy), "rule": .string(rule), "subject": .string(subject),
                "path": .string(path),
            ]
        }
    }

    public static let kind = "Baseline"
    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// The failing findings of a report (excepted ones need no baseline).
    public init(report: Report) {
        let fingerprints = report.fingerprints
        var entries: [Entry] = []
        var seen = Set<String>()
        for (index, finding) in report.findings.enumerated() where finding.status == .fail && seen.insert(fingerprints[index]).inserted {
            let subject = report.subject(of: finding).map(TextReport.heading) ?? ""
            entries.append(
                Entry(fingerprint: fingerprints[index], policy: finding.policy, rule: finding.rule, subject: subject, path: finding.path.description))
        }
        self.entries = entries.sorted {
            ($0.policy, $0.rule, $0.subject, $0.path, $0.fingerprint) < ($1.policy, $1.rule, $1.subject, $1.path, $1.fingerprint)
        }
    }

    public func rendered() -> [UInt8] {
        let value: JSONValue = [
            "apiVersion": "flyte-policy/v1", "kind": .string(Self.kind), "fingerprintVersion": .string(Fingerprint.version),
            "findings": .array(entries.map(\.value)),
        ]
        return (try? value.serialized(pretty: true, sortKeys: true)) ?? Array("{}\n".utf8)
    }

    /// Reads a baseline file; every problem names the file and the JSON pointer.
    public static func parse(_ bytes: [UInt8], source: String) throws(BaselineError) -> Baseline {
        let document: JSONDocument
        do { document = try JSONDocument.parse(bytes, source: source) } catch {
            // The parse error already starts with the file name, line and column.
            throw BaselineError(file: "", pointer: .root, reason: error.description)
        }
        let root = JSONReader(document.rootNode)
        func fail(_ failure: JSONReadError) -> BaselineError {
            BaselineError(file: source, pointer: failure.pointer, reason: failure.reason)
        }
        guard root.value.isObject else {
            throw BaselineError(file: source, pointer: .root, reason: "a baseline is a JSON object written by 'flyte-policy check --write-baseline'")
        }
        guard root.value["kind"]?.string == kind else {
            throw BaselineError(
                file: source, pointer: "/kind", reason: "expected \"Baseline\"; is this a file written by 'flyte-policy check --write-baseline'?")
        }
        if let version = root.value["fingerprintVersion"]?.string, version != Fingerprint.version {
            throw BaselineError(
                file: source, pointer: "/fingerprintVersion",
                reason: "'\(version)' is not \(Fingerprint.version); regenerate the baseline with this version of flyte-policy")
        }
        guard let findings = root.member("findings"), findings.value.isArray else {
            throw BaselineError(file: source, pointer: "/findings", reason: "expected an array of findings")
        }
        var entries: [Entry] = []
        do throws(JSONReadError) {
            for finding in try findings.elements() {
                // Only the fingerprint is needed to match; the other fields are for people.
                func text(_ key: String) throws(JSONReadError) -> String { try finding.member(key)?.string() ?? "" }
                guard let fingerprintField = finding.member("fingerprint") else {
                    throw finding.error("'fingerprint' is required (a string)")
                }
                let fingerprint = try fingerprintField.string()
                guard fingerprint.count == 32, fingerprint.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
                    throw fingerprintField.error("'\(fingerprint)' is not a fingerprint (32 lowercase hex digits)")
                }
                entries.append(
                    Entry(
                        fingerprint: fingerprint, policy: try text("policy"), rule: try text("rule"), subject: try text("subject"),
                        path: try text("path")))
            }
        } catch {
            throw fail(error)
        }
        return Baseline(entries: entries)
    }
}

/// A baseline file that cannot be used; the run stops with exit 2 rather than fail everything.
public struct BaselineError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var pointer: JSONPointer
    public var reason: String

    public var description: String {
        "\(file.isEmpty ? "" : "\(file): ")\(pointer == .root ? "" : "\(pointer): ")\(reason)"
    }
}

extension Report {
    /// Marks findings recorded in `baseline` as baselined (they no longer fail the run) and lists
    /// the recorded ones no longer found.
    public mutating func apply(_ baseline: Baseline) {
        let known = Set(baseline.entries.map(\.fingerprint))
        let fingerprints = self.fingerprints
        var found = Set<String>()
        for index in findings.indices {
            found.insert(fingerprints[index])
            if known.contains(fingerprints[index]) { findings[index].baselined = true }
        }
        fixed = baseline.entries.filter { !found.contains($0.fingerprint) }
        usedBaseline = true
    }
}
