import Foundation
import Testing

@testable import PolicyCLI

/// Runs the CLI in process with captured output.
final class Capture: @unchecked Sendable {
    private let lock = NSLock()
    private var outText = ""
    private var errText = ""

    var out: String { lock.withLock { outText } }
    var err: String { lock.withLock { errText } }

    var console: Console {
        Console(
            out: { text in self.lock.withLock { self.outText += text } },
            err: { text in self.lock.withLock { self.errText += text } },
            stdoutIsTerminal: false, stderrIsTerminal: false, environment: [:])
    }
}

enum Paths {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    static let policies = root + "/policies"
    static let examples = root + "/examples"
    static let manifests = examples + "/manifests"
    static let package = examples + "/flyte/demo.tgz"
    /// What `scripts/example` (the README's main command) passes.
    static let platform = [
        "--platform", examples + "/platform/propeller.yaml", "--pod-templates", examples + "/platform/pod-templates.yaml",
        "--project", "ml", "--domain", "production",
    ]
}

func run(_ arguments: [String]) -> (code: Int32, out: String, err: String) {
    let capture = Capture()
    let code = PolicyCLIMain.run(arguments, console: capture.console)
    return (code.rawValue, capture.out, capture.err)
}

func temporaryFile(_ name: String, _ contents: String) throws -> String {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fp-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    let path = folder.appendingPathComponent(name).path
    try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
    return path
}

@Suite("flyte-policy check and validate")
struct CLITests {
    @Test("the bundled example has deny findings: exit 1, grouped text report")
    func example() {
        let result = run(["check", Paths.manifests, Paths.examples + "/flyte", "--policies", Paths.policies] + Paths.platform)
        #expect(result.code == 1, "\(result.err)")
        #expect(result.err.isEmpty)
        #expect(result.out.contains("DENY     [high] gpu-node-pools/approved-gpu-types: GPU type nvidia-tesla-v100 is not approved"))
        #expect(result.out.contains("17 pods checked: 97 findings (17 deny, 0 warn, 80 audit), 0 excepted"))
        #expect(result.out.contains("without a pod template not checked (Service)"))
    }

