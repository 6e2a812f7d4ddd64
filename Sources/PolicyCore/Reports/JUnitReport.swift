/// `--format junit`: JUnit XML, as CI systems (GitLab, Jenkins, Azure, CircleCI) show test
/// results. One `testsuite` per policy, one `testcase` per (subject, rule) the policy applies to:
/// a `failure` when the rule fails the run at `--fail-on`, `skipped` when the rule's `when`
/// does not hold for the subject, and a pass (with the finding in `system-out`) for findings that
/// do not fail the run (warn below `--fail-on`, audit, excepted, baselined).
public enum JUnitReport {
    public static func render(_ report: Report, context: ReportContext) -> [UInt8] {
        var out: [UInt8] = []
        _ = render(report, context: context) { chunk in
            out += chunk
            return true
        }
        return out
    }

    /// One test case, made into XML only when it is written: a run can have hundreds of
    /// thousands, and their text would otherwise be held whole before the first byte is written.
    private enum Case: Sendable {
        /// The rule's `when` does not hold for the subject (policy set known).
        case skipped(subject: Int, rule: Int)
        /// The rule ran on the subject (policy set known).
        case evaluated(subject: Int, rule: Int)
        /// The first finding of a (subject, rule), when only the findings are known.
        case found(finding: Int)
    }

    private struct Suite: Sendable {
        let name: String
        /// Where the policy sits in the set, when the set is known.
        let policy: Policy?
        var cases: [Case] = []
        var failures = 0
        var skipped = 0
    }

    /// ``render(_:context:)`` handed to `sink` in chunks of about a megabyte as it is written.
    /// - Returns: whether `sink` took all of it.
    public static func render(_ report: Report, context: ReportContext, to sink: ([UInt8]) -> Bool) -> Bool {
        let (suites, byCase) = suites(of: report, context: context)
        let heads = suites.map { SuiteHead(name: $0.name, tests: $0.cases.count, failures: $0.failures, skipped: $0.skipped) }
        return withoutActuallyEscaping(sink) { sink in
            var writer = ChunkWriter(sink: sink)
            write(heads, notices: report.notices, to: &writer) { index, writer in
                // The cases of a large suite are made in batches on `--jobs` threads, a wave of
                // batches at a time, and written in order: the same bytes as one thread makes.
                let suite = suites[index]
                let batches = (suite.cases.count + caseBatch - 1) / caseBatch
                _ = ParallelMap.inWaves(batches, wave: 16, jobs: context.jobs) { batch in
                    testcases(
                        suite.cases[(batch * caseBatch)..<min(suite.cases.count, (batch + 1) * caseBatch)], in: suite, of: report, context: context,
                        byCase: byCase)
                } take: { text in
                    writer.write(text)
                    return !writer.failed
                }
            }
            return writer.finish()
        }
    }

    /// Which cases each suite has, and its counts (the opening tags carry them), with the
    /// findings of each case.
    private static func suites(of report: Report, context: ReportContext) -> ([Suite], [Report.CaseKey: [Finding]]) {
        var byCase: [Report.CaseKey: [Finding]] = [:]
        for finding in report.findings {
            byCase[Report.caseKey(policy: finding.policy, rule: finding.rule, subjectIndex: finding.subjectIndex), default: []].append(finding)
        }
        func findings(_ policy: String, _ rule: String, _ subject: Int) -> [Finding] { caseFindings(byCase, policy, rule, subject) }

        var suites: [Suite] = []
        if let policies = context.policies {
            let outcomes = report.ruleOutcomes(for: policies)
            for (policyIndex, policy) in policies.policies.enumerated() {
                var suite = Suite(name: policy.name, policy: policy)
                for index in report.subjects.indices {
                    for (ruleIndex, rule) in policy.rules.enumerated() {
                        switch outcomes.outcome(subject: index, policy: policyIndex, rule: ruleIndex) {
                        case .notApplicable, nil:
                            continue
                        case .skipped:
                            suite.skipped += 1
                            suite.cases.append(.skipped(subject: index, rule: ruleIndex))
                        case .evaluated:
                            if findings(policy.name, rule.name, index).contains(where: context.fails) { suite.failures += 1 }
                            suite.cases.append(.evaluated(subject: index, rule: ruleIndex))
                        }
                    }
                }
                suites.append(suite)
            }
        } else {
            // Without the policy set only findings are known: one case per (subject, rule) found.
            var positions: [String: Int] = [:]
            var seen = Set<Report.CaseKey>()
            for (index, finding) in report.findings.enumerated() {
                guard seen.insert(Report.caseKey(policy: finding.policy, rule: finding.rule, subjectIndex: finding.subjectIndex)).inserted else {
                    continue
                }
                let position = positions[finding.policy] ?? suites.count
                if position == suites.count {
                    positions[finding.policy] = position
                    suites.append(Suite(name: finding.policy, policy: nil))
                }
                if findings(finding.policy, finding.rule, finding.subjectIndex).contains(where: context.fails) { suites[position].failures += 1 }
                suites[position].cases.append(.found(finding: index))
            }
        }
        return (suites, byCase)
    }

