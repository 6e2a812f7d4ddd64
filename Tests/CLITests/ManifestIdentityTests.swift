import Foundation
import Testing

@testable import PolicyCLI

/// Pods dumped from a cluster carry propeller's labels; `check` reads their Flyte identity from
/// them, as the webhook does, so `match.tasks` and exceptions behave the same in both places.
@Suite("check on pods propeller made") struct ManifestIdentityTests {
    @Test func propellerLabelsGiveFlyteIdentityAndMatchSanitizedNames() throws {
        let pods = try temporaryFile(
            "pods.json",
            """
            {"apiVersion": "v1", "kind": "List", "items": [
              {"apiVersion": "v1", "kind": "Pod",
               "metadata": {"name": "a7xk2-n2-0", "namespace": "ml-production",
                            "labels": {"project": "ml", "domain": "production", "workflow-name": "demo-workflows-training-wf",
                                       "task-name": "demo-workflows-train-model", "node-id": "n2", "execution-id": "a7xk2", "interruptible": "false"}},
               "spec": {"containers": [{"name": "primary", "image": "docker.io/acme/ml:1.0"}]}},
              {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "ml-production"},
               "spec": {"containers": [{"name": "web", "image": "docker.io/acme/web:1.0"}]}}
            ]}
            """)
        let policy = try temporaryFile(
            "policy.json",
            """
            {"apiVersion": "flyte-policy/v1", "kind": "Policy", "metadata": {"name": "training-images"},
             "spec": {"match": {"tasks": ["demo.workflows.train_*"], "domains": ["production"]},
                      "rules": [{"name": "registry", "images": {"allowedRegistries": ["ghcr.io/acme"]}}]}}
            """)
        let result = run(["check", pods, "--policies", policy, "--format", "json"])
        #expect(result.code == 1, "\(result.err)")
        let report = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any]
        let findings = report?["findings"] as? [[String: Any]] ?? []
        // Only the Flyte training pod is in scope; the web pod has no Flyte identity.
        #expect(findings.count == 1)
        let flyte = (findings.first?["subject"] as? [String: Any])?["flyte"] as? [String: Any]
        #expect(flyte?["task"] as? String == "demo-workflows-train-model")
        #expect(flyte?["node"] as? String == "n2")
        #expect(flyte?["interruptible"] as? Bool == false)
    }
}
