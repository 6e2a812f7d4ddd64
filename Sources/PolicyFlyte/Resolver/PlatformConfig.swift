import PolicyCore
import PolicyJSON

/// flytepropeller's k8s plugin configuration (`plugins.k8s`, `config/config.go`), with the keys
/// that shape a task's pod, plus flyteadmin's task-resource defaults and limits.
///
/// Values start at propeller's defaults, so an empty file is the out-of-the-box platform.
package struct PlatformConfig: Sendable {
    package var defaultCPUs = Quantity(nanos: 1_000_000_000, text: "1000m")
    package var defaultMemory = Quantity(nanos: 1024 * 1024 * 1024 * 1_000_000_000, format: .binarySI, text: "1024Mi")
    package var defaultTolerations: [JSONValue] = []
    package var defaultNodeSelector = JSONObject()
    package var defaultAffinity: JSONObject?
    package var schedulerName = ""
    package var interruptibleTolerations: [JSONValue] = []
    package var interruptibleNodeSelector = JSONObject()
    package var interruptibleNodeSelectorRequirement: JSONObject?
    package var nonInterruptibleNodeSelectorRequirement: JSONObject?
    /// `resource-tolerations`: resource name -> tolerations, in file order.
    package var resourceTolerations: [(resource: String, tolerations: [JSONValue])] = []
    package var imagePullPolicy = ""
    package var gpuDeviceNodeLabel = "k8s.amazonaws.com/accelerator"
    package var gpuPartitionSizeNodeLabel = "k8s.amazonaws.com/gpu-partition-size"
    package var gpuUnpartitionedNodeSelectorRequirement: JSONObject?
    package var gpuUnpartitionedToleration: JSONObject?
    package var gpuResourceName = "nvidia.com/gpu"
    package var defaultPodSecurityContext: JSONObject?
    package var defaultSecurityContext: JSONObject?
    package var enableHostNetworkingPod: Bool?
    package var defaultPodDNSConfig: JSONObject?
    package var defaultPodTemplateName = ""
    package var addTolerationsForExtendedResources: [String] = []
    package var defaultLabels = JSONObject()
    package var defaultAnnotations: JSONObject = ["cluster-autoscaler.kubernetes.io/safe-to-evict": "false"]
    package var defaultEnvVars = JSONObject()
    package var defaultEnvFromConfigMaps: [String] = []
    package var defaultEnvFromSecrets: [String] = []
    /// flyteadmin's `task_resources`: `defaults` fill missing requests, `limits` cap them.
    package var taskResources = ContainerResources()
    /// Which plugin runs each task type (`tasks.task-plugins`, `plugins.connector-service`).
    package var dispatch = PluginDispatch.builtIn
    /// `plugins.spark.spark-config-default`, in file order, and `plugins.spark.features`.
    package var sparkDefaults: [(key: String, value: String)] = []
    package var sparkFeatures: [(name: String, config: [(key: String, value: String)])] = []
    /// `plugins.ray.serviceAccount`: replaces the execution's service account on Ray pods.
    package var rayServiceAccount = ""

    package init() {}

    /// Keys propeller reads that do not change the pod spec; accepted without a warning.
    static let ignoredKeys: Set<String> = [
        "inject-finalizer", "co-pilot", "delete-resource-on-finalize", "create-container-error-grace-period",
        "create-container-config-error-grace-period", "image-pull-backoff-grace-period", "pod-pending-timeout",
        "default-pod-template-resync", "send-object-events", "update-base-backoff-duration", "update-backoff-retries",
        "enable-distributed-error-aggregation", "default-env-vars-from-env",
    ]

    /// Reads the configuration: the file as it sits in propeller's config map (keys under
    /// `plugins.k8s`) or a bare mapping of those keys.
    ///
    /// - Returns: the configuration and one warning per unknown key.
    /// - Throws: a ``PlatformConfigError`` naming the key when a value has the wrong type.
    package static func decode(_ value: JSONValue, source: String) throws(PlatformConfigError) -> (config: PlatformConfig, warnings: [String]) {
        guard var root = value.object else {
            if value == .null { return (PlatformConfig(), []) }
            throw PlatformConfigError(source: source, key: "", reason: "the platform configuration must be a mapping, found \(value.kind.phrase)")
        }
        var prefix = ""
        var taskResources: JSONValue?
        if let admin = root["task_resources"] ?? root["task-resources"] {
            taskResources = admin
            root["task_resources"] = nil
            root["task-resources"] = nil
        }
        let tasks = root["tasks"]
        root["tasks"] = nil
        var reader = Reader(source: source, prefix: prefix)
        var config = PlatformConfig()
        var warnings: [String] = []
        var connectorTypes = PluginDispatch.knownConnectorTaskTypes
        if let plugins = root["plugins"]?.object {
            try config.readPluginSections(plugins, connectorTypes: &connectorTypes, reader: &reader)
            if let k8s = plugins["k8s"]?.object {
                root = k8s
                prefix = "plugins.k8s."
                reader.prefix = prefix
            } else if plugins.entries.contains(where: { Self.pluginSections.contains($0.key) }) {
                // Other plugins' sections alone: no k8s keys, but task_resources still apply.
                root = [:]
            } else {
                throw PlatformConfigError(source: source, key: "plugins", reason: "no 'k8s' section under 'plugins'")
            }
        }
        for (key, raw) in root {
            reader.key = key
            if let read = Self.k8sKeys[key] {
                try read(&config, &reader, raw)
            } else if !ignoredKeys.contains(key) {
                let suggestion = Suggest.closest(to: key, among: knownKeys).map { " (did you mean '\($0)'?)" } ?? ""
                warnings.append("\(source): unknown key '\(prefix)\(key)'\(suggestion); flytepropeller ignores it too")
            }
        }
        if let taskResources {
            reader.prefix = ""
            reader.key = "task_resources"
            let admin = try reader.mapping(taskResources)
            for (section, list) in admin {
                reader.key = "task_resources.\(section)"
                var map = ResourceList()
                for (name, quantity) in try reader.mapping(list) {
                    reader.key = "task_resources.\(section).\(name)"
                    let resourceName = name == "gpu" ? config.gpuResourceName : name
                    map[resourceName] = try reader.quantity(quantity)
                }
                switch section {
                case "defaults": config.taskResources.requests = map
                case "limits": config.taskResources.limits = map
                default: throw PlatformConfigError(source: source, key: "task_resources.\(section)", reason: "expected 'defaults' or 'limits'")
                }
            }
        }
        return try config.finish(tasks: tasks, connectorTypes: connectorTypes, reader: &reader, warnings: warnings)
    }

    /// The plugin sections besides `k8s` that change what a plugin task's pods look like.
    static let pluginSections: Set<String> = ["spark", "ray", "connector-service", "agent-service"]

    private mutating func readPluginSections(
        _ plugins: JSONObject, connectorTypes: inout Set<String>, reader: inout Reader
    ) throws(PlatformConfigError) {
        reader.prefix = "plugins."
        for service in ["connector-service", "agent-service"] {
            if let section = plugins[service]?.object, let types = section["supportedTaskTypes"] {
                reader.key = "\(service).supportedTaskTypes"
                connectorTypes.formUnion(try reader.stringList(types))
            }
        }
        if let spark = plugins["spark"]?.object {
            if let defaults = spark["spark-config-default"] {
                reader.key = "spark.spark-config-default"
                sparkDefaults = try reader.stringMap(defaults).entries.map { ($0.key, $0.value.string ?? "") }
            }
            if let features = spark["features"] {
                reader.key = "spark.features"
                for feature in try reader.objectList(features) {
                    let name = feature["name"]?.string ?? ""
                    reader.key = "spark.features.\(name).spark-config"
                    let values = try reader.stringMap(feature["spark-config"] ?? .null).entries.map { ($0.key, $0.value.string ?? "") }
                    sparkFeatures.append((name, values))
                }
            }
        }
        if let ray = plugins["ray"]?.object, let account = ray["serviceAccount"] {
            reader.key = "ray.serviceAccount"
            rayServiceAccount = try reader.string(account)
        }
        reader.prefix = ""
    }

    /// Reads `tasks.task-plugins` (propeller's plugin choice; its other `tasks` keys do not shape
    /// pods) and settles which plugin runs each task type.
    private consuming func finish(
        tasks: JSONValue?, connectorTypes: Set<String>, reader: inout Reader, warnings: [String]
    )
        throws(PlatformConfigError) -> (config: PlatformConfig, warnings: [String])
    {
        var config = self
        var warnings = warnings
        let settings = tasks?.object?["task-plugins"]?.object
        reader.prefix = "tasks.task-plugins."
        let known = ["enabled-plugins", "default-for-task-types"]
        for key in settings?.entries.map(\.key) ?? [] where !known.contains(key) {
            // A misspelt key would leave the built-in plugin choice in place without a word.
            let suggestion = Suggest.closest(to: key, among: known).map { " (did you mean '\($0)'?)" } ?? ""
            warnings.append("\(reader.source): unknown key 'tasks.task-plugins.\(key)'\(suggestion); flytepropeller ignores it too")
        }
        var enabled: [TaskPlugin] = []
        if let names = settings?["enabled-plugins"] {
            reader.key = "enabled-plugins"
            for name in try reader.stringList(names) {
                guard let plugin = TaskPlugin(rawValue: name.lowercased()) else {
                    throw reader.fail(PluginDispatchError.unknownPlugin(name).description)
                }
                enabled.append(plugin)
            }
        }
        var defaults: [String: String] = [:]
        if let choices = settings?["default-for-task-types"] {
            reader.key = "default-for-task-types"
            for (type, plugin) in try reader.stringMap(choices).entries { defaults[type] = (plugin.string ?? "").lowercased() }
        }
        if settings != nil || connectorTypes != PluginDispatch.knownConnectorTaskTypes {
            do {
                config.dispatch = try PluginDispatch(
                    enabled: settings == nil ? PluginDispatch.builtInPlugins : enabled,
                    defaultForTaskTypes: settings == nil ? PluginDispatch.builtInDefaults : defaults, connectorTaskTypes: connectorTypes)
            } catch {
                reader.prefix = "tasks."
                reader.key = "task-plugins"
                throw reader.fail(error.description)
            }
        }
        return (config, warnings)
    }

    /// Reads one key of `plugins.k8s` into the configuration.
    private typealias KeyReader = @Sendable (inout PlatformConfig, inout Reader, JSONValue) throws(PlatformConfigError) -> Void

    /// Every key of propeller's k8s plugin configuration flyte-policy reads, and how.
    private static let k8sKeys: [String: KeyReader] = [
        "default-cpus": { config, reader, raw throws(PlatformConfigError) in config.defaultCPUs = try reader.quantity(raw) },
        "default-memory": { config, reader, raw throws(PlatformConfigError) in config.defaultMemory = try reader.quantity(raw) },
        "default-tolerations": { config, reader, raw throws(PlatformConfigError) in config.defaultTolerations = try reader.objectList(raw) },
        "default-node-selector": { config, reader, raw throws(PlatformConfigError) in config.defaultNodeSelector = try reader.stringMap(raw) },
        "default-affinity": { config, reader, raw throws(PlatformConfigError) in config.defaultAffinity = try reader.object(raw) },
        "scheduler-name": { config, reader, raw throws(PlatformConfigError) in config.schedulerName = try reader.string(raw) },
        "interruptible-tolerations": { config, reader, raw throws(PlatformConfigError) in config.interruptibleTolerations = try reader.objectList(raw)
        },
        "interruptible-node-selector": { config, reader, raw throws(PlatformConfigError) in
            config.interruptibleNodeSelector = try reader.stringMap(raw)
        },
        "interruptible-node-selector-requirement": { config, reader, raw throws(PlatformConfigError) in
            config.interruptibleNodeSelectorRequirement = try reader.object(raw)
        },
        "non-interruptible-node-selector-requirement": { config, reader, raw throws(PlatformConfigError) in
            config.nonInterruptibleNodeSelectorRequirement = try reader.object(raw)
        },
        "resource-tolerations": { config, reader, raw throws(PlatformConfigError) in
            for (resource, tolerations) in try reader.mapping(raw) {
                reader.key = "resource-tolerations.\(resource)"
                config.resourceTolerations.append((resource, try reader.objectList(tolerations)))
            }
        },
        "image-pull-policy": { config, reader, raw throws(PlatformConfigError) in config.imagePullPolicy = try reader.string(raw) },
        "gpu-device-node-label": { config, reader, raw throws(PlatformConfigError) in config.gpuDeviceNodeLabel = try reader.string(raw) },
        "gpu-partition-size-node-label": { config, reader, raw throws(PlatformConfigError) in
            config.gpuPartitionSizeNodeLabel = try reader.string(raw)
        },
        "gpu-unpartitioned-node-selector-requirement": { config, reader, raw throws(PlatformConfigError) in
            config.gpuUnpartitionedNodeSelectorRequirement = try reader.object(raw)
        },
        "gpu-unpartitioned-toleration": { config, reader, raw throws(PlatformConfigError) in
            config.gpuUnpartitionedToleration = try reader.object(raw)
        },
        "gpu-resource-name": { config, reader, raw throws(PlatformConfigError) in config.gpuResourceName = try reader.string(raw) },
        "default-pod-security-context": { config, reader, raw throws(PlatformConfigError) in config.defaultPodSecurityContext = try reader.object(raw)
        },
        "default-security-context": { config, reader, raw throws(PlatformConfigError) in config.defaultSecurityContext = try reader.object(raw) },
        "enable-host-networking-pod": { config, reader, raw throws(PlatformConfigError) in config.enableHostNetworkingPod = try reader.bool(raw) },
        "default-pod-dns-config": { config, reader, raw throws(PlatformConfigError) in config.defaultPodDNSConfig = try reader.object(raw) },
        "default-pod-template-name": { config, reader, raw throws(PlatformConfigError) in config.defaultPodTemplateName = try reader.string(raw) },
        "add-tolerations-for-extended-resources": { config, reader, raw throws(PlatformConfigError) in
            config.addTolerationsForExtendedResources = try reader.stringList(raw)
        },
        "default-labels": { config, reader, raw throws(PlatformConfigError) in config.defaultLabels = try reader.stringMap(raw) },
        "default-annotations": { config, reader, raw throws(PlatformConfigError) in config.defaultAnnotations = try reader.stringMap(raw) },
        "default-env-vars": { config, reader, raw throws(PlatformConfigError) in config.defaultEnvVars = try reader.stringMap(raw) },
        "default-env-from-configmaps": { config, reader, raw throws(PlatformConfigError) in
            config.defaultEnvFromConfigMaps = try reader.stringList(raw)
        },
        "default-env-from-secrets": { config, reader, raw throws(PlatformConfigError) in config.defaultEnvFromSecrets = try reader.stringList(raw) },
    ]

    /// The keys read, for suggestions when one is misspelt.
    static var knownKeys: [String] { k8sKeys.keys.sorted() }

    /// Typed reads of one key (``JSONReadable``'s conversions) with propeller's leniency: one
    /// object where a list is expected, a list of one-key mappings where a mapping is expected.
    /// Errors name the configuration key (`plugins.k8s.default-tolerations`), as its users write it.
    private struct Reader {
        let source: String
        var prefix: String
        var key = ""

        func fail(_ reason: String) -> PlatformConfigError {
            PlatformConfigError(source: source, key: prefix + key, reason: reason)
        }

        func string(_ value: JSONValue) throws(PlatformConfigError) -> String {
            if value == .null { return "" }
            do { return try value.expectString() } catch { throw fail(error.description) }
        }

        func bool(_ value: JSONValue) throws(PlatformConfigError) -> Bool {
            do { return try value.expectBool() } catch { throw fail(error.description) }
        }

        func quantity(_ value: JSONValue) throws(PlatformConfigError) -> Quantity {
            do throws(QuantityError) { return try Quantity(json: value) } catch { throw fail(error.description) }
        }

        func object(_ value: JSONValue) throws(PlatformConfigError) -> JSONObject? {
            if value == .null { return nil }
            guard let object = value.object else { throw fail("expected a mapping, found \(value.kind.phrase)") }
            return object
        }

        func objectList(_ value: JSONValue) throws(PlatformConfigError) -> [JSONValue] {
            switch value {
            case .null: return []
            case .object: return [value]
            case .array(let elements):
                for element in elements where element.object == nil {
                    throw fail("expected a list of mappings, found \(element.kind.phrase) in it")
                }
                return elements
            default: throw fail("expected a list of mappings, found \(value.kind.phrase)")
            }
        }

        func mapping(_ value: JSONValue) throws(PlatformConfigError) -> [(String, JSONValue)] {
            switch value {
            case .null: return []
            case .object(let object): return object.entries.map { ($0.key, $0.value) }
            case .array(let elements):
                var result: [(String, JSONValue)] = []
                for element in elements {
                    guard let object = element.object else { throw fail("expected a mapping, found a list holding \(element.kind.phrase)") }
                    result += object.entries.map { ($0.key, $0.value) }
                }
                return result
            default: throw fail("expected a mapping, found \(value.kind.phrase)")
            }
        }

        func stringMap(_ value: JSONValue) throws(PlatformConfigError) -> JSONObject {
            var result = JSONObject()
            for (name, raw) in try mapping(value) {
                switch raw {
                case .string: result[name] = raw
                case .integer, .real, .bool:
                    result[name] = .string(raw.number.map { JSONValue.format(real: $0) } ?? (raw.bool == true ? "true" : "false"))
                default: throw fail("the value of '\(name)' must be a string, found \(raw.kind.phrase)")
                }
            }
            return result
        }

        func stringList(_ value: JSONValue) throws(PlatformConfigError) -> [String] {
            switch value {
            case .null: return []
            case .string(let text): return [text]
            case .array(let elements):
                return try elements.map { (element) throws(PlatformConfigError) in try string(element) }
            default: throw fail("expected a list of strings, found \(value.kind.phrase)")
            }
        }
    }
}

/// A platform configuration value of the wrong type.
package struct PlatformConfigError: Error, Sendable, CustomStringConvertible {
    package var source: String
    package var key: String
    package var reason: String

    package var description: String {
        key.isEmpty ? "\(source): \(reason)." : "\(source): '\(key)': \(reason)."
    }
}