    /// What a suite's opening tag says of it.
    private struct SuiteHead {
        let name: String
        let tests: Int
        let failures: Int
        let skipped: Int
    }

    /// The document: each suite's opening tag, its cases (`cases` writes those of the suite at
    /// an index), its closing tag; then the notices.
    private static func write(
        _ suites: [SuiteHead], notices: [String], to writer: inout ChunkWriter, cases: (Int, inout ChunkWriter) -> Void
    ) {
        let tests = suites.reduce(0) { $0 + $1.tests }
        let failures = suites.reduce(0) { $0 + $1.failures }
        let skipped = suites.reduce(0) { $0 + $1.skipped }
        writer.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n")
        writer.write("<testsuites name=\"flyte-policy\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\">\n")
        for (index, suite) in suites.enumerated() where !writer.failed {
            writer.write(
                "  <testsuite name=\"\(escape(suite.name))\" tests=\"\(suite.tests)\" failures=\"\(suite.failures)\" errors=\"0\" skipped=\"\(suite.skipped)\">\n"
            )
            cases(index, &writer)
            writer.write("  </testsuite>\n")
        }
        if !notices.isEmpty {
            writer.write("  <!-- \(escape(notices.joined(separator: " | ")).replacingOccurrences(of: "--", with: "- -")) -->\n")
        }
        writer.write("</testsuites>\n")
    }

    /// Test cases made together on one thread.
    static let caseBatch = 256

    /// The XML of consecutive cases of a suite.
    private static func testcases(
        _ cases: ArraySlice<Case>, in suite: Suite, of report: Report, context: ReportContext, byCase: [Report.CaseKey: [Finding]]
    ) -> String {
        var text = ""
        for entry in cases { text += testcase(entry, in: suite, of: report, context: context, byCase: byCase) }
        return text
    }

    /// One case's XML.
    private static func testcase(
        _ entry: Case, in suite: Suite, of report: Report, context: ReportContext, byCase: [Report.CaseKey: [Finding]]
    ) -> String {
        func findings(_ policy: String, _ rule: String, _ subject: Int) -> [Finding] { caseFindings(byCase, policy, rule, subject) }
        switch entry {
        case .skipped(let subject, let rule):
            let name = "\(suite.policy?.rules[rule].name ?? ""): \(TextReport.heading(report.subjects[subject]))"
            return testcase(suite.name, name, body: "      <skipped message=\"the rule's when condition does not hold for this pod\"/>\n")
        case .evaluated(let subject, let rule):
            let ruleName = suite.policy?.rules[rule].name ?? ""
            let (body, _) = outcome(findings(suite.name, ruleName, subject), context: context)
            return testcase(suite.name, "\(ruleName): \(TextReport.heading(report.subjects[subject]))", body: body)
        case .found(let index):
            let finding = report.findings[index]
            let heading = report.subject(of: finding).map(TextReport.heading) ?? ""
            let (body, _) = outcome(findings(finding.policy, finding.rule, finding.subjectIndex), context: context)
            return testcase(finding.policy, "\(finding.rule): \(heading)", body: body)
        }
    }

    /// The findings of one (subject, rule) case.
    private static func caseFindings(_ byCase: [Report.CaseKey: [Finding]], _ policy: String, _ rule: String, _ subject: Int) -> [Finding] {
        byCase[Report.caseKey(policy: policy, rule: rule, subjectIndex: subject)] ?? []
    }

