import Foundation
import Testing

@testable import PolicyCLI

/// `flyte-policy test`: the suites shipped in policies/tests pass, and a changed expectation, a
/// typo'd rule or a malformed suite is reported clearly.
@Suite("flyte-policy test") struct PolicyTestCommandTests {
    /// A copy of the gpu-node-pools suite whose paths point back into the repository, with
    /// `edit` applied to its JSON text.
    static func editedSuite(_ edit: (String) -> String) throws -> String {
        var text = try String(contentsOfFile: Paths.policies + "/tests/gpu-node-pools.test.json", encoding: .utf8)
        text = text.replacingOccurrences(of: "\"../", with: "\"\(Paths.policies)/")
        text = text.replacingOccurrences(of: "\"\(Paths.policies)/../examples/", with: "\"\(Paths.examples)/")
        return try temporaryFile("gpu.test.json", edit(text))
    }

    @Test func shippedSuitesPass() {
        let result = run(["test", Paths.policies])
        #expect(result.code == 0, "\(result.out)\(result.err)")
        let last = result.out.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasSuffix(" passed, 0 failed"))
        #expect((Int(last.split(separator: " ").first ?? "") ?? 0) >= 30)
        // Every policy file in policies/ has a suite.
        let policyFiles = (try? FileManager.default.contentsOfDirectory(atPath: Paths.policies))?.filter { $0.hasSuffix(".json") } ?? []
        for file in policyFiles {
            #expect(
                FileManager.default.fileExists(atPath: Paths.policies + "/tests/" + file.replacingOccurrences(of: ".json", with: ".test.json")),
                "\(file) has no suite")
        }
    }

    @Test func aChangedExpectationFailsWithExpectedAndActual() throws {
        // The first expectation of the suite (an A100 pod passes) now says it fails.
        let suite = try Self.editedSuite { text in
            guard let range = text.range(of: "\"result\": \"pass\"") else { return text }
            return text.replacingCharacters(in: range, with: "\"result\": \"fail\"")
        }
        let result = run(["test", suite])
        #expect(result.code == 1, "\(result.out)\(result.err)")
        #expect(result.out.contains("FAIL  gpu-node-pools › an A100 training pod is admitted › gpu-node-pools/approved-gpu-types fail"))
        #expect(result.out.contains("      expected: gpu-node-pools/approved-gpu-types fail\n      actual:   no finding"))
        #expect(result.out.hasSuffix(" passed, 1 failed\n"))
    }

    @Test func aTypoedRuleCannotPassSilently() throws {
        let suite = try Self.editedSuite { $0.replacingOccurrences(of: "\"rule\": \"approved-gpu-types\"", with: "\"rule\": \"approved-gpu-type\"") }
        let result = run(["test", suite])
        #expect(result.code == 1)
        #expect(result.out.contains("have no rule gpu-node-pools/approved-gpu-type (have: gpu-node-pools/approved-gpu-types)"))
        #expect(result.out.hasSuffix("0 passed, 7 failed\n"), "\(result.out)")
    }

    @Test(arguments: [
        ("\"today\": \"2026-11-25\"", "\"todya\": \"2026-11-25\"", "/spec/todya: unknown key 'todya' in a PolicyTest spec (did you mean 'today'?)"),
        ("\"result\": \"pass\"", "\"result\": \"passes\"", "/result: unknown result 'passes'; expected one of: pass, fail, excepted"),
        ("\"policies\": [", "\"policies\": [\"/nonexistent/policy.json\", ", "/nonexistent/policy.json"),
        ("\"cases\": [", "\"cases\": [], \"more-cases\": [", "/spec/cases: expected a non-empty array of cases"),
        (
            "\"expect\": [", "\"expect\": {\"policy\": \"gpu-node-pools\"}, \"more\": [",
            "/spec/cases/0/expect: expected a non-empty array of expectations"
        ),
        // A pass qualified by a path reported ok for a rule that failed at another path.
        (
            "\"result\": \"pass\"", "\"result\": \"pass\", \"path\": \"/spec/nodeSelector/gpu-typo\"",
            "/path: 'path' qualifies findings, and a pass expects none"
        ),
        ("\"messageContains\": \"", "\"messageContains\": \"\", \"unused\": \"", "/messageContains: an empty messageContains matches every message"),
    ])
    func brokenSuitesExitTwo(original: String, replacement: String, expected: String) throws {
        let suite = try Self.editedSuite { text in
            guard let range = text.range(of: original) else { return text }
            return text.replacingCharacters(in: range, with: replacement)
        }
        let result = run(["test", suite])
        #expect(result.code == 2, "\(result.out)\(result.err)")
        #expect(result.err.contains(expected), "\(result.err)")
    }

    @Test func aFileThatIsNotASuiteIsRefusedWhenNamed() {
        let result = run(["test", Paths.policies + "/gpu-node-pools.json"])
        #expect(result.code == 2)
        #expect(result.err.contains("this file is not a policy test suite"))
    }

    /// Policies, exceptions and test suites in YAML (issue 21): read like JSON, several
    /// documents per file, errors at the YAML's line and column.
    @Test func yamlPoliciesExceptionsAndSuites() throws {
        let policy = try temporaryFile(
            "gpu.yaml",
            """
            # GPU pools, in YAML.
            apiVersion: flyte-policy/v1
            kind: Policy
            metadata: {name: gpu-pools}
            spec:
              action: deny
              rules:
                - name: approved
                  nodeSelector:
                    allowed: {gpu-type: [nvidia-a100]}
            ---
            apiVersion: flyte-policy/v1
            kind: PolicyException
            metadata: {name: legacy}
            spec: {policies: [gpu-pools], match: {namespaces: [legacy]}, reason: "ML-1: moving"}
            """)
        let folder = (policy as NSString).deletingLastPathComponent
        #expect(run(["validate", policy]).out == "ok: 1 policy (1 rules) and 1 exception loaded\n")
        let checked = run(["check", Paths.manifests + "/training-pods.yaml", "--policies", policy, "--format", "json"])
        #expect(checked.code == 1)
        #expect(checked.out.contains("node selector gpu-type=nvidia-tesla-v100 is not allowed"))

        try """
        apiVersion: flyte-policy/v1
        kind: PolicyTest
        metadata: {name: gpu}
        spec:
          policies: [gpu.yaml]
          cases:
            - name: an A100 pod passes
              object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {nodeSelector: {gpu-type: nvidia-a100}, containers: [{name: c, image: x}]}}
              expect: [{policy: gpu-pools, rule: approved, result: pass}]
            - name: a V100 pod fails
              object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {nodeSelector: {gpu-type: nvidia-tesla-v100}, containers: [{name: c, image: x}]}}
              expect: [{policy: gpu-pools, rule: approved, result: fail, path: /spec/nodeSelector/gpu-type}]
        """.write(toFile: folder + "/gpu.test.yaml", atomically: true, encoding: .utf8)
        let tested = run(["test", folder + "/gpu.test.yaml"])
        #expect(tested.code == 0, "\(tested.out)\(tested.err)")
        #expect(tested.out.hasSuffix("2 passed, 0 failed\n"))

        let broken = try temporaryFile(
            "broken.yaml",
            """
            apiVersion: flyte-policy/v1
            kind: Policy
            metadata: {name: p}
            spec:
              rules:
                - name: r
                  nodeSelector:
                    allowd: {gpu-type: [a]}
            """)
        let refused = run(["validate", broken])
        #expect(refused.code == 2)
        #expect(refused.err.contains("\(broken):8:17: /spec/rules/0/nodeSelector/allowd: unknown key 'allowd'"), "\(refused.err)")
        #expect(run(["validate", try temporaryFile("bad.yaml", "a: [1, 2\n")]).err.contains("bad.yaml:2:1: invalid YAML"))
    }
}
