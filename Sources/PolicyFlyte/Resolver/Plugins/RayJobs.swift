import PolicyCore
import PolicyJSON

extension PluginJobBuilder {
    /// `ray` (`ray/ray.go` `BuildResource`, `constructRayJob`): one pod spec from
    /// `ToK8sPodSpec` with the plugin's service account, then the head (primary container
    /// `ray-head`), every worker group (`ray-worker`), each merged with its own `k8sPod`
    /// (`MergeOverlayPodSpecOntoBase`) and given extended-resource tolerations, and the job
    /// submitter, the task's pod as built.
    func rayJob() throws(ResolutionError) -> [ReplicaPod] {
        let custom = self.custom
        struct Group {
            var name: String
            var replicas: Int
            var maxReplicas: Int
            var pod: K8sPod?
        }
        let (head, groups, autoscaling) = try reading { () throws(FlyteDecodingError) -> (K8sPod?, [Group], Bool) in
            let cluster = try custom.objectMember("rayCluster")
            let head = try cluster?.objectMember("headGroupSpec")?.objectMember("k8sPod").map { (pod) throws(FlyteDecodingError) in
                try FlyteEntityDecoder.k8sPod(pod)
            }
            var groups: [Group] = []
            for spec in try cluster?.array("workerGroupSpec") ?? [] {
                try spec.requireObject("a worker group spec")
                let replicas = try spec.int("replicas") ?? 0
                // constructRayJob: the most pods a group may have is at least its replicas.
                let maxReplicas = max(replicas, try spec.int("maxReplicas") ?? 0)
                let pod = try spec.objectMember("k8sPod").map { (pod) throws(FlyteDecodingError) in try FlyteEntityDecoder.k8sPod(pod) }
                groups.append(Group(name: try spec.string("groupName") ?? "", replicas: replicas, maxReplicas: maxReplicas, pod: pod))
            }
            return (head, groups, try cluster?.bool("enableAutoscaling") ?? false)
        }

        var base = try builder.build(execution)
        guard let primary = ContainerEdits.index(of: base.primaryContainerName, in: base.spec) else {
            throw .missingPrimaryContainer(name: base.primaryContainerName)
        }
        // The plugin's own service account wins; without one the execution's stays.
        let account = execution.serviceAccount.isEmpty || !config.rayServiceAccount.isEmpty ? config.rayServiceAccount : execution.serviceAccount
        try base.adjust(layer: "platform ray plugin (plugins.ray.serviceAccount)") { (spec) throws(ResolutionError) in
            spec["serviceAccountName"] = account.isEmpty ? nil : .string(account)
        }
        let ports = [ContainerEdits.port("redis", 6379), ContainerEdits.port("head", 10001), ContainerEdits.port("dashboard", 8265)]

        var pods: [ReplicaPod] = []
        var headPod = base
        try headPod.adjust(layer: layer(.head)) { (spec) throws(ResolutionError) in
            ContainerEdits.edit(&spec, at: primary) { container in
                container["name"] = "ray-head"
                container["args"] = nil
                ContainerEdits.append([ContainerEdits.env("MY_POD_IP", fieldPath: "status.podIP")], to: "env", of: &container)
                ContainerEdits.append(ports, to: "ports", of: &container)
            }
            ContainerEdits.mergeOverlay(&spec, overlay: head?.podSpec, builder: builder, layer: layer(.head))
            builder.addTolerationsForExtendedResources(&spec)
        }
        headPod.primaryContainerName = "ray-head"
        headPod.addMetadata(labels: head?.labels ?? [:], annotations: head?.annotations ?? [:])
        pods.append(ReplicaPod(role: .head, replicas: 1, interruptible: nil, pod: headPod))

        for group in groups {
            let role = ReplicaRole.workerGroup(group.name)
            var pod = base
            try pod.adjust(layer: layer(role)) { (spec) throws(ResolutionError) in
                ContainerEdits.edit(&spec, at: primary) { container in
                    container["name"] = "ray-worker"
                    container["args"] = nil
                    // The plugin's own list, MEMORY_* reading cpu as it does in v1.16.8.
                    let resource = { (name: String, field: String) -> JSONValue in
                        ["name": .string(name), "valueFrom": ["resourceFieldRef": ["containerName": "ray-worker", "resource": .string(field)]]]
                    }
                    ContainerEdits.append(
                        [
                            ContainerEdits.env("RAY_DISABLE_DOCKER_CPU_WARNING", value: "1"), ContainerEdits.env("TYPE", value: "worker"),
                            resource("CPU_REQUEST", "requests.cpu"), resource("CPU_LIMITS", "limits.cpu"),
                            resource("MEMORY_REQUESTS", "requests.cpu"),
                            resource("MEMORY_LIMITS", "limits.cpu"), ContainerEdits.env("MY_POD_NAME", fieldPath: "metadata.name"),
                            ContainerEdits.env("MY_POD_IP", fieldPath: "status.podIP"),
                        ], to: "env", of: &container)
                    container["lifecycle"] = ["preStop": ["exec": ["command": ["/bin/sh", "-c", "ray stop"]]]]
                    ContainerEdits.append(ports, to: "ports", of: &container)
                }
                ContainerEdits.mergeOverlay(&spec, overlay: group.pod?.podSpec, builder: builder, layer: layer(role))
                builder.addTolerationsForExtendedResources(&spec)
            }
            pod.primaryContainerName = "ray-worker"
            pod.addMetadata(labels: group.pod?.labels ?? [:], annotations: group.pod?.annotations ?? [:])
            pods.append(ReplicaPod(role: role, replicas: autoscaling ? group.maxReplicas : group.replicas, interruptible: nil, pod: pod))
        }
        pods.append(ReplicaPod(role: .submitter, replicas: 1, interruptible: nil, pod: base))
        return pods
    }
}
