import Foundation
import Testing

@testable import PolicyCLI

/// The reports of the README's main command (`scripts/example`) in every format, byte for
/// byte, against Tests/Fixtures/golden: a refactoring that changes what users read shows up
/// here as a diff. Run with `UPDATE_GOLDEN=1` to write them again after an intended change.
@Suite("golden reports of the example") struct GoldenReportTests {
    static let formats: [(format: String, file: String)] = [
        ("text", "example.txt"), ("json", "example.json"), ("sarif", "example.sarif"), ("junit", "example.junit.xml"),
        ("github", "example.github.txt"), ("policyreport", "example.policyreport.json"),
    ]

    @Test(arguments: formats)
    func reportIsUnchanged(format: String, file: String) throws {
        // Relative paths, as the README's command gives them: they are part of the reports and
        // of the findings' fingerprints. The tests run from the repository's root.
        try #require(FileManager.default.currentDirectoryPath == Paths.root, "run the tests from the repository's root")
        let arguments = [
            "check", "examples/manifests", "examples/flyte", "--policies", "policies/", "--platform", "examples/platform/propeller.yaml",
            "--pod-templates", "examples/platform/pod-templates.yaml", "--project", "ml", "--domain", "production", "--format", format, "--color",
            "never",
        ]
        let result = run(arguments)
        #expect(result.code == 1, "\(result.err)")
        // PolicyReport results carry the time of the run (SOURCE_DATE_EPOCH fixes it for a
        // reproducible report); the comparison leaves it out.
        let output = Self.withoutTimestamps(result.out)
        let golden = URL(fileURLWithPath: Paths.root + "/Tests/Fixtures/golden/" + file)
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] == "1" {
            try Data(output.utf8).write(to: golden)
        }
        let expected = try String(contentsOf: golden, encoding: .utf8)
        #expect(
            output == expected,
            "the \(format) report of the example changed; if intended, run the tests with UPDATE_GOLDEN=1 and commit Tests/Fixtures/golden")
    }

    /// `"seconds": 1796083200` -> `"seconds": 0`.
    static func withoutTimestamps(_ text: String) -> String {
        text.replacing(/"seconds": [0-9]+/, with: "\"seconds\": 0")
    }

    /// Evaluation is split across threads; the report is the same byte for byte for every
    /// `--jobs` (issue 20). 20,000-odd pods would be the real test; the package plus a
    /// generated List of 300 (312 pods with the package) make the chunks.
    @Test func theReportIsTheSameForEveryJobCount() throws {
        var items: [String] = []
        for index in 0..<300 {
            let gpu = index % 3 == 0 ? "nvidia-tesla-v100" : "nvidia-a100"
            items.append(
                #"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p\#(index)", "namespace": "ml"}, "spec": {"nodeSelector": {"gpu-type": "\#(gpu)"}, "containers": [{"name": "c", "image": "ghcr.io/acme/ml:1.0", "resources": {"limits": {"nvidia.com/gpu": "1"}}}]}}"#
            )
        }
        let list = try temporaryFile("pods.json", #"{"apiVersion": "v1", "kind": "List", "items": ["# + items.joined(separator: ",\n") + "]}")
        let base = ["check", list, Paths.package, "--policies", Paths.policies] + Paths.platform
        let one = Self.withoutTimestamps(run(base + ["--format", "json", "--jobs", "1"]).out)
        #expect(one.contains("\"subjects\": 312"))
        for jobs in ["2", "3", "8"] {
            #expect(Self.withoutTimestamps(run(base + ["--format", "json", "--jobs", jobs]).out) == one, "--jobs \(jobs)")
        }
        // Every format, the text report included, which is rendered on --jobs threads.
        for (format, _) in Self.formats {
            let serial = Self.withoutTimestamps(run(base + ["--format", format, "--jobs", "1"]).out)
            #expect(!serial.isEmpty)
            #expect(Self.withoutTimestamps(run(base + ["--format", format, "--jobs", "3"]).out) == serial, "\(format) with --jobs 3")
        }
        #expect(run(base + ["--jobs", "0"]).code == 2)
    }

    /// `FLYTE_POLICY_TIMINGS` prints each phase's time to stderr and leaves the report alone.
    @Test func timingsGoToStandardErrorOnly() throws {
        let arguments = ["check", Paths.manifests, "--policies", Paths.policies, "--format", "json"]
        let capture = Capture()
        var console = capture.console
        console.environment = ["FLYTE_POLICY_TIMINGS": "1"]
        #expect(PolicyCLIMain.run(arguments, console: console).rawValue == 1)
        let phases = capture.err.split(separator: "\n").filter { $0.hasPrefix("timing: ") }.map {
            $0.split(separator: " ").dropFirst().dropLast(2).joined(separator: " ")
        }
        #expect(phases == ["policies and inputs", "evaluation", "finding positions", "report"])
        #expect(Self.withoutTimestamps(capture.out) == Self.withoutTimestamps(run(arguments).out))
    }

    /// `--source` (issue 21): node n3's override finding is annotated on the `with_overrides`
    /// line of examples/flyte/src/demo/workflows.py in every format that points at lines, and a
    /// folder that is not there is exit 2.
    @Test func sourcePlacesFlyteFindingsOnThePythonLine() throws {
        let base = [
            "check", "examples/flyte", "--policies", "policies/", "--platform", "examples/platform/propeller.yaml", "--pod-templates",
            "examples/platform/pod-templates.yaml", "--project", "ml", "--domain", "production", "--color", "never", "--source", "examples/flyte/src",
        ]
        let text = run(base).out
        #expect(text.contains("set by node override at demo.workflows.training_wf node n3 (pod template)"))
        let n3 = try #require(text.components(separatedBy: "node n3, task demo.workflows.train_model)").dropFirst().first)
        #expect(n3.contains("tolerate-gpu-taint") && n3.contains("at examples/flyte/src/demo/workflows.py:63:31"))
        #expect(!text.contains("warning: --source"), "every finding of the example has a Python line")
        #expect(run(base + ["--format", "github"]).out.contains("file=examples/flyte/src/demo/workflows.py,line=63,col=31"))
        #expect(run(base + ["--format", "sarif"]).out.contains("examples/flyte/src/demo/workflows.py"))
        #expect(run(base + ["--format", "json"]).out.contains(#""file": "examples/flyte/src/demo/workflows.py""#))
        #expect(run(Array(base.dropLast()) + ["no-such-folder"]).code == 2)
    }

    /// `--source` places a platform value on its key in the `--platform` file and a cluster
    /// PodTemplate's value on its line in the `--pod-templates` file.
    @Test func sourcePlacesPlatformAndPodTemplateValuesInTheirFiles() throws {
        let policy = try temporaryFile(
            "p.json",
            #"{"apiVersion": "flyte-policy/v1", "kind": "Policy", "metadata": {"name": "p"}, "spec": {"rules": [{"name": "no-spot", "tolerations": {"forbidden": [{"key": "lifecycle"}]}}, {"name": "memory", "resources": {"max": {"limits": {"memory": "16Gi"}}}}]}}"#
        )
        let arguments = [
            "check", "examples/flyte", "--policies", policy, "--platform", "examples/platform/propeller.yaml", "--pod-templates",
            "examples/platform/pod-templates.yaml", "--project", "ml", "--domain", "production", "--source", "examples/flyte/src", "--format",
            "github",
        ]
        let out = run(arguments).out
        // The list under interruptible-tolerations: in propeller.yaml; 24Gi of gpu-default-template.
        #expect(out.contains("file=examples/platform/propeller.yaml,line=15,col=7"), "\(out)")
        #expect(out.contains("file=examples/platform/pod-templates.yaml,line=20,col=21"), "\(out)")
        // Without the files, the findings stay on the package and a warning says why.
        let bare = run(Array(arguments.prefix(4)) + ["--project", "ml", "--domain", "production", "--source", "examples/flyte/src"]).out
        #expect(bare.contains("warning: --source placed"))
    }
}