    @Test("JSON report follows the documented schema")
    func json() throws {
        let result = run(["check", Paths.examples + "/manifests/training-pods.yaml", "--policies", Paths.policies, "--format", "json"])
        #expect(result.code == 1)
        let object = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any]
        let summary = object?["summary"] as? [String: Int]
        // Deny from the starter policies; audit from the Pod Security Standards' restricted level.
        #expect(summary == ["subjects": 2, "findings": 10, "deny": 2, "warn": 0, "audit": 8, "excepted": 0, "notes": 0])
        let first = (object?["findings"] as? [[String: Any]])?.first
        #expect(first?["policy"] as? String == "gpu-node-pools")
        #expect(first?["path"] as? String == "/spec/nodeSelector/gpu-type")
        #expect(first?["status"] as? String == "fail")
        #expect((first?["subject"] as? [String: Any])?["namespace"] as? String == "ml-production")
    }

    @Test("--fail-on never and an exception turn findings into exit 0")
    func failOnAndExceptions() throws {
        #expect(run(["check", Paths.manifests, "--policies", Paths.policies, "--fail-on", "never"]).code == 0)
        let waiver = try temporaryFile(
            "waiver.json",
            #"{"apiVersion": "flyte-policy/v1", "kind": "PolicyException", "metadata": {"name": "v100-migration"}, "spec": {"policies": ["gpu-*"], "expires": "2999-01-01", "reason": "ML-1234"}}"#
        )
        let result = run(["check", Paths.examples + "/manifests/training-pods.yaml", "--policies", Paths.policies, "--exceptions", waiver])
        #expect(result.code == 0)
        #expect(result.out.contains("excepted by v100-migration: ML-1234"))
    }

    @Test(
        "a broken policy set is exit 2 for check and validate, naming file and pointer",
        arguments: [
            (
                #"{"apiVersion": "flyte-policy/v1", "kind": "Policy", "metadata": {"name": "a"}, "spec": {"rules": [{"name": "r", "images": {"forbidenTags": ["latest"]}}]}}"#,
                "/spec/rules/0/images/forbidenTags"
            ),
            (
                #"{"apiVersion": "flyte-policy/v1", "kind": "Policy", "metadata": {"name": "a"}, "spec": {"rules": [{"name": "r", "resources": {"max": {"limits": {"cpu": "lots"}}}}]}}"#,
                "/spec/rules/0/resources/max/limits/cpu"
            ),
            ("{\"apiVersion\": \"flyte-policy/v1\",\n \"kind\": }", "bad.json:2:"),
        ])
    func brokenPolicies(document: String, expected: String) throws {
        let path = try temporaryFile("bad.json", document)
        let check = run(["check", Paths.manifests, "--policies", path])
        #expect(check.code == 2)
        #expect(check.err.contains(path) || check.err.contains("bad.json"))
        #expect(check.err.contains(expected))
        #expect(check.out.isEmpty)
        let validate = run(["validate", path])
        #expect(validate.code == 2)
        #expect(validate.err.contains(expected))
    }

    @Test("an unreadable input is exit 2 even when others pass")
    func badInput() throws {
        let path = try temporaryFile("broken.yaml", "kind: Pod\nspec: {containers: [{name: c, resources: {limits: {cpu: 2 cores}}}]}\n")
        let result = run(["check", Paths.examples + "/manifests/feature-server.json", path, "--policies", Paths.policies])
        #expect(result.code == 2)
        #expect(result.err.contains("/spec/containers/0/resources/limits/cpu"))
        #expect(run(["check", "/nonexistent/input.yaml", "--policies", Paths.policies]).code == 2)
    }

    @Test(
        "usage errors are exit 2 with a one-line reason",
        arguments: [
            (["check", "x.yaml"], "--policies is required"),
            (["check", "--policies", "p/"], "name at least one input"),
            (["check", "x", "--policies", "p", "--fromat", "json"], "did you mean '--format'"),
            (["check", "x", "--policies", "p", "--format", "xml"], "not a valid value"),
            (["chek"], "did you mean 'check'"),
            (["validate"], "at least one policy"),
        ])
    func usage(arguments: [String], message: String) {
        let result = run(arguments)
        #expect(result.code == 2)
        #expect(result.err.contains(message))
    }

    @Test("validate reports what loaded")
    func validate() {
        let result = run(["validate", Paths.policies])
        #expect(result.code == 0)
        #expect(result.out == "ok: 13 policies (43 rules) and 0 exceptions loaded\n")
    }

    @Test("help screens list options and examples")
    func help() {
        let check = run(["check", "--help"])
        #expect(check.code == 0)
        #expect(check.out.contains("USAGE: flyte-policy check [INPUT...] --policies PATH... [options]"))
        #expect(check.out.contains("--fail-on LEVEL"))
        #expect(check.out.contains("EXAMPLES:"))
        #expect(run(["--help"]).out.contains("SUBCOMMANDS:"))
        #expect(run(["version"]).out.contains("jansson 2."))
    }

    @Test("standard input is read with -")
    func stdin() throws {
        let binary = Paths.root + "/.build/debug/flyte-policy"
        guard FileManager.default.isExecutableFile(atPath: binary) else { return }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["check", "-", "--policies", Paths.policies, "--format", "json"]
        let input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(
            Data(#"{"kind": "Pod", "spec": {"containers": [{"name": "c", "image": "nginx", "securityContext": {"privileged": true}}]}}"#.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 1)
        #expect(String(decoding: data, as: UTF8.self).contains("no-privileged"))
    }
}

/// The seed scenario of the resolver issue, end to end on the real flytekit package: `train_model`
/// defaults to nvidia-tesla-v100 with toleration gpu=true; node n3 overrides the pod template to
/// nvidia-a100 with gpu=preemptible.
@Suite("Flyte packages through check and resolve")
struct FlyteCLITests {
    static func findings(_ arguments: [String]) throws -> [[String: Any]] {
        let result = run(arguments)
        let object = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any]
        return object?["findings"] as? [[String: Any]] ?? []
    }

    static func nodes(_ findings: [[String: Any]], rule: String) -> [String] {
        findings.filter { $0["rule"] as? String == rule }.compactMap {
            (($0["subject"] as? [String: Any])?["flyte"] as? [String: Any])?["node"] as? String
        }
    }

    @Test func seedScenario() throws {
        let arguments = ["check", Paths.package, "--policies", Paths.policies, "--format", "json"] + Paths.platform
        let findings = try Self.findings(arguments)
        // Only a100/h100 allowed: the plain call (n2) and the resource override (n4) keep v100.
        #expect(Self.nodes(findings, rule: "approved-gpu-types") == ["n2", "n4"])
        // gpu=true required: the pod-template override (n3) replaced the task's tolerations.
        #expect(Self.nodes(findings, rule: "tolerate-gpu-taint").contains("n3"))
        #expect(!Self.nodes(findings, rule: "tolerate-gpu-taint").contains("n2"))
        let n3 = try #require(findings.first { $0["rule"] as? String == "tolerate-gpu-taint" })
        #expect(n3["provenance"] as? String == "node override at demo.workflows.training_wf node n3 (pod template)")
        let subject = n3["subject"] as? [String: Any]
        let flyte = subject?["flyte"] as? [String: Any]
        #expect(flyte?["workflow"] as? String == "demo.workflows.training_wf")
        #expect(flyte?["task"] as? String == "demo.workflows.train_model")
        #expect(flyte?["project"] as? String == "ml")
        #expect(subject?["source"] as? String == Paths.package + ":06_demo.workflows.training_wf_2.pb")
    }

    @Test func flyteMatchClausesSelectNodes() throws {
        let policy = try temporaryFile(
            "n3-only.json",
            """
            {"apiVersion": "flyte-policy/v1", "kind": "Policy", "metadata": {"name": "a100-only"},
             "spec": {"match": {"workflows": ["*.training_wf"], "nodes": ["n3"]},
                      "rules": [{"name": "no-a100", "nodeSelector": {"forbidden": ["gpu-type"]}}]}}
            """)
        let findings = try Self.findings(["check", Paths.package, "--policies", policy, "--format", "json"] + Paths.platform)
        #expect(Self.nodes(findings, rule: "no-a100") == ["n3"])
    }

    /// `--output` replaces the file whole (a temporary beside it, renamed over it) and says so
    /// when it cannot: exit 2, nothing half written, no temporary left behind.
    @Test func outputFileIsReplacedWholeOrNotAtAll() throws {
        let output = try temporaryFile("report.json", "stale contents that are longer than nothing")
        let written = run(["check", Paths.manifests, "--policies", Paths.policies, "--format", "json", "--output", output])
        #expect(written.code == 1, "\(written.err)")
        let text = try String(contentsOfFile: output, encoding: .utf8)
        #expect(text.hasPrefix("{\n  \"schemaVersion\": ") && text.hasSuffix("}\n"))
        let folder = URL(fileURLWithPath: output).deletingLastPathComponent().path
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["report.json"])

        let unwritable = run(["check", Paths.manifests, "--policies", Paths.policies, "--output", folder + "/missing/report.txt"])
        #expect(unwritable.code == 2)
        #expect(unwritable.err.contains("cannot write the output to \(folder)/missing/report.txt"))
        let intoAFolder = run(["check", Paths.manifests, "--policies", Paths.policies, "--output", folder])
        #expect(intoAFolder.code == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["report.json"])
    }

    @Test func missingPodTemplateIsExitTwoNamingTheNode() {
        let result = run(["check", Paths.package, "--policies", Paths.policies])
        #expect(result.code == 2)
        #expect(result.err.contains("workflow demo.workflows.training_wf node n5: PodTemplate 'gpu-default-template' does not exist"))
    }

    @Test func resolvePrintsEveryNodeWithProvenance() throws {
        let result = run(["resolve", Paths.package, "--format", "json"] + Paths.platform)
        #expect(result.code == 0, "\(result.err)")
        let object = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any]
        #expect(object?["schemaVersion"] as? String == "flyte-policy.resolve/v1")
        let pods = object?["pods"] as? [[String: Any]] ?? []
        #expect(pods.count == 12)
        let n5 = try #require(pods.first { ($0["flyte"] as? [String: Any])?["node"] as? String == "n5" })
        let provenance = n5["provenance"] as? [String: String] ?? [:]
        #expect(provenance["/spec/nodeSelector/gpu-type"] == "cluster PodTemplate 'gpu-default-template' (namespace flyte)")
        #expect(provenance.values.contains("GPU accelerator nvidia-tesla-t4 (node override at demo.workflows.training_wf node n5)"))
        let yaml = run(["resolve", Paths.package, "--format", "yaml"] + Paths.platform)
        #expect(yaml.code == 0)
        #expect(yaml.out.hasPrefix("---\nsource: "))
    }

    @Test func resolveRejectsManifestOnlyInput() {
        let result = run(["resolve", Paths.manifests + "/training-pods.yaml"])
        #expect(result.code == 2)
        #expect(result.err.contains("hold no Flyte task or workflow"))
    }
}

