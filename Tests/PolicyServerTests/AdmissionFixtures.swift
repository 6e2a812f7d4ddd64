import Foundation
import PolicyCore
import PolicyJSON

@testable import PolicyServer

/// Policies, pods and AdmissionReview bodies for webhook tests.
enum AdmissionFixtures {
    static let today = CalendarDay(year: 2026, month: 11, day: 24)

    /// The repository root, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// One policy per action, so one pod can be denied, warned and audited at once.
    static let policyJSON = """
        [
          {"apiVersion": "flyte-policy/v1", "kind": "Policy", "metadata": {"name": "gpu-node-pools"},
           "spec": {"action": "deny", "severity": "high", "match": {"workflows": ["demo.workflows.*"]},
                    "rules": [{"name": "approved-gpu-types", "when": {"resources": ["nvidia.com/gpu"]},
                               "nodeSelector": {"required": ["gpu-type"], "allowed": {"gpu-type": ["nvidia-a100"]}}}]}},
          {"apiVersion": "flyte-policy/v1", "kind": "Policy", "metadata": {"name": "requests-required"},
           "spec": {"action": "warn", "rules": [{"name": "cpu-request", "resources": {"require": ["requests.cpu"]}}]}},
          {"apiVersion": "flyte-policy/v1", "kind": "Policy", "metadata": {"name": "image-audit"},
           "spec": {"action": "audit", "rules": [{"name": "registry", "images": {"allowedRegistries": ["ghcr.io/acme"]}}]}}
        ]
        """

    static let exceptionJSON = """
        {"apiVersion": "flyte-policy/v1", "kind": "PolicyException", "metadata": {"name": "legacy-trainer"},
         "spec": {"policies": ["gpu-node-pools"], "match": {"tasks": ["demo.workflows.train_legacy"]},
                  "expires": "2027-01-31", "reason": "ML-1234: migrate to the A100 pool"}}
        """

    static func policies(exceptions: Bool = false) throws -> PolicySet {
        var files = [("policies.json", Array(policyJSON.utf8))]
        if exceptions { files.append(("exceptions.json", Array(exceptionJSON.utf8))) }
        return try PolicyLoader.load(files: files)
    }

    /// A pod as propeller creates it: sanitized Flyte labels.
    static func pod(
        gpuType: String = "nvidia-tesla-v100", task: String = "demo-workflows-train-model", image: String = "docker.io/acme/ml:1.0",
        cpuRequest: String? = "2", memoryLimit: String = "16Gi"
    ) -> JSONValue {
        var requests: JSONObject = ["nvidia.com/gpu": "1"]
        if let cpuRequest { requests["cpu"] = .string(cpuRequest) }
        return [
            "apiVersion": "v1", "kind": "Pod",
            "metadata": [
                "name": "a7xk2m9qpl4rtz8vbn3c-n2-0", "namespace": "ml-production",
                "labels": [
                    "execution-id": "a7xk2m9qpl4rtz8vbn3c", "project": "ml", "domain": "production",
                    "workflow-name": "demo-workflows-training-wf", "task-name": .string(task), "node-id": "n2", "interruptible": "false",
                ],
            ],
            "spec": [
                "nodeSelector": ["gpu-type": .string(gpuType)],
                "containers": [
                    [
                        "name": "primary", "image": .string(image),
                        "resources": ["requests": .object(requests), "limits": ["nvidia.com/gpu": "1", "memory": .string(memoryLimit)]],
                    ]
                ],
            ],
        ]
    }

    static func review(
        _ object: JSONValue?, version: String = "admission.k8s.io/v1", operation: String = "CREATE", dryRun: Bool = false,
        oldObject: JSONValue? = nil, kind: String = "Pod"
    ) -> [UInt8] {
        var request: JSONObject = [
            "uid": "705ab4f5-6393-11e8-b7cc-42010a800002", "kind": ["group": "", "version": "v1", "kind": .string(kind)],
            "resource": ["group": "", "version": "v1", "resource": "pods"], "namespace": "ml-production", "name": "a7xk2m9qpl4rtz8vbn3c-n2-0",
            "operation": .string(operation), "userInfo": ["username": "system:serviceaccount:flyte:flytepropeller"], "dryRun": .bool(dryRun),
        ]
        request["object"] = object ?? .null
        request["oldObject"] = oldObject ?? .null
        let review: JSONValue = ["apiVersion": .string(version), "kind": "AdmissionReview", "request": .object(request)]
        return (try? review.serialized(pretty: false)) ?? []
    }

    /// The `response` object of an answer.
    static func response(_ decision: AdmissionDecision) throws -> JSONValue {
        let document = try JSONDocument.parse(decision.response.body, source: "response")
        return document.rootNode["response"]?.value ?? .null
    }
}
