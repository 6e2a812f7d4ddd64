import PolicyJSON

/// Why a node's pod cannot be built. Flyte itself would fail these nodes at run time, so the
/// check cannot say anything faithful about them either: they are errors, not findings.
package enum ResolutionError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingPodTemplate(name: String, namespace: String)
    case missingPrimaryContainer(name: String)
    case missingPrimaryContainerName
    case noPodTarget(task: String, type: String)
    case missingPodSpec(task: String)
    case taskNotFound(String)
    case workflowNotFound(String)
    case invalidPodSpec(pointer: JSONPointer, reason: String)
    case invalidResource(location: String, name: String, value: String, reason: String)
    case invalidSharedMemory(String)
    case recursion(String)
    /// The task's `custom` (its plugin's configuration) cannot be read by the plugin.
    case invalidCustom(task: String, pointer: String, reason: String)
    /// The plugin refuses the task as written (`number of workers must be greater than 0`).
    case pluginRefused(task: String, plugin: String, reason: String)
    /// No enabled plugin runs the task type and no default plugin is enabled.
    case noPlugin(task: String, type: String)

    package var description: String {
        switch self {
        case .missingPodTemplate(let name, let namespace):
            "PodTemplate '\(name)' does not exist in namespace '\(namespace)' or in propeller's namespace; pass the cluster's PodTemplates with --pod-templates (Flyte fails this task the same way)"
        case .missingPrimaryContainer(let name):
            "the primary container '\(name)' is not defined in the pod spec (Flyte fails this task with 'primary container [\(name)] not defined')"
        case .missingPrimaryContainerName:
            "the task's pod template names no primary container (config 'primary_container_name' is missing)"
        case .noPodTarget(let task, let type):
            "task \(task) (type '\(type)') has neither a container nor a k8sPod target, so it runs no pod flyte-policy can resolve"
        case .missingPodSpec(let task):
            "task \(task) has a k8sPod target without a podSpec"
        case .taskNotFound(let name):
            "the task \(name) is referenced but not among the inputs; pass the whole package or the task's spec too"
        case .workflowNotFound(let name):
            "the workflow \(name) is referenced but not among the inputs; pass the whole package or the workflow's spec too"
        case .invalidPodSpec(let pointer, let reason):
            "the pod spec is invalid at \(pointer.shown): \(reason)"
        case .invalidResource(let location, let name, let value, let reason):
            "\(location): resource \(name) = '\(value)' is not a valid quantity: \(reason)"
        case .invalidSharedMemory(let reason):
            "shared memory cannot be applied: \(reason)"
        case .recursion(let name):
            "the workflow \(name) includes itself through sub-workflows"
        case .invalidCustom(let task, let pointer, let reason):
            "task \(task): its plugin configuration is invalid at \(pointer): \(reason) (Flyte fails this task the same way)"
        case .pluginRefused(let task, let plugin, let reason):
            "task \(task): the \(plugin) plugin refuses it: \(reason) (Flyte fails this task the same way)"
        case .noPlugin(let task, let type):
            "task \(task): no enabled plugin runs task type '\(type)' and no default plugin is enabled; enable one in tasks.task-plugins (Flyte fails this task the same way)"
        }
    }
}
