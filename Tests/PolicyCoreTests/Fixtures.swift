import PolicyJSON

@testable import PolicyCore

/// Builds subjects and policies from JSON text, the way users write them.
enum Fixtures {
    static func subject(_ podJSON: String, flyte: FlyteIdentity? = nil, namespace: String? = nil) throws -> Subject {
        let document = try JSONDocument.parse(podJSON, source: "test")
        let root = document.rootNode
        let pod = try Pod(metadata: root["metadata"], spec: root["spec"])
        return Subject(
            pod: pod, metadataNode: root["metadata"], specNode: root["spec"], namespace: namespace, source: SubjectSource(file: "test"), flyte: flyte)
    }

    static func policies(_ json: String, file: String = "policy.json") throws -> PolicySet {
        try PolicyLoader.load(files: [(file, Array(json.utf8))])
    }

    static func loadErrors(_ json: String, file: String = "policy.json") -> [PolicyLoadError] {
        do {
            _ = try PolicyLoader.load(files: [(file, Array(json.utf8))])
            return []
        } catch {
            return error.errors
        }
    }

    /// A one-rule deny policy around a rule body.
    static func policy(rule: String, name: String = "p", extra: String = "") -> String {
        """
        {"apiVersion": "flyte-policy/v1", "kind": "Policy", "metadata": {"name": "\(name)"},
         "spec": {\(extra) "rules": [ {"name": "r", \(rule)} ]}}
        """
    }

    static func findings(
        policy: String, pod: String, flyte: FlyteIdentity? = nil, today: CalendarDay = CalendarDay(year: 2026, month: 11, day: 24)
    ) throws -> [Finding] {
        let set = try policies(policy)
        return Evaluator(policies: set, today: today).evaluate(try subject(pod, flyte: flyte), index: 0)
    }

    static let gpuPodV100 = """
        {"metadata": {"name": "train", "namespace": "ml-production", "labels": {"team": "vision"}},
         "spec": {"nodeSelector": {"gpu-type": "nvidia-tesla-v100"},
                  "tolerations": [{"key": "gpu", "operator": "Equal", "value": "true", "effect": "NoSchedule"}],
                  "containers": [{"name": "primary", "image": "ghcr.io/acme/ml:1.0",
                                  "resources": {"requests": {"cpu": "2", "memory": "8Gi", "nvidia.com/gpu": "1"},
                                                "limits": {"cpu": "4", "memory": "16Gi", "nvidia.com/gpu": "1"}}}]}}
        """

    static let gpuPodA100Affinity = """
        {"metadata": {"name": "train-override"},
         "spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                    {"matchExpressions": [{"key": "gpu-type", "operator": "In", "values": ["nvidia-a100"]}]}]}}},
                  "tolerations": [{"key": "gpu", "operator": "Equal", "value": "preemptible", "effect": "NoSchedule"}],
                  "containers": [{"name": "primary", "image": "ghcr.io/acme/ml:1.0",
                                  "resources": {"limits": {"nvidia.com/gpu": 1, "memory": "16Gi"}}}]}}
        """
}
