import PolicyCore
import PolicyFlyte
import PolicyJSON

/// Builds a pod from the parts a controller assembles it from, as a parsed document.
private func document(metadata: JSONValue?, spec: JSONObject, at pointer: JSONPointer) throws(InputError) -> (JSONNode?, JSONNode?) {
    let value: JSONValue = ["metadata": metadata ?? .object([:]), "spec": .object(spec)]
    do {
        let root = try JSONDocument(value).rootNode
        return (root["metadata"], root["spec"])
    } catch {
        throw .invalidObject(source: "", pointer: pointer.appending(pointer: error.pointer), reason: error.reason)
    }
}

/// The pods of an Argo workflow: one per template that runs containers (`container`, `script`,
/// `containerSet`), with the workflow's pod-level settings under the template's own, as the
/// workflow controller builds them. Steps, DAG, resource and suspend templates run no pod of
/// their own. Argo's `init` and `wait` containers are not added.
enum ArgoPods {
    static let podFields = [
        "nodeSelector", "tolerations", "affinity", "securityContext", "serviceAccountName", "priorityClassName", "schedulerName",
        "hostNetwork", "dnsPolicy", "dnsConfig", "runtimeClassName", "automountServiceAccountToken", "imagePullSecrets",
    ]

    static func pods(_ spec: JSONNode?, at base: JSONPointer) throws(InputError) -> [FoundPod] {
        guard let spec, let templates = spec["templates"], templates.isArray else { return [] }
        var pods: [FoundPod] = []
        for (index, template) in templates.elements.enumerated() {
            var containers: [JSONValue]
            if let container = template["container"] {
                containers = [container.value]
            } else if let script = template["script"], var object = script.value.object {
                object["source"] = nil
                containers = [.object(object)]
            } else if let set = template["containerSet"]?["containers"]?.value.array {
                containers = set
            } else {
                continue
            }
            containers += template["sidecars"]?.value.array ?? []
            var podSpec: JSONObject = ["containers": .array(containers)]
            for field in podFields {
                if let value = template[field] ?? spec[field] { podSpec[field] = value.value }
            }
            if let initContainers = template["initContainers"] { podSpec["initContainers"] = initContainers.value }
            let volumes = (spec["volumes"]?.value.array ?? []) + (template["volumes"]?.value.array ?? [])
            if !volumes.isEmpty { podSpec["volumes"] = .array(volumes) }
            var metadata = spec["podMetadata"]?.value.object ?? [:]
            for field in ["labels", "annotations"] {
                var merged = metadata[field]?.object ?? [:]
                for (key, value) in template["metadata"]?[field]?.value.object ?? [:] { merged[key] = value }
                if !merged.isEmpty { metadata[field] = .object(merged) }
            }
            let pointer = base.appending("templates").appending(index)
            let (podMetadata, podSpecNode) = try document(metadata: .object(metadata), spec: podSpec, at: pointer)
            pods.append(FoundPod(metadata: podMetadata, spec: podSpecNode, pointer: pointer, role: nil, replicas: nil))
        }
        return pods
    }
}

/// The driver and executor pods of a SparkApplication, as the Spark operator and Spark on
/// Kubernetes build them from its SparkPodSpecs: scheduling fields and security contexts from
/// the role's spec over the application's, one container with the role's image, and resources
/// from cores, memory and the Spark configuration with Spark 3.5's formula (the one the Flyte
/// resolver uses, docs/flyte-resolution.md).
enum SparkApplicationPods {
    static func pods(_ spec: JSONNode?, at base: JSONPointer) throws(InputError) -> [FoundPod] {
        guard let spec else { return [] }
        var conf: [(key: String, value: String)] = (spec["sparkConf"]?.members ?? []).compactMap { member in
            member.value.string.map { (member.key, $0) }
        }
        for (role, name) in [(ReplicaRole.driver, "driver"), (.executor, "executor")] {
            let part = spec[name]
            for (field, key) in [
                ("memory", "spark.\(name).memory"), ("memoryOverhead", "spark.\(name).memoryOverhead"),
                ("coreRequest", "spark.kubernetes.\(name).request.cores"),
                ("coreLimit", "spark.kubernetes.\(name).limit.cores"),
            ] {
                if let value = part?[field]?.string { conf.append((key, value)) }
            }
            if let cores = part?["cores"]?.integer { conf.append(("spark.\(name).cores", String(cores))) }
            if role == .executor, let instances = part?["instances"]?.integer { conf.append(("spark.executor.instances", String(instances))) }
        }
        var sparkConf = SparkConf(defaults: [], features: [], task: conf, executorPath: "", pointer: base.appending("sparkConf"))
        switch spec["type"]?.string {
        case "Java"?, "Scala"?: sparkConf.nonJVM = false
        default: sparkConf.nonJVM = true
        }
        var pods: [FoundPod] = []
        for (role, name) in [(ReplicaRole.driver, "driver"), (.executor, "executor")] {
            let part = spec[name]
            let pointer = base.appending(name)
            let shape: SparkConf.PodShape
            do { shape = try sparkConf.shape(for: role, task: "SparkApplication") } catch {
                throw .invalidObject(source: "", pointer: pointer, reason: error.description)
            }
            var resources = shape.resources.json.object ?? [:]
            if let gpu = part?["gpu"], let gpuName = gpu["name"]?.string, let quantity = gpu["quantity"]?.integer {
                var limits = resources["limits"]?.object ?? [:]
                limits[gpuName] = .string(String(quantity))
                resources["limits"] = .object(limits)
            }
            var container: JSONObject = [
                "name": .string("spark-kubernetes-\(name)"), "image": (part?["image"] ?? spec["image"])?.value ?? "", "resources": .object(resources),
            ]
            for field in ["env", "envFrom", "securityContext", "volumeMounts", "lifecycle", "ports"] {
                if let value = part?[field] { container[field] = value.value }
            }
            var podSpec: JSONObject = ["containers": .array([.object(container)] + (part?["sidecars"]?.value.array ?? []))]
            for (field, from) in [
                ("nodeSelector", "nodeSelector"), ("tolerations", "tolerations"), ("affinity", "affinity"), ("securityContext", "podSecurityContext"),
                ("hostNetwork", "hostNetwork"), ("schedulerName", "schedulerName"), ("serviceAccountName", "serviceAccount"),
                ("initContainers", "initContainers"), ("dnsConfig", "dnsConfig"), ("priorityClassName", "priorityClassName"),
            ] {
                if let value = part?[from] ?? (field == "nodeSelector" ? spec["nodeSelector"] : nil) { podSpec[field] = value.value }
            }
            if let volumes = spec["volumes"] { podSpec["volumes"] = volumes.value }
            var metadata: JSONObject = [:]
            if let labels = part?["labels"] { metadata["labels"] = labels.value }
            if let annotations = part?["annotations"] { metadata["annotations"] = annotations.value }
            let (podMetadata, podSpecNode) = try document(metadata: .object(metadata), spec: podSpec, at: pointer)
            pods.append(FoundPod(metadata: podMetadata, spec: podSpecNode, pointer: pointer, role: role, replicas: shape.replicas))
        }
        return pods
    }
}
