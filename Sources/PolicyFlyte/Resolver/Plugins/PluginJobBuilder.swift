import PolicyCore
import PolicyJSON

/// Builds the pods of a plugin task, one ``ReplicaPod`` per replica group, the way each
/// flyteplugins v1.16.8 plugin builds its job object from `ToK8sPodSpec`. The plugins live in
/// extensions, one file each (`KubeflowJobs.swift`, `RayJobs.swift`, `SparkJobs.swift`,
/// `DaskJobs.swift`).
struct PluginJobBuilder {
    let builder: PodBuilder
    let execution: TaskExecution

    var task: TaskTemplate { execution.task }
    var config: PlatformConfig { builder.config }

    /// The pods of `workload`.
    func build(_ workload: TaskPlugin.Workload) throws(ResolutionError) -> [ReplicaPod] {
        switch workload {
        case .pod: [ReplicaPod(role: nil, replicas: 1, interruptible: nil, pod: try builder.build(execution))]
        case .kubeflow(let kind): try kubeflow(kind)
        case .rayJob: try rayJob()
        case .sparkApplication: try sparkApplication()
        case .daskJob: try daskJob()
        case .noPod: []
        }
    }

    /// Provenance wording: `worker group 'gpu' of ray task demo.tune`.
    func layer(_ role: ReplicaRole) -> String { "\(role) of \(task.type) task \(task.id.name)" }

    /// The task's `custom`, for the plugin's typed reads; pointers start at `/custom`.
    var custom: FlyteJSONReader {
        FlyteJSONReader(.object(task.custom ?? [:]), pointer: JSONPointer.root.appending("custom"), source: task.id.name)
    }

    /// Runs typed reads of `custom`, turning their errors into the resolution error propeller's
    /// `BadTaskSpecification` corresponds to.
    func reading<T>(_ body: () throws(FlyteDecodingError) -> T) throws(ResolutionError) -> T {
        do { return try body() } catch { throw .invalidCustom(task: task.id.name, pointer: error.location, reason: error.reason) }
    }

    func refuse(_ reason: String) -> ResolutionError {
        .pluginRefused(task: task.id.name, plugin: task.type, reason: reason)
    }

    /// A replica group's `core.Resources` as the plugins apply them (`ToK8sResourceRequirements`
    /// then `ApplyK8sResourceOverrides`: cpu and memory assigned from the limit or the platform
    /// default when unset, everything clamped to the platform limits).
    /// - Returns: the resources as stated (`asked`) and as applied.
    func groupResources(
        _ resources: FlyteResources, at location: String
    ) throws(ResolutionError)
        -> (asked: ContainerResources, applied: ContainerResources)
    {
        let converted = try ContainerResources(flyte: resources, at: location)
        let platform = ResourceAdjustment.platformWithTaskResources(execution.platformResources, config: config)
        return (converted, ResourceAdjustment.applyOverrides(converted, platform: platform, config: config, assignIfUnset: true))
    }

    /// The execution with a group's resources in place of the node's resource override
    /// (`flytek8s.WithResources`): the node's `with_overrides(requests=..., limits=...)` no
    /// longer reaches this group.
    func execution(withGroupResources resources: FlyteResources?, role: ReplicaRole, at location: String) throws(ResolutionError) -> TaskExecution {
        var result = execution
        guard let resources, !resources.requests.isEmpty || !resources.limits.isEmpty else { return result }
        (result.overrideResourcesAsked, result.overrideResources) = try groupResources(resources, at: location)
        result.replicaGroup = layer(role)
        if !execution.overrideResources.isEmpty { result.hiddenOverrideResources = execution.overrideResources }
        return result
    }
}

extension FlyteResources {
    var isEmpty: Bool { requests.isEmpty && limits.isEmpty }
}
