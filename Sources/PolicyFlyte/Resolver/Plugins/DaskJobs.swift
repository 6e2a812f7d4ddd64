import PolicyCore
import PolicyJSON

extension PluginJobBuilder {
    /// `dask` (`dask/dask.go`): workers from the node's `ToK8sPodSpec`, the scheduler and the
    /// job runner from a non-interruptible one. A group that states resources replaces the
    /// primary container's resources whole (after `ApplyK8sResourceOverrides`), after the pod was
    /// built, so the tolerations and GPU selectors Flyte derived from the task's resources stay.
    func daskJob() throws(ResolutionError) -> [ReplicaPod] {
        let custom = self.custom
        struct Group {
            var image = ""
            var resources: FlyteResources?
            var location = ""
            var replicas = 1
        }
        let (scheduler, workers) = try reading { () throws(FlyteDecodingError) -> (Group, Group) in
            func group(_ key: String, count: String?) throws(FlyteDecodingError) -> Group {
                var result = Group()
                guard let reader = try custom.objectMember(key) else { return result }
                result.image = try reader.string("image") ?? ""
                if let resources = try reader.objectMember("resources") {
                    result.resources = try FlyteEntityDecoder.resources(resources)
                    result.location = "custom at \(resources.pointer)"
                }
                if let count {
                    result.replicas = try reader.int(count) ?? 0
                    if result.replicas < 0 {
                        throw reader.error("numberOfWorkers is a uint32 and cannot be negative", at: reader.pointer.appending(count))
                    }
                }
                return result
            }
            return (try group("scheduler", count: nil), try group("workers", count: "numberOfWorkers"))
        }
        var nonInterruptible = execution
        nonInterruptible.interruptible = false
        let pod = try builder.build(execution)
        // The second build differs only for an interruptible node.
        let quietPod = execution.interruptible ? try builder.build(nonInterruptible) : pod
        let primary = pod.primaryContainerName

        func replace(
            _ base: BuiltPod, role: ReplicaRole, name: String, group: Group?, restart: String,
            edit: @escaping (inout JSONObject, ContainerResources) -> Void
        )
            throws(ResolutionError) -> BuiltPod
        {
            var result = base
            guard let index = ContainerEdits.index(of: primary, in: result.spec) else { throw .missingPrimaryContainer(name: primary) }
            var resources = try ContainerResources(
                json: result.spec["containers"]?.array?[index]["resources"],
                at: JSONPointer(tokens: ["spec", "containers", String(index), "resources"]))
            if let group, let stated = group.resources, !stated.isEmpty {
                let asked: ContainerResources
                (asked, resources) = try groupResources(stated, at: group.location)
                // The group's resources replace the container's whole, node override included.
                let pointer = ("/spec/containers" as JSONPointer).appending(index)
                result.notes.removeAll { $0.path.starts(with: pointer) && $0.path != pointer }
                var asks = ResourceNotes()
                asks.record(asked, layer: "\(layer(role)) (resources)")
                let platform = ResourceAdjustment.platformWithTaskResources(execution.platformResources, config: config)
                result.notes += asks.lowered(
                    in: resources, platformLimits: platform.limits, gpuResourceName: config.gpuResourceName, container: name, pointer: pointer)
                if !execution.overrideResources.isEmpty {
                    result.notes.append(
                        ResourceNotes.ignored(
                            execution.overrideResources, what: "the node's resource override",
                            because: "the \(layer(role)) states its own resources, which replace the container's whole", container: name,
                            pointer: pointer,
                            layer: execution.overrideLayer + " (resources)"))
                }
            }
            try result.adjust(layer: layer(role)) { (spec) throws(ResolutionError) in
                ContainerEdits.edit(&spec, at: index) { container in
                    container["name"] = .string(name)
                    if let image = group?.image, !image.isEmpty { container["image"] = .string(image) }
                    container["resources"] = resources.json
                    edit(&container, resources)
                }
                spec["restartPolicy"] = .string(restart)
            }
            result.primaryContainerName = name
            return result
        }

        let worker = try replace(pod, role: .worker, name: "dask-worker", group: workers, restart: "Always") { container, resources in
            var args: [JSONValue] = ["dask-worker", "--name", "$(DASK_WORKER_NAME)"]
            if !resources.limits.isEmpty {
                // `limits.Cpu().Value()` rounds up to whole cores; a missing limit reads as 0.
                args += ["--nthreads", .string(String((resources.limits.value("cpu").nanos + 999_999_999) / 1_000_000_000))]
                args += ["--memory-limit", .string(resources.limits.value("memory").description)]
            }
            container["args"] = .array(args)
        }
        let schedulerPod = try replace(quietPod, role: .scheduler, name: "scheduler", group: scheduler, restart: "Always") { container, _ in
            container["args"] = ["dask-scheduler"]
            container["ports"] = [ContainerEdits.port("tcp-comm", 8786, protocol: "TCP"), ContainerEdits.port("dashboard", 8787, protocol: "TCP")]
        }
        let runner = try replace(quietPod, role: .jobRunner, name: "job-runner", group: nil, restart: "Never") { _, _ in }
        return [
            ReplicaPod(role: .jobRunner, replicas: 1, interruptible: false, pod: runner),
            ReplicaPod(role: .scheduler, replicas: 1, interruptible: false, pod: schedulerPod),
            ReplicaPod(role: .worker, replicas: workers.replicas, interruptible: nil, pod: worker),
        ]
    }
}
