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
}
