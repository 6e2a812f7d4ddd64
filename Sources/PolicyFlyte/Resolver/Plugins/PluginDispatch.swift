/// Which plugin runs a task type, decided the way flytepropeller v1.16.8 decides it
/// (`nodes/task/plugin_config.go` `WranglePluginsAndGenerateFinalList`, `handler.go` `Setup`
/// and `ResolvePlugin`):
///
/// 1. the enabled plugins (`tasks.task-plugins.enabled-plugins`; empty enables every plugin)
///    register their task types;
/// 2. `default-for-task-types` picks the plugin of a type several plugins register; a type with
///    one plugin gets it; a type with several and no choice stops propeller from starting;
/// 3. a task type no plugin registers goes to the connector service when a connector announces
///    it, else to the one `IsDefault` plugin (`container`), else the task fails.
package struct PluginDispatch: Sendable {
    /// The plugin each registered task type resolves to.
    package private(set) var plugins: [String: TaskPlugin] = [:]
    /// The fallback for unregistered types (`container` or `pod`), when enabled.
    package private(set) var defaultPlugin: TaskPlugin?
    /// Task types a connector (or the deprecated agent service) announces.
    package private(set) var connectorTaskTypes: Set<String> = []
    package private(set) var enabled: [TaskPlugin] = []

    /// The task types of flytekit's connectors (flytekit 1.16 plugins): a deployment with the
    /// connector service runs these outside the cluster. Connectors announce their types at run
    /// time, so a deployment may have more; `plugins.connector-service.supportedTaskTypes` adds them.
    package static let knownConnectorTaskTypes: Set<String> = [
        "sensor", "airflow", "bigquery_query_job_task", "snowflake", "databricks", "mmcloud_task", "openai-batch", "chatgpt",
        "boto", "sagemaker-create-model", "sagemaker-create-endpoint-config", "sagemaker-create-endpoint", "sagemaker-invoke-endpoint",
        "perian_task", "slurm", "slurm_fn", "slurm_shell", "dgx", "api_task",
    ]

    /// The deployment flyte-policy assumes without `--platform` task-plugin settings: the pod
    /// plugins of Flyte's Helm charts plus every plugin whose pods flyte-policy resolves, and the
    /// connector service.
    package static let builtIn: PluginDispatch = {
        // These choices are consistent by construction (tested), so the error branch is unreachable.
        let dispatch = try? PluginDispatch(enabled: builtInPlugins, defaultForTaskTypes: builtInDefaults, connectorTaskTypes: knownConnectorTaskTypes)
        return dispatch ?? PluginDispatch()
    }()

    /// The plugins and `default-for-task-types` of ``builtIn``; `--platform` settings that only
    /// add connector task types keep them.
    package static let builtInPlugins: [TaskPlugin] = [
        .container, .sidecar, .k8sArray, .pytorch, .tensorflow, .mpi, .ray, .spark, .dask, .echo, .connectorService,
    ]
    package static let builtInDefaults = ["container": "container", "sidecar": "sidecar", "container_array": "k8s-array"]

    private init() {}

    /// Propeller's setup, with its refusals as errors.
    package init(enabled: [TaskPlugin], defaultForTaskTypes: [String: String], connectorTaskTypes: Set<String>) throws(PluginDispatchError) {
        self.enabled = enabled.isEmpty ? TaskPlugin.allCases : enabled
        var candidates: [String: [TaskPlugin]] = [:]
        var types: [String] = []
        for plugin in self.enabled {
            for type in plugin.registeredTaskTypes {
                if candidates[type] == nil { types.append(type) }
                candidates[type, default: []].append(plugin)
                if defaultForTaskTypes[type] == plugin.rawValue { plugins[type] = plugin }
            }
            if plugin.isDefault {
                if let existing = defaultPlugin, existing != plugin { throw .twoDefaultPlugins(existing, plugin) }
                defaultPlugin = plugin
            }
        }
        for type in types where plugins[type] == nil {
            guard let registered = candidates[type], registered.count == 1, let only = registered.first else {
                throw .ambiguous(type: type, plugins: candidates[type] ?? [])
            }
            plugins[type] = only
        }
        if self.enabled.contains(.connectorService) || self.enabled.contains(.agentService) {
            self.connectorTaskTypes = connectorTaskTypes
        }
    }

    /// How propeller resolves a task type.
    package enum Decision: Sendable, Equatable {
        /// A plugin registered for the type.
        case registered(TaskPlugin)
        /// A connector announces the type: it runs outside the cluster.
        case connector
        /// No plugin claims the type; the default plugin runs it.
        case fallback(TaskPlugin)
        /// No plugin at all: propeller fails the task.
        case unsupported
    }

    package func decide(_ taskType: String) -> Decision {
        if let plugin = plugins[taskType] { return .registered(plugin) }
        if connectorTaskTypes.contains(taskType) { return .connector }
        if let defaultPlugin { return .fallback(defaultPlugin) }
        return .unsupported
    }
}

/// A task-plugin configuration propeller refuses to start with.
package enum PluginDispatchError: Error, Sendable, Equatable, CustomStringConvertible {
    case twoDefaultPlugins(TaskPlugin, TaskPlugin)
    case ambiguous(type: String, plugins: [TaskPlugin])
    case unknownPlugin(String)

    package var description: String {
        switch self {
        case .twoDefaultPlugins(let first, let second):
            "plugins '\(first.rawValue)' and '\(second.rawValue)' are both default plugins; enable only one of them (propeller refuses to start: 'cannot set plugin as default')"
        case .ambiguous(let type, let plugins):
            "task type '\(type)' is registered by \(plugins.map { "'\($0.rawValue)'" }.joined(separator: " and ")); choose one in default-for-task-types (propeller refuses to start: 'Multiple plugins registered to handle task type')"
        case .unknownPlugin(let name):
            "'\(name)' is not a plugin flytepropeller v1.16.8 has (known: \(TaskPlugin.allCases.map(\.rawValue).joined(separator: ", ")))"
        }
    }
}