    /// Text handed to a sink in chunks of about a megabyte.
    private struct ChunkWriter {
        let sink: ([UInt8]) -> Bool
        var buffer: [UInt8] = []
        var failed = false

        mutating func write(_ text: String) {
            buffer += text.utf8
            if buffer.count >= 1 << 20 { flush() }
        }

        mutating func write(_ bytes: [UInt8]) {
            buffer += bytes
            if buffer.count >= 1 << 20 { flush() }
        }

        mutating func flush() {
            if !failed, !buffer.isEmpty, !sink(buffer) { failed = true }
            buffer.removeAll(keepingCapacity: true)
        }

        mutating func finish() -> Bool {
            flush()
            return !failed
        }
    }

    private static func testcase(_ policy: String, _ name: String, body: String) -> String {
        let open = "    <testcase classname=\"\(escape(policy))\" name=\"\(escape(name))\""
        return body.isEmpty ? open + "/>\n" : open + ">\n" + body + "    </testcase>\n"
    }

    /// The body of one case and whether it failed.
    private static func outcome(_ findings: [Finding], context: ReportContext) -> (String, Bool) {
        let failing = findings.filter(context.fails)
        var body = ""
        if !failing.isEmpty {
            let first = failing[0]
            let details = failing.map { "\($0.locatedMessage)\($0.provenance.map { " (set by \($0))" } ?? "")" }
            body +=
                "      <failure message=\"\(escape(first.message))\" type=\"\(first.action.rawValue)\">\(escape(details.joined(separator: "\n")))</failure>\n"
        }
        let passing = findings.filter { !context.fails($0) }
        if !passing.isEmpty {
            let lines = passing.map { finding -> String in
                let state =
                    finding.status == .excepted
                    ? "excepted by \(finding.exception ?? "an exception")" : finding.baselined ? "baselined" : finding.action.rawValue
                return "\(state): \(finding.locatedMessage)"
            }
            body += "      <system-out>\(escape(lines.joined(separator: "\n")))</system-out>\n"
        }
        return (body, !failing.isEmpty)
    }

    /// XML text and attribute escaping; characters XML 1.0 cannot carry become U+FFFD.
    static func escape(_ text: String) -> String {
        // Most texts need nothing: a byte scan first (U+FFFE and U+FFFF start with 0xEF in UTF-8).
        let clean = !text.utf8.contains { byte in
            switch byte {
            case UInt8(ascii: "&"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "'"), 0xEF: true
            case UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r"): false
            default: byte < 0x20
            }
        }
        if clean { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                if value < 0x20 || value == 0xFFFE || value == 0xFFFF { out += "\u{FFFD}" } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }
}

extension JUnitReport: SpooledFormat {
    /// A section per suite, keyed by the policy's place in the set, with its failures and
    /// skipped cases counted.
    package static func sections(of part: Report, context: ReportContext) -> [SpoolSection]? {
        let (suites, byCase) = suites(of: part, context: context)
        return suites.enumerated().map { index, suite in
            SpoolSection(
                key: String(index), count: suite.cases.count, counters: ["failures": suite.failures, "skipped": suite.skipped],
                text: Array(testcases(suite.cases[...], in: suite, of: part, context: context, byCase: byCase).utf8))
        }
    }

    package static func assemble(_ report: Report, spooled: SpooledSections, context: ReportContext, to sink: ([UInt8]) -> Bool) -> Bool {
        let heads = (context.policies?.policies ?? []).enumerated().map { index, policy in
            let entry = spooled.index[String(index)]
            return SuiteHead(
                name: policy.name, tests: entry.count, failures: entry.counters["failures"] ?? 0, skipped: entry.counters["skipped"] ?? 0)
        }
        return withoutActuallyEscaping(sink) { sink in
            var writer = ChunkWriter(sink: sink)
            var read = true
            write(heads, notices: report.notices, to: &writer) { index, writer in
                read =
                    read
                    && spooled.text(String(index)) { bytes in
                        writer.write(bytes)
                        return !writer.failed
                    }
            }
            return writer.finish() && read
        }
    }
}