/// A text report to `--output` is written as a large List is checked, chunk by chunk, and
/// holds the same bytes as the report written at the end (issue 20: a 1 GB List in bounded
/// memory).
@Suite("text reports written as a large List is checked")
struct SpooledReportTests {
    /// A List past the size that is read in parts (4 MiB), with a finding or two per pod;
    /// `broken` puts a container list that is not one in that item.
    static func list(broken: Int? = nil, pods: Int = 5_000) throws -> String {
        var items: [String] = []
        // Fewer pods are padded more, to stay past the size that is read in parts.
        let padding = String(repeating: "x", count: max(700, 4_700_000 / pods))
        for index in 0..<pods {
            let gpu = index % 3 == 0 ? "nvidia-tesla-v100" : "nvidia-a100"
            let containers =
                index == broken
                ? #""not a list""# : #"[{"name": "c", "image": "ghcr.io/acme/ml:1.0", "resources": {"limits": {"nvidia.com/gpu": "1"}}}]"#
            items.append(
                #"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p\#(index)", "namespace": "ml", "annotations": {"note": "\#(padding)"}}, "spec": {"nodeSelector": {"gpu-type": "\#(gpu)"}, "containers": \#(containers)}}"#
            )
        }
        let text = #"{"apiVersion": "v1", "kind": "List", "items": ["# + items.joined(separator: ",\n") + "]}"
        #expect(text.utf8.count > 4 << 20)
        return try temporaryFile("pods-\(pods)-\(broken.map(String.init) ?? "all").json", text)
    }

