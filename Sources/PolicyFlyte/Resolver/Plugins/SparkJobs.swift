import PolicyCore
import PolicyJSON

extension PluginJobBuilder {
    /// `spark` (`spark/spark.go`): the driver from a non-interruptible `ToK8sPodSpec`, the
    /// executors from the node's own, each merged with `driverPod` / `executorPod`. Only what
    /// `createSparkPodSpec` copies into the SparkApplication reaches the pods Spark creates
    /// (scheduling fields, security contexts, image, env, service account); their one container
    /// gets its resources from the Spark configuration, not from the task's resources.
    func sparkApplication() throws(ResolutionError) -> [ReplicaPod] {
        let custom = self.custom
        let (conf, driverPod, executorPod) = try reading { () throws(FlyteDecodingError) -> (SparkConf, K8sPod?, K8sPod?) in
            let file = try custom.string("mainApplicationFile") ?? ""
            let mainClass = try custom.string("mainClass") ?? ""
            guard !file.isEmpty || !mainClass.isEmpty else { throw custom.error("either mainApplicationFile or mainClass must be set") }
            let sparkConf = try custom.stringMap("sparkConf")
            var conf = SparkConf(
                defaults: config.sparkDefaults, features: config.sparkFeatures,
                task: sparkConf.entries.map { ($0.key, $0.value.string ?? "") }, executorPath: try custom.string("executorPath") ?? "",
                pointer: custom.pointer.appending("sparkConf"))
            switch custom.member("applicationType")?.value {
            case nil, .string("PYTHON")?, .string("R")?, .integer(0)?, .integer(3)?: conf.nonJVM = true
            case .string("JAVA")?, .string("SCALA")?, .integer(1)?, .integer(2)?: conf.nonJVM = false
            case let other?:
                throw custom.error(
                    "applicationType must be PYTHON, JAVA, SCALA or R, found \(other)", at: custom.pointer.appending("applicationType"))
            }
            let driver = try custom.objectMember("driverPod").map { (pod) throws(FlyteDecodingError) in try FlyteEntityDecoder.k8sPod(pod) }
            let executor = try custom.objectMember("executorPod").map { (pod) throws(FlyteDecodingError) in try FlyteEntityDecoder.k8sPod(pod) }
            return (conf, driver, executor)
        }
        var nonInterruptible = execution
        nonInterruptible.interruptible = false
        let driverBase = try builder.build(nonInterruptible)
        // The executors' pod differs from the driver's only for an interruptible node.
        let executorBase = execution.interruptible ? try builder.build(execution) : driverBase
        let driver = try sparkPod(.driver, base: driverBase, k8sPod: driverPod, conf: conf)
        let executor = try sparkPod(.executor, base: executorBase, k8sPod: executorPod, conf: conf)
        return [
            ReplicaPod(role: .driver, replicas: 1, interruptible: false, pod: driver.pod),
            ReplicaPod(role: .executor, replicas: executor.replicas, interruptible: nil, pod: executor.pod),
        ]
    }

    /// The pod Spark makes for `role` from what the plugin put in the SparkApplication.
    private func sparkPod(
        _ role: ReplicaRole, base: BuiltPod, k8sPod: K8sPod?, conf: SparkConf
    ) throws(ResolutionError) -> (pod: BuiltPod, replicas: Int) {
        var pod = base
        try pod.adjust(layer: layer(role)) { (spec) throws(ResolutionError) in
            ContainerEdits.mergeOverlay(&spec, overlay: k8sPod?.podSpec, builder: builder, layer: layer(role))
        }
        let primaryName = k8sPod.flatMap { $0.primaryContainerName.isEmpty ? nil : $0.primaryContainerName } ?? pod.primaryContainerName
        guard let index = ContainerEdits.index(of: primaryName, in: pod.spec), let primary = pod.spec["containers"]?.array?[index].object else {
            let field = role == .driver ? "driverPod" : "executorPod"
            let named = k8sPod.map { !$0.primaryContainerName.isEmpty } ?? false
            guard named else { throw .missingPrimaryContainer(name: primaryName) }
            throw refuse(
                "its \(field) names the primary container '\(primaryName)', which the \(role)'s pod does not have (its containers: \(ContainerEdits.names(in: pod.spec))); Flyte reports 'primary container [\(primaryName)] not defined'"
            )
        }
        let shape = try conf.shape(for: role, task: task.id.name)
        let name = role == .driver ? "spark-kubernetes-driver" : "spark-kubernetes-executor"
        var container: JSONObject = ["name": .string(name), "image": primary["image"] ?? ""]
        if let env = primary["env"] { container["env"] = env }
        if let context = primary["securityContext"] { container["securityContext"] = context }
        container["resources"] = shape.resources.json

        var spec: JSONObject = ["containers": [.object(container)], "restartPolicy": "Never"]
        for field in ["affinity", "tolerations", "nodeSelector", "securityContext", "dnsConfig", "priorityClassName"] {
            if let value = pod.spec[field] { spec[field] = value }
        }
        if let scheduler = pod.spec["schedulerName"]?.string, !scheduler.isEmpty { spec["schedulerName"] = .string(scheduler) }
        spec["hostNetwork"] = pod.spec["hostNetwork"] ?? false
        // serviceAccountName(): the execution's account, else "spark".
        spec["serviceAccountName"] = .string(execution.serviceAccount.isEmpty ? "spark" : execution.serviceAccount)

        // Provenance: pod-level pointers stay; the primary container's move to index 0.
        var provenance: [JSONPointer: String] = [:]
        let from = JSONPointer(tokens: ["spec", "containers", String(index)])
        for (pointer, owner) in pod.provenance {
            if pointer.starts(with: from), pointer.tokens.count > from.tokens.count {
                let rest = pointer.tokens.dropFirst(from.tokens.count)
                if rest.first == "image" || rest.first == "securityContext" {
                    provenance[JSONPointer(tokens: ["spec", "containers", "0"] + rest)] = owner
                }
            } else if !pointer.starts(with: "/spec/containers") && !pointer.starts(with: "/spec/initContainers") {
                provenance[pointer] = owner
            }
        }
        let confLayer = "Spark configuration of spark task \(task.id.name) (memory \(shape.memoryExplanation))"
        for (kind, list) in [("requests", shape.resources.requests), ("limits", shape.resources.limits)] {
            for name in list.names { provenance[JSONPointer(tokens: ["spec", "containers", "0", "resources", kind, name])] = confLayer }
        }
        var result = BuiltPod(metadata: pod.metadata, spec: spec, primaryContainerName: name, provenance: provenance)
        let because = "Spark sizes the \(role) from the Spark configuration (spark.\(role).memory, spark.\(role).cores, ...)"
        if let stated = task.container?.resources, !stated.isEmpty {
            result.notes.append(
                ResourceNotes.ignored(
                    try ContainerResources(flyte: stated, at: "task \(task.id.name) resources"), what: "the task's resources", because: because,
                    container: name, pointer: "/spec/containers/0", layer: "\(execution.taskLayer) (resources)"))
        }
        if !execution.overrideResources.isEmpty {
            result.notes.append(
                ResourceNotes.ignored(
                    execution.overrideResources, what: "the node's resource override", because: because, container: name,
                    pointer: "/spec/containers/0",
                    layer: execution.overrideLayer + " (resources)"))
        }
        result.addMetadata(labels: k8sPod?.labels ?? [:], annotations: k8sPod?.annotations ?? [:])
        return (result, shape.replicas)
    }
}