@Suite("damaged Flyte inputs are exit 2")
struct DamagedFlyteInputTests {
    @Test func truncatedArchive() throws {
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Paths.package))
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fp-\(UUID().uuidString).tgz").path
        try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: path))
        let result = run(["check", path, "--policies", Paths.policies])
        #expect(result.code == 2)
        #expect(result.err.contains("\(path): cannot be read: the gzip data is truncated"))
    }

    @Test func wrongEntity() throws {
        let path = try temporaryFile("launch-plan.json", #"{"spec": {"workflowId": {"resourceType": "WORKFLOW"}}}"#)
        let result = run(["check", path, "--policies", Paths.policies])
        #expect(result.code == 2)
        #expect(result.err.contains("\(path): /spec/workflowId: an identifier needs a name."))
    }

    @Test func badPlatformConfigChecksNothing() throws {
        let path = try temporaryFile("propeller.yaml", "plugins:\n  k8s:\n    default-cpus: [1]\n")
        let result = run(["check", Paths.package, "--policies", Paths.policies, "--platform", path])
        #expect(result.code == 2)
        #expect(result.err.contains("'plugins.k8s.default-cpus': expected a quantity"))
        #expect(result.out.isEmpty)
    }

    /// A repository holds application configs, Helm charts and templates beside its manifests
    /// (issue 17: kubernetes/examples exited 2 on 12 configs). A walk lists them as skipped; a
    /// named file, `--strict`, and anything that looks like Kubernetes but cannot be read stay
    /// exit 2; `--exclude` leaves files out.
    @Test func aRepositoryWalkSkipsWhatIsNotAManifest() throws {
        let pod = try temporaryFile(
            "pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: ghcr.io/acme/ml:1.0}]}\n")
        let folder = (pod as NSString).deletingLastPathComponent
        func write(_ name: String, _ text: String) throws {
            let path = folder + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        try write("cassandra.yaml", "cluster_name: 'Test Cluster'\nnum_tokens: 256\n")
        try write("chart/Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\n")
        try write("chart/templates/deployment.yaml", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n")
        let result = run(["check", folder, "--policies", Paths.policies, "--format", "json"])
        #expect(result.code != 2, "\(result.err)")
        let report = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any]
        let skipped = (report?["skippedInputs"] as? [[String: String]] ?? []).map {
            ($0["file"] ?? "").replacingOccurrences(of: folder + "/", with: "")
        }
        #expect(skipped == ["cassandra.yaml", "chart/Chart.yaml", "chart/templates/deployment.yaml"])
        #expect((report?["summary"] as? [String: Int])?["subjects"] == 1)
        #expect(
            run(["check", folder, "--policies", Paths.policies]).out.contains("skipped 3 files of a folder walk that are not Kubernetes manifests"))

        #expect(run(["check", folder, "--policies", Paths.policies, "--strict"]).code == 2)
        #expect(run(["check", folder + "/cassandra.yaml", "--policies", Paths.policies]).code == 2)
        let excluded = run(["check", folder, "--policies", Paths.policies, "--exclude", "chart", "--exclude", "cassandra.yaml", "--format", "json"])
        #expect(((try JSONSerialization.jsonObject(with: Data(excluded.out.utf8)) as? [String: Any])?["skippedInputs"] as? [Any])?.isEmpty == true)
        // Looks like Kubernetes but cannot be read: exit 2 in a walk too.
        try write("broken.yaml", "apiVersion: apps/v1\nkind: Deployment\nspec: {}\n")
        #expect(run(["check", folder, "--policies", Paths.policies]).code == 2)
    }

    /// A policy whose match leaves out every pod checked nothing: a notice, not a quiet pass.
    @Test func aPolicyThatAppliesToNothingIsSaid() throws {
        let policy = try temporaryFile(
            "typo.json",
            """
            {"apiVersion": "flyte-policy/v1", "kind": "Policy", "metadata": {"name": "typo"},
             "spec": {"match": {"namespaces": ["ml-prod"]}, "rules": [{"name": "r", "images": {"requireDigest": true}}]}}
            """)
        let result = run(["check", Paths.manifests + "/training-pods.yaml", "--policies", policy])
        #expect(result.code == 0)
        #expect(
            result.out.contains("warning: policy 'typo' (\(policy)) applied to none of the 2 pods checked: its match / exclude leaves every one out"),
            "\(result.out)")
    }
}