    /// The same pods as a stream of YAML documents (flow style: JSON is YAML), past the size
    /// that is read in runs of documents.
    static func stream() throws -> String {
        let list = try String(contentsOfFile: try Self.list(), encoding: .utf8)
        let document = try #require(list.range(of: #"{"apiVersion": "v1", "kind": "List", "items": ["#))
        let items = list[document.upperBound...].dropLast(2).components(separatedBy: ",\n")
        #expect(items.count == 5_000)
        return try temporaryFile("pods.yaml", items.map { "---\n" + $0 + "\n" }.joined())
    }

    /// A run whose report cannot be spooled (no temporary file can be made in `TMPDIR`), so it
    /// is written whole at the end: what every spooled report is compared with.
    static func whole(_ arguments: [String]) -> (code: Int32, out: String, err: String) {
        let capture = Capture()
        var console = capture.console
        console.environment = ["TMPDIR": "/nonexistent/flyte-policy-tests"]
        let code = PolicyCLIMain.run(arguments, console: console)
        return (code.rawValue, capture.out, capture.err)
    }

    static func spooled(_ arguments: [String]) throws -> (code: Int32, text: String) {
        let output = NSTemporaryDirectory() + "spooled-\(UUID().uuidString).txt"
        let result = run(arguments + ["--output", output])
        defer { try? FileManager.default.removeItem(atPath: output) }
        return (result.code, try String(contentsOfFile: output, encoding: .utf8))
    }

    @Test func theSpooledReportIsTheReportWrittenAtTheEnd() throws {
        let base = ["check", try Self.list(), "--policies", Paths.policies]
        for extra in [["--jobs", "1"], ["--jobs", "3"], ["--jobs", "2", "--quiet"]] {
            let whole = Self.whole(base + extra)
            let spooled = try Self.spooled(base + extra)
            #expect(whole.code == 1 && spooled.code == whole.code, "\(extra)")
            #expect(whole.out.contains("5000 pods checked"), "\(extra)")
            #expect(spooled.text == whole.out, "\(extra)")
        }
    }

