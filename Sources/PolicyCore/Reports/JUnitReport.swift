/// `--format junit`: JUnit XML, as CI systems (GitLab, Jenkins, Azure, CircleCI) show test
/// results. One `testsuite` per policy, one `testcase` per (subject, rule) the policy applies to:
/// a `failure` when the rule fails the run at `--fail-on`, `skipped` when the rule's `when`
/// does not hold for the subject, and a pass (with the finding in `system-out`) for findings that
/// do not fail the run (warn below `--fail-on`, audit, excepted, baselined).
public enum JUnitReport {
    public static func render(_ report: Report, context: ReportContext) -> [UInt8] {
        var byCase: [String: [Finding]] = [:]
        for finding in report.findings {
            byCase[Report.caseKey(policy: finding.policy, rule: finding.rule, subjectIndex: finding.subjectIndex), default: []].append(finding)
        }

        var suites: [(name: String, cases: [String], tests: Int, failures: Int, skipped: Int)] = []
        if let policies = context.policies {
            let outcomes = report.ruleOutcomes(for: policies)
            for (policyIndex, policy) in policies.policies.enumerated() {
                var cases: [String] = []
                var failures = 0
                var skipped = 0
                for (index, subject) in report.subjects.enumerated() {
                    for (ruleIndex, rule) in policy.rules.enumerated() {
                        let name = "\(rule.name): \(TextReport.heading(subject))"
                        switch outcomes.outcome(subject: index, policy: policyIndex, rule: ruleIndex) {
                        case .notApplicable, nil:
                            continue
                        case .skipped:
                            skipped += 1
                            cases.append(testcase(policy.name, name, body: "      <skipped message=\"the rule's when condition does not hold for this pod\"/>\n"))
                        case .evaluated:
                            let (body, failed) = outcome(byCase[Report.caseKey(policy: policy.name, rule: rule.name, subjectIndex: index)] ?? [], context: context)
                            if failed { failures += 1 }
                            cases.append(testcase(policy.name, name, body: body))
                        }
                    }
                }
                suites.append((policy.name, cases, cases.count, failures, skipped))
            }
        } else {
            // Without the policy set only findings are known: one case per (subject, rule) found.
            var order: [String] = []
            var groups: [String: [String]] = [:]
            var failures: [String: Int] = [:]
            var seen = Set<String>()
            for finding in report.findings {
                let caseKey = Report.caseKey(policy: finding.policy, rule: finding.rule, subjectIndex: finding.subjectIndex)
                guard seen.insert(caseKey).inserted else { continue }
                if groups[finding.policy] == nil { order.append(finding.policy) }
                let subject = report.subject(of: finding).map(TextReport.heading) ?? ""
                let (body, failed) = outcome(byCase[caseKey] ?? [], context: context)
                if failed { failures[finding.policy, default: 0] += 1 }
                groups[finding.policy, default: []].append(testcase(finding.policy, "\(finding.rule): \(subject)", body: body))
            }
            for policy in order {
                let cases = groups[policy] ?? []
                suites.append((policy, cases, cases.count, failures[policy] ?? 0, 0))
            }
        }

        let tests = suites.reduce(0) { $0 + $1.tests }
        let failures = suites.reduce(0) { $0 + $1.failures }
        let skipped = suites.reduce(0) { $0 + $1.skipped }
        // Bytes from the start, sized once: a run can have hundreds of thousands of cases, and
        // a `String` grown case by case and then copied into bytes holds the report three times.
        var out: [UInt8] = []
        out.reserveCapacity(suites.reduce(1024) { total, suite in suite.cases.reduce(total + 256) { $0 + $1.utf8.count } })
        out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n".utf8
        out += "<testsuites name=\"flyte-policy\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"0\" skipped=\"\(skipped)\">\n".utf8
        for index in suites.indices {
            let suite = suites[index]
            out += "  <testsuite name=\"\(escape(suite.name))\" tests=\"\(suite.tests)\" failures=\"\(suite.failures)\" errors=\"0\" skipped=\"\(suite.skipped)\">\n".utf8
            for testcase in suite.cases { out += testcase.utf8 }
            out += "  </testsuite>\n".utf8
            suites[index].cases = []
        }
        if !report.notices.isEmpty {
            out += "  <!-- \(escape(report.notices.joined(separator: " | ")).replacingOccurrences(of: "--", with: "- -")) -->\n".utf8
        }
        out += "</testsuites>\n".utf8
        return out
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
            body += "      <failure message=\"\(escape(first.message))\" type=\"\(first.action.rawValue)\">\(escape(details.joined(separator: "\n")))</failure>\n"
        }
        let passing = findings.filter { !context.fails($0) }
        if !passing.isEmpty {
            let lines = passing.map { finding -> String in
                let state = finding.status == .excepted ? "excepted by \(finding.exception ?? "an exception")" : finding.baselined ? "baselined" : finding.action.rawValue
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
