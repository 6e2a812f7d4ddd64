import Foundation
import PolicyJSON
import Testing

@testable import PolicyCLI
@testable import PolicyCore

/// The CI report formats, on the real example package, checked by third-party validators: the
/// official SARIF 2.1.0 schema through jsonschema (PyPI) and xmllint (Debian) for JUnit.
@Suite("report formats and baselines") struct ReportFormatTests {
    static let package = [Paths.package, "--policies", Paths.policies] + Paths.platform

    /// The virtualenv python with jsonschema, from `scripts/report-tools` (set up once).
    static let python: String? = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Paths.root + "/scripts/report-tools"]
        let out = Pipe()
        process.standardOutput = out
        guard (try? process.run()) != nil else { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }()

    static func tool(_ arguments: [String]) throws -> (status: Int32, out: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static let validateSARIF = """
        import json, sys, jsonschema
        schema = json.load(open(sys.argv[1]))
        document = json.load(open(sys.argv[2]))
        errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(document), key=lambda e: list(e.path))
        for error in errors[:20]:
            print("/".join(map(str, error.path)), error.message[:300])
        results = document["runs"][0]["results"]
        print("results", len(results), "suppressed", sum(1 for r in results if r.get("suppressions")))
        sys.exit(1 if errors else 0)
        """

    @Test func sarifIsValidAgainstTheOfficialSchema() throws {
        let python = try #require(Self.python, "scripts/report-tools failed")
        let sarif = try temporaryFile("report.sarif", "")
        let result = run(["check"] + Self.package + ["--format", "sarif", "--output", sarif])
        #expect(result.code == 1)
        let schema = Paths.root + "/.build/report-tools/sarif-schema-2.1.0.json"
        let script = try temporaryFile("validate.py", Self.validateSARIF)
        let validation = try Self.tool([python, script, schema, sarif])
        #expect(validation.status == 0, "\(validation.out)")

        // The same findings as the JSON report, each pointing at the archive with a fingerprint.
        let json = run(["check"] + Self.package + ["--format", "json"]).out
        let report = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let findings = report?["findings"] as? [[String: Any]] ?? []
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sarif))) as? [String: Any]
        let runs = document?["runs"] as? [[String: Any]] ?? []
        let results = runs.first?["results"] as? [[String: Any]] ?? []
        #expect(results.count == findings.count)
        #expect(!results.isEmpty)
        let rules = ((runs.first?["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]] ?? []
        for (index, result) in results.enumerated() {
            let ruleIndex = result["ruleIndex"] as? Int ?? -1
            #expect(rules.indices.contains(ruleIndex) && rules[ruleIndex]["id"] as? String == result["ruleId"] as? String)
            let fingerprint = (result["partialFingerprints"] as? [String: String])?["flyte-policy/v1"]
            #expect(fingerprint == findings[index]["fingerprint"] as? String)
            let uri =
                ((((result["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any])?[
                    "uri"] as? String)
            #expect(uri?.hasSuffix("examples/flyte/demo.tgz") == true)
        }
        #expect(results.contains { $0["ruleId"] as? String == "gpu-node-pools/approved-gpu-types" && $0["level"] as? String == "error" })
    }

    /// Notes (item 5 of the plugin-task issue) on the distributed example: node n3's
    /// `with_overrides(requests cpu 6, limits cpu 12)` never reaches its TensorFlow groups, and
    /// the MPI launcher's cpu-only resources replace the task's 4Gi memory request with the
    /// platform default. They
    /// show in every format without failing anything: text, JSON `notes`, SARIF `note` results
    /// (still valid against the official schema) and GitHub `::notice` commands.
    @Test func notesOfWhatFlyteIgnoresAreInEveryFormat() throws {
        let distributed = [
            Paths.examples + "/distributed/distributed.tgz", "--policies", Paths.policies, "--project", "ml", "--domain", "production",
        ]
        let text = run(["check"] + distributed)
        #expect(
            text.out.contains(
                "  NOTE     container 'tensorflow': the node's resource override (requests cpu=6; limits cpu=12) does not reach this pod: the chief of tensorflow task distributed.workflows.tf_train states its own resources, which Flyte uses instead\n           asked by node override at distributed.workflows.training_wf node n3 (resources)\n"
            ))
        #expect(
            text.out.contains(
                "  NOTE     container 'mpi': Flyte will replace requests.memory 4Gi with 1024Mi: the launcher of mpi task distributed.workflows.mpi_sim states resources without memory, so the platform default fills it in\n           asked by task resources of distributed.workflows.mpi_sim\n"
            ))
        #expect(text.out.contains("excepted; 4 notes\n"))
        #expect(!run(["check"] + distributed + ["--quiet"]).out.contains("NOTE"))

        let json = run(["check"] + distributed + ["--format", "json"])
        let report = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any]
        let notes = report?["notes"] as? [[String: Any]] ?? []
        #expect(notes.count == 4)
        #expect((report?["summary"] as? [String: Int])?["notes"] == 4)
        #expect(notes.map { ($0["subject"] as? [String: Any])?["role"] as? String } == ["chief", "ps", "worker", "launcher"])
        #expect(notes.first?["path"] as? String == "/spec/containers/0/resources")
        #expect(notes.first?["layer"] as? String == "node override at distributed.workflows.training_wf node n3 (resources)")

        let python = try #require(Self.python, "scripts/report-tools failed")
        let sarif = try temporaryFile("report.sarif", "")
        #expect(run(["check"] + distributed + ["--format", "sarif", "--output", sarif]).code == 2)
        let validation = try Self.tool([
            python, try temporaryFile("validate.py", Self.validateSARIF), Paths.root + "/.build/report-tools/sarif-schema-2.1.0.json", sarif,
        ])
        #expect(validation.status == 0, "\(validation.out)")
        let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: sarif))) as? [String: Any]
        let results = ((document?["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]]) ?? []
        let noteResults = results.filter { $0["ruleId"] as? String == "flyte-policy/flyte-adjustment" }
        #expect(noteResults.count == 4)
        #expect(noteResults.allSatisfy { $0["level"] as? String == "note" })
        #expect(results.count == noteResults.count + ((report?["findings"] as? [Any])?.count ?? -1))

        let github = run(["check"] + distributed + ["--format", "github"])
        #expect(github.out.components(separatedBy: "::notice ").count - 1 >= 4)
        #expect(github.out.contains("title=flyte-policy note::container 'tensorflow': the node's resource override"))
    }

    /// Control characters in a manifest (ESC, BEL, NUL) never reach the terminal or a CI log raw.
    @Test func controlCharactersFromInputsAreEscaped() throws {
        let manifest = try temporaryFile(
            "evil.json",
            #"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p\u001b[2J\u0007"}, "spec": {"containers": [{"name": "c\u001b]0;owned\u0007", "image": "nginx:latest\u0000"}]}}"#
        )
        for format in ["text", "github"] {
            let result = run(["check", manifest, "--policies", Paths.policies, "--format", format, "--color", "never"])
            #expect(result.code == 1)
            #expect(!result.out.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(format): \(result.out.debugDescription)")
            #expect(result.out.contains("\\u{1B}"), "\(format)")
        }
    }

    /// SARIF regions, GitHub annotations, text and JSON point at the offending value's line.
    @Test func manifestFindingsPointAtTheOffendingLine() throws {
        let manifest = [Paths.manifests + "/training-pods.yaml", "--policies", Paths.policies]
        let github = run(["check"] + manifest + ["--format", "github"]).out
        #expect(github.contains("line=18,col=15,title=gpu-node-pools/approved-gpu-types"), "\(github)")
        let json = try JSONSerialization.jsonObject(with: Data(run(["check"] + manifest + ["--format", "json"]).out.utf8)) as? [String: Any]
        let first = (json?["findings"] as? [[String: Any]])?.first
        #expect(first?["line"] as? Int == 18 && first?["column"] as? Int == 15)
        let sarif = try JSONSerialization.jsonObject(with: Data(run(["check"] + manifest + ["--format", "sarif"]).out.utf8)) as? [String: Any]
        let result = (((sarif?["runs"] as? [[String: Any]])?.first?["results"] as? [[String: Any]])?.first)
        let region = (((result?["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"] as? [String: Int])
        #expect(region == ["startLine": 18, "startColumn": 15])
        #expect(run(["check"] + manifest).out.contains("           at \(Paths.manifests)/training-pods.yaml:18:15\n"))
    }

    /// `--quiet` prints what fails the run and is new: baselined findings stay out.
    @Test func quietLeavesBaselinedFindingsOut() throws {
        let baseline = try temporaryFile("baseline.json", "")
        #expect(run(["check"] + Self.package + ["--write-baseline", baseline]).code == 0)
        let quiet = run(["check"] + Self.package + ["--baseline", baseline, "--quiet"])
        #expect(quiet.code == 0)
        #expect(!quiet.out.contains("DENY"), "\(quiet.out)")
        #expect(run(["check"] + Self.package + ["--baseline", baseline]).out.contains("(in the baseline)"))
    }

    /// An expired exception covers nothing; `validate` says so as `check` does.
    @Test func validateWarnsOfExpiredExceptions() throws {
        let exceptions = try temporaryFile(
            "exceptions.json",
            """
            {"apiVersion": "flyte-policy/v1", "kind": "PolicyException", "metadata": {"name": "old-waiver"},
             "spec": {"policies": ["gpu-node-pools"], "expires": "2020-01-01", "reason": "ML-1"}}
            """)
        let result = run(["validate", Paths.policies, exceptions])
        #expect(result.code == 0)
        #expect(
            result.err.contains("warning: exception 'old-waiver' (\(exceptions)) expired on 2020-01-01 and no longer covers anything"),
            "\(result.err)")
    }

    @Test func sarifWithExceptionsAndABaselineIsValidToo() throws {
        let python = try #require(Self.python, "scripts/report-tools failed")
        let exceptions = try temporaryFile(
            "exceptions.json",
            """
            {"apiVersion": "flyte-policy/v1", "kind": "PolicyException", "metadata": {"name": "legacy-v100"},
             "spec": {"policies": ["gpu-node-pools"], "match": {"tasks": ["demo.workflows.train_model"]}, "expires": "2099-01-01", "reason": "ML-1: moving to A100"}}
            """)
        let baseline = try temporaryFile("baseline.json", "")
        #expect(run(["check"] + Self.package + ["--write-baseline", baseline]).code == 0)
        let sarif = try temporaryFile("report.sarif", "")
        let result = run(["check"] + Self.package + ["--exceptions", exceptions, "--baseline", baseline, "--format", "sarif", "--output", sarif])
        #expect(result.code == 0, "\(result.err)")
        let script = try temporaryFile("validate.py", Self.validateSARIF)
        let validation = try Self.tool([python, script, Paths.root + "/.build/report-tools/sarif-schema-2.1.0.json", sarif])
        #expect(validation.status == 0, "\(validation.out)")
        #expect(!validation.out.contains("suppressed 0"), "\(validation.out)")
        let text = try String(contentsOfFile: sarif, encoding: .utf8)
        #expect(text.contains("\"baselineState\": \"unchanged\""))
        #expect(text.contains("excepted by legacy-v100: ML-1: moving to A100"))
    }

    @Test func junitIsWellFormedXMLWithOneSuitePerPolicy() throws {
        let python = try #require(Self.python, "scripts/report-tools failed")
        let junit = try temporaryFile("report.xml", "")
        #expect(run(["check"] + Self.package + ["--format", "junit", "--output", junit]).code == 1)
        let lint = try Self.tool(["xmllint", "--noout", junit])
        #expect(lint.status == 0, "\(lint.out)")
        let script = try temporaryFile(
            "junit.py",
            """
            import sys, xml.etree.ElementTree as ET
            root = ET.parse(sys.argv[1]).getroot()
            assert root.tag == "testsuites", root.tag
            suites = root.findall("testsuite")
            failures = sum(len(s.findall("testcase/failure")) for s in suites)
            assert failures == int(root.get("failures")), (failures, root.get("failures"))
            for s in suites:
                assert len(s.findall("testcase")) == int(s.get("tests")), s.get("name")
                assert len(s.findall("testcase/failure")) == int(s.get("failures")), s.get("name")
                assert len(s.findall("testcase/skipped")) == int(s.get("skipped")), s.get("name")
            print(" ".join(s.get("name") for s in suites))
            print("failed", ";".join(sorted({c.get("classname") + "/" + c.get("name").split(":")[0] for c in root.iter("testcase") if c.find("failure") is not None})))
            """)
        let parsed = try Self.tool([python, script, junit])
        #expect(parsed.status == 0, "\(parsed.out)")
        let policyNames = try FileManager.default.contentsOfDirectory(atPath: Paths.policies).filter { $0.hasSuffix(".json") }.count
        #expect(parsed.out.split(separator: "\n").first?.split(separator: " ").count ?? 0 >= policyNames)
        #expect(parsed.out.contains("gpu-node-pools/approved-gpu-types"))
        #expect(parsed.out.contains("gpu-tolerations/tolerate-gpu-taint"))
    }

    /// `docs/report-schema.json` describes what `--format json` prints, with and without a baseline.
    @Test func jsonReportMatchesTheDocumentedSchema() throws {
        let python = try #require(Self.python, "scripts/report-tools failed")
        let baseline = try temporaryFile("baseline.json", "")
        #expect(run(["check"] + Self.package + ["--write-baseline", baseline]).code == 0)
        let plain = try temporaryFile("plain.json", run(["check"] + Self.package + ["--format", "json"]).out)
        let compared = try temporaryFile(
            "compared.json", run(["check", Paths.manifests, "--policies", Paths.policies, "--baseline", baseline, "--format", "json"]).out)
        let script = try temporaryFile(
            "schema.py",
            """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            jsonschema.Draft7Validator.check_schema(schema)
            for path in sys.argv[2:]:
                document = json.load(open(path))
                errors = list(jsonschema.Draft7Validator(schema).iter_errors(document))
                for error in errors[:10]: print(path, list(error.path), error.message[:200])
                if errors: sys.exit(1)
                print(path, len(document["findings"]), "findings", len(document.get("fixed", [])), "fixed")
            """)
        let validation = try Self.tool([python, script, Paths.root + "/docs/report-schema.json", plain, compared])
        #expect(validation.status == 0, "\(validation.out)")
        #expect(!validation.out.contains(" 0 fixed") || validation.out.contains("plain.json"), "\(validation.out)")
    }

    @Test func baselineRoundTrip() throws {
        let baseline = try temporaryFile("baseline.json", "")
        let written = run(["check"] + Self.package + ["--write-baseline", baseline])
        #expect(written.code == 0)
        let recorded = try String(contentsOfFile: baseline, encoding: .utf8)
        let count = recorded.components(separatedBy: "\"fingerprint\"").count - 1
        #expect(count > 0)
        #expect(written.err.contains("recorded \(count) findings"))

        // Same inputs: nothing new, nothing fixed, exit 0; the findings are still reported.
        let again = run(["check"] + Self.package + ["--baseline", baseline])
        #expect(again.code == 0, "\(again.err)")
        #expect(again.err.contains("0 new findings, \(count) in the baseline, 0 fixed"))
        #expect(again.out.contains("(in the baseline)"))

        // Other inputs: what the baseline recorded is gone (fixed), what they add is new.
        let other = run(["check", Paths.manifests, "--policies", Paths.policies, "--baseline", baseline, "--format", "json"])
        #expect(other.code == 1)
        #expect(other.err.contains("\(count) fixed since it was written"))
        #expect(other.out.contains("\"fixed\""))

        // The file is deterministic.
        let second = try temporaryFile("baseline.json", "")
        #expect(run(["check"] + Self.package + ["--write-baseline", second]).code == 0)
        #expect(try String(contentsOfFile: second, encoding: .utf8) == recorded)
    }

    @Test(arguments: [
        ("{\"kind\": \"Baseline\", \"findings\": [{\"fingerprint\": \"xyz\"}]}", "/findings/0/fingerprint"),
        ("{\"kind\": \"Report\", \"findings\": []}", "/kind"),
        ("{\"kind\": \"Baseline\"}", "/findings"),
        ("{\"kind\": \"Baseline\", \"findings\": [", ":1:34: invalid JSON"),
        ("{\"kind\": \"Baseline\", \"findings\": [{\"policy\": \"p\"}]}", "/findings/0: 'fingerprint' is required"),
        ("{\"kind\": \"Baseline\", \"findings\": [{\"fingerprint\": 7}]}", "/findings/0/fingerprint: expected a string, found an integer"),
        (
            "{\"kind\": \"Baseline\", \"findings\": [{\"fingerprint\": \"0123456789abcdef0123456789abcdef\", \"rule\": []}]}",
            "/findings/0/rule: expected a string, found an array"
        ),
    ])
    func brokenBaselinesStopTheRun(contents: String, expected: String) throws {
        let file = try temporaryFile("baseline.json", contents)
        let result = run(["check"] + Self.package + ["--baseline", file])
        #expect(result.code == 2)
        #expect(result.err.contains(file) && result.err.contains(expected), "\(result.err)")
    }

    @Test func githubAnnotationsAreOneLineEachAndEscaped() throws {
        let result = run(["check"] + Self.package + ["--format", "github"])
        #expect(result.code == 1)
        let lines = result.out.split(separator: "\n")
        let commands = lines.filter { $0.hasPrefix("::") }
        #expect(commands.contains { $0.hasPrefix("::error file=") && $0.contains("title=gpu-node-pools/approved-gpu-types::") })
        #expect(commands.allSatisfy { $0.hasPrefix("::error ") || $0.hasPrefix("::warning ") || $0.hasPrefix("::notice ") })
        #expect(commands.contains { $0.contains("%0A") })  // multi-line messages stay on one line
        #expect(lines.last?.hasPrefix("flyte-policy: ") == true)
        #expect(GitHubReport.property("a:b,c%\n") == "a%3Ab%2Cc%25%0A")
        #expect(GitHubReport.data("50%\r\nx:y,z") == "50%25%0D%0Ax:y,z")
        #expect(GitHubReport.property("plain") == "plain")
    }

    @Test func junitEscapesWhatXMLCannotCarry() {
        #expect(JUnitReport.escape("plain text é") == "plain text é")
        #expect(JUnitReport.escape("a<b & 'c' \"d\">\u{1}\u{FFFE}é\t") == "a&lt;b &amp; &apos;c&apos; &quot;d&quot;&gt;\u{FFFD}\u{FFFD}é\t")
    }

    @Test func policyReportCountsMatchItsResults() throws {
        let result = run(["check"] + Self.package + ["--format", "policyreport"])
        let document = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any]
        #expect(document?["apiVersion"] as? String == "wgpolicyk8s.io/v1alpha2")
        #expect(document?["kind"] as? String == "PolicyReport")
        #expect((document?["metadata"] as? [String: Any])?["namespace"] as? String == "ml-production")
        let results = document?["results"] as? [[String: Any]] ?? []
        let summary = document?["summary"] as? [String: Int] ?? [:]
        for outcome in ["pass", "fail", "warn", "skip"] {
            #expect(summary[outcome] == results.filter { $0["result"] as? String == outcome }.count, "\(outcome)")
        }
        #expect((summary["fail"] ?? 0) > 0 && (summary["pass"] ?? 0) > 0)
        #expect(results.allSatisfy { ($0["properties"] as? [String: Any])?.values.allSatisfy { $0 is String } ?? true })
    }

    @Test func fingerprintsIgnoreArchiveMemberNumbersAndMessages() {
        let identity = FlyteIdentity(project: "ml", domain: "production", workflow: "wf", task: "t", node: "n1")
        let pod = Pod()
        let first = Subject(pod: pod, source: SubjectSource(file: "pkg.tgz", member: "06_wf_2.pb"), flyte: identity)
        let renumbered = Subject(pod: pod, source: SubjectSource(file: "pkg.tgz", member: "09_wf_2.pb"), flyte: identity)
        func makeFinding(message: String, path: JSONPointer) -> Finding {
            Finding(policy: "p", rule: "r", action: .deny, severity: .high, status: .fail, message: message, path: path, subjectIndex: 0)
        }
        let finding = makeFinding(message: "v100", path: "/spec/nodeSelector/gpu-type")
        let reworded = makeFinding(message: "k80", path: "/spec/nodeSelector/gpu-type")
        #expect(Fingerprint.of(finding, subject: first) == Fingerprint.of(reworded, subject: renumbered))
        let elsewhere = makeFinding(message: "v100", path: "/spec/tolerations")
        #expect(Fingerprint.of(finding, subject: first) != Fingerprint.of(elsewhere, subject: first))
        #expect(Fingerprint.of(finding, subject: first).count == 32)
    }

    /// Lines and columns are written digit by digit; `String(_:)` is the oracle.
    @Test("line and column numbers are written as decimal digits", arguments: [1, 9, 10, 99, 100, 4_321, 1_000_000, Int.max, 0, -7])
    func decimalDigits(number: Int) {
        var out: [UInt8] = Array("x".utf8)
        TextReport.appendDecimal(number, to: &out)
        #expect(String(decoding: out, as: UTF8.self) == "x" + String(number))
    }

    /// SARIF and GitHub messages say where a finding points unless the message already does,
    /// anywhere in it (a template may), compared byte for byte.
    @Test(
        "a located message adds ' at POINTER' only when the message lacks it",
        arguments: [
            ("denied at /spec/nodeSelector", "/spec/nodeSelector", "denied at /spec/nodeSelector"),
            ("at /spec/nodeSelector the GPU is wrong", "/spec/nodeSelector", "at /spec/nodeSelector the GPU is wrong at /spec/nodeSelector"),
            ("GPU set at /spec/nodeSelector, not approved", "/spec/nodeSelector", "GPU set at /spec/nodeSelector, not approved"),
            ("GPU set at /spec/nodeSelectorX", "/spec/nodeSelector", "GPU set at /spec/nodeSelectorX"),
            ("GPU at /spec/node", "/spec/nodeSelector", "GPU at /spec/node at /spec/nodeSelector"),
            ("", "/spec", " at /spec"),
            ("é ☃ at /", "", "é ☃ at /"),
            ("é ☃", "", "é ☃ at /"),
        ])
    func locatedMessages(message: String, path: String, located: String) {
        let finding = Finding(
            policy: "p", rule: "r", action: .deny, severity: .high, status: .fail, message: message, path: JSONPointer(path), subjectIndex: 0)
        #expect(finding.locatedMessage == located)
    }

    /// Baselines store fingerprints, so their bytes must never change: FNV-1a 128 of the parts
    /// joined by U+001F, as 32 lowercase hex digits (values from an independent Python FNV-1a).
    @Test func fingerprintsAreStable() {
        let subject = Subject(
            pod: Pod(), kind: "Pod", name: "web", namespace: "ns", source: SubjectSource(file: "f.yaml", podPointer: ""))
        let finding = Finding(
            policy: "p", rule: "r", action: .deny, severity: .high, status: .fail, message: "m", path: "/spec/containers/0/image",
            container: "c", subjectIndex: 0)
        #expect(Fingerprint.of(finding, subject: subject) == "2ffdb6d4f52f4b5b725e4873d8d88a53")
        #expect(Fingerprint.hex(Fingerprint.fnv1a128("")) == "6c62272e07bb014262b821756295c58d")
        #expect(Fingerprint.hex(Fingerprint.fnv1a128("é")) == "088093bf9eab1be95aa0733054c70821")
    }
}