    /// A YAML stream's text report is spooled the same way, its documents' lines included.
    @Test func aSpooledYAMLStreamIsTheReportWrittenAtTheEnd() throws {
        let base = ["check", try Self.stream(), "--policies", Paths.policies]
        for extra in [["--jobs", "1"], ["--jobs", "3"]] {
            let whole = Self.whole(base + extra)
            let spooled = try Self.spooled(base + extra)
            #expect(whole.code == 1 && spooled.code == whole.code, "\(extra)")
            #expect(whole.out.contains("5000 pods checked"), "\(extra)")
            #expect(whole.out.contains("pods.yaml:9998:"), "\(extra)")
            #expect(spooled.text == whole.out, "\(extra)")
        }
    }

    /// Every other format (and text to a pipe) is spooled to a temporary file and put together
    /// at the end, since its counts come first: the same bytes as the report written whole,
    /// for any `--jobs` (the whole report is the same for every `--jobs`: `GoldenReportTests`).
    /// 320 pods make 5 parts of the run.
    @Test(arguments: ["json", "sarif", "junit", "github", "policyreport", "text"])
    func everyFormatIsSpooledToTheSameBytes(format: String) throws {
        let base = ["check", try Self.list(pods: 320), "--policies", Paths.policies, "--format", format]
        let whole = Self.whole(base + ["--jobs", "1"])
        let spooled = run(base + ["--jobs", "3"])
        #expect(whole.code == 1 && spooled.code == whole.code && spooled.err.isEmpty, "\(format): \(spooled.err)")
        #expect(whole.out.contains("320"), "\(format)")
        #expect(GoldenReportTests.withoutTimestamps(spooled.out) == GoldenReportTests.withoutTimestamps(whole.out), "\(format)")
    }

    /// Standard output redirected to a file (`check ... > report.txt`) gets a text report in
    /// place; a file opened to append (`>>`) does not, and gets it through the console.
    @Test func standardOutputToAFileIsSpooled() throws {
        let base = ["check", try Self.list(), "--policies", Paths.policies, "--jobs", "2"]
        let whole = Self.whole(base)
        for append in [false, true] {
            let path = NSTemporaryDirectory() + "stdout-\(UUID().uuidString).txt"
            try Data("before\n".utf8).write(to: URL(fileURLWithPath: path))
            defer { try? FileManager.default.removeItem(atPath: path) }
            let descriptor = open(path, O_WRONLY | (append ? O_APPEND : 0))
            try #require(descriptor >= 0)
            // Writes after what the file holds, as a shell's `>` would after an earlier command.
            if !append { lseek(descriptor, 0, SEEK_END) }
            let capture = Capture()
            var console = capture.console
            console.stdoutDescriptor = descriptor
            let code = PolicyCLIMain.run(base, console: console)
            close(descriptor)
            let written = try String(contentsOfFile: path, encoding: .utf8)
            #expect(code.rawValue == whole.code)
            if append {
                // Not spooled: the report went through the console, the file was left alone.
                #expect(written == "before\n" && capture.out == whole.out)
            } else {
                #expect(written == "before\n" + whole.out && capture.out.isEmpty)
            }
        }
    }

    /// An unreadable item sends the List to be read whole for its error: what was written of
    /// the chunks before it is taken back, so the report is the one written at the end.
    @Test func anUnreadableItemTakesBackWhatWasWritten() throws {
        let base = ["check", try Self.list(broken: 4_321), "--policies", Paths.policies, "--jobs", "2"]
        let whole = Self.whole(base)
        let spooled = try Self.spooled(base)
        #expect(whole.code == 2 && spooled.code == 2)
        #expect(whole.err.contains("items/4321"), "\(whole.err)")
        #expect(spooled.text == whole.out)
        // A spool in a temporary file is taken back the same way: the List is read whole and
        // stops at its error, so nothing was checked.
        let json = base + ["--format", "json"]
        let wholeJSON = Self.whole(json)
        let spooledJSON = run(json)
        #expect(wholeJSON.code == 2 && spooledJSON.code == 2)
        #expect(spooledJSON.out == wholeJSON.out && spooledJSON.out.contains(#""subjects": 0,"#))
    }
}
