import PolicyCore
import PolicyJSON

/// Everything propeller knows when it builds one node's pod: the task, the node's overrides, and
/// the execution context. Field names follow Flyte's `TaskExecutionMetadata`.
package struct TaskExecution: Sendable {
    package var task: TaskTemplate
    package var overrides: TaskNodeOverrides
    /// The node's resource override, converted to Kubernetes lists (`NodeSpec.Resources`).
    package var overrideResources: ContainerResources
    /// The node's `metadata.interruptible` when set, else the execution's.
    package var interruptible: Bool
    package var namespace: String
    package var serviceAccount: String = ""
    /// The container name of a container task (propeller's generated name).
    package var generatedName: String
    /// flyteadmin's task-resource defaults (requests) and limits.
    package var platformResources: ContainerResources

    /// Human-readable layer names for provenance.
    package var taskLayer: String
    package var overrideLayer: String
    /// The replica group whose resources a plugin put in `overrideResources` in place of the
    /// node's (`flytek8s.WithResources`), e.g. `worker of pytorch task T`; `nil` means the
    /// node's override.
    package var replicaGroup: String?
    /// The layer of `overrideResources`, for provenance.
    package var overrideResourcesLayer: String { replicaGroup.map { "\($0) (resources)" } ?? overrideLayer + " (resources)" }
    /// The replica group's resources as the task states them, before `ApplyK8sResourceOverrides`
    /// clamped them into `overrideResources`: notes compare the pod with what was asked.
    package var overrideResourcesAsked: ContainerResources?
    /// The node's resource override when a replica group's own resources replaced it.
    package var hiddenOverrideResources: ContainerResources?

    package init(
        task: TaskTemplate, overrides: TaskNodeOverrides = TaskNodeOverrides(), overrideResources: ContainerResources = ContainerResources(),
        interruptible: Bool = false, namespace: String = "", generatedName: String = "primary",
        platformResources: ContainerResources = ContainerResources(), taskLayer: String? = nil, overrideLayer: String? = nil
    ) {
        self.task = task
        self.overrides = overrides
        self.overrideResources = overrideResources
        self.interruptible = interruptible
        self.namespace = namespace
        self.generatedName = generatedName
        self.platformResources = platformResources
        self.taskLayer = taskLayer ?? "task \(task.id.name)"
        self.overrideLayer = overrideLayer ?? "node override"
    }
}

/// A pod as propeller would create it for one node.
package struct BuiltPod: Sendable {
    package var metadata: JSONObject
    package var spec: JSONObject
    package var primaryContainerName: String
    /// JSON pointer (`/spec/tolerations/2`) -> the layer that set the value there.
    package var provenance: [JSONPointer: String]
    /// What propeller will change or ignore in this pod (values lowered to platform limits, a
    /// node override a replica group hides).
    package var notes: [SubjectNote] = []
}
