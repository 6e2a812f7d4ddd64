import Foundation
import PolicyCore
import PolicyFlyte
import PolicyJSON
import PolicyYAML
import Testing

@testable import PolicyIO

/// `policies/pod-security/` against Kubernetes' own pod-security-admission fixtures (v1.37,
/// Tests/Fixtures/pod-security/README.md): every `fail` pod is flagged at its level by the rule
/// of its file's control, every `pass` pod is clean, and controllers made from the same pods
/// are flagged the same.
@Suite("Pod Security Standards on Kubernetes' fixtures")
struct PodSecurityFixtureTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let fixtures = root.appendingPathComponent("Tests/Fixtures/pod-security")

    enum Level: String, CaseIterable, Sendable {
        case baseline, restricted
        /// The restricted level is the baseline folder and the restricted folder together.
        var folders: [String] {
            switch self {
            case .baseline: ["policies/pod-security/baseline"]
            case .restricted: ["policies/pod-security/baseline", "policies/pod-security/restricted"]
            }
        }
    }

    static func files(_ level: Level, _ outcome: String) -> [String] {
        let folder = fixtures.appendingPathComponent("\(level.rawValue)/\(outcome)")
        return ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { $0.hasSuffix(".yaml") }.sorted()
            .map { folder.appendingPathComponent($0).path }
    }

    static func findings(_ level: Level, _ text: String, name: String) throws -> [Finding] {
        let policies = try PolicyFiles.load(level.folders.map { root.appendingPathComponent($0).path })
        let subjects = try ManifestReader().read(InputFile(name: name, bytes: Array(text.utf8))).subjects
        #expect(!subjects.isEmpty, "\(name) describes no pod")
        return Evaluator(policies: policies, today: CalendarDay(year: 2026, month: 12, day: 1)).report(subjects).findings
    }

    /// `capabilities_baseline0.yaml` -> `capabilitiesbaseline`; a rule `capabilities-baseline` the same.
    static func control(ofFile path: String) -> String {
        let name = (path as NSString).lastPathComponent.replacingOccurrences(of: ".yaml", with: "")
        return String(name.reversed().drop(while: \.isNumber).reversed()).replacingOccurrences(of: "_", with: "")
    }

    static let failing = Level.allCases.flatMap { level in files(level, "fail").map { (level, $0) } }
    static let passing = Level.allCases.flatMap { level in files(level, "pass").map { (level, $0) } }

    @Test func theFixturesAreThere() {
        // 34 baseline and 76 restricted failing pods, 15 and 23 passing ones (v1.37).
        #expect(Self.files(.baseline, "fail").count == 34 && Self.files(.restricted, "fail").count == 76)
        #expect(Self.files(.baseline, "pass").count == 15 && Self.files(.restricted, "pass").count == 23)
    }

    @Test(arguments: failing)
    func everyFailingPodIsFlaggedByItsControl(level: Level, path: String) throws {
        let findings = try Self.findings(level, try String(contentsOfFile: path, encoding: .utf8), name: path)
        let control = Self.control(ofFile: path)
        #expect(
            findings.contains { $0.rule.replacingOccurrences(of: "-", with: "") == control },
            "\(path): \(findings.map { "\($0.rule): \($0.message)" })")
    }

    @Test(arguments: passing)
    func everyPassingPodIsClean(level: Level, path: String) throws {
        let findings = try Self.findings(level, try String(contentsOfFile: path, encoding: .utf8), name: path)
        #expect(findings.isEmpty, "\(path): \(findings.map(\.message))")
    }

    /// The same pods as the templates of a Deployment, a Job and a CronJob.
    @Test(arguments: failing.filter { $0.0 == .restricted })
    func controllersAreFlaggedLikeTheirPods(level: Level, path: String) throws {
        let pod = try String(contentsOfFile: path, encoding: .utf8)
        let podRules = Set(try Self.findings(level, pod, name: path).map(\.rule))
        let value = try #require(try YAMLReader.documents(Array(pod.utf8), source: path).first?.value)
        let template: JSONValue = ["metadata": value["metadata"] ?? [:], "spec": value["spec"] ?? [:]]
        for (apiVersion, kind, spec) in [
            ("apps/v1", "Deployment", ["template": template] as JSONValue), ("batch/v1", "Job", ["template": template]),
            ("batch/v1", "CronJob", ["schedule": "@daily", "jobTemplate": ["spec": ["template": template]]]),
        ] {
            let object: JSONValue = ["apiVersion": .string(apiVersion), "kind": .string(kind), "metadata": ["name": "w"], "spec": spec]
            let text = String(decoding: try object.serialized(), as: UTF8.self)
            #expect(Set(try Self.findings(level, text, name: "\(kind).json").map(\.rule)) == podRules, "\(kind) of \(path)")
        }
    }

    /// A Flyte task whose pod template runs a privileged init container: the resolved pod is
    /// flagged by the baseline level like any pod, with the layer that set the value.
    @Test func resolvedFlytePodsAreCheckedToo() throws {
        let task = #"""
            {"template": {"id": {"resourceType": "TASK", "name": "demo.setup"}, "type": "python-task",
             "metadata": {"runtime": {"type": "FLYTE_SDK", "version": "1.16.31"}},
             "config": {"primary_container_name": "primary"},
             "k8sPod": {"podSpec": {"initContainers": [{"name": "tune", "image": "busybox:1.36", "securityContext": {"privileged": true}}],
                                    "containers": [{"name": "primary", "image": "ghcr.io/acme/ml:1.0"}]}}}}
            """#
        guard case .entities(let bundle) = try FlyteInputs.read(InputFile(name: "task.json", bytes: Array(task.utf8)), manifests: ManifestReader())
        else {
            Issue.record("not read as a Flyte entity")
            return
        }
        let (subjects, _, errors) = FlyteResolver(builder: PodBuilder()).resolve(bundle).subjects()
        #expect(errors.isEmpty)
        let policies = try PolicyFiles.load([Self.root.appendingPathComponent("policies/pod-security/baseline").path])
        let findings = Evaluator(policies: policies, today: CalendarDay(year: 2026, month: 12, day: 1)).report(subjects).findings
        #expect(
            findings.map { "\($0.rule) \($0.path) \($0.provenance ?? "-")" } == [
                "privileged /spec/initContainers/0/securityContext/privileged task pod template of demo.setup"
            ])
    }
}
