import PolicyCore
import PolicyJSON

/// Builds a node's pod the way flytepropeller's `ToK8sPodSpec` does (flyteplugins `flytek8s`,
/// Flyte 1 at v1.16.8). Each step is its own function, named after the Go function it follows,
/// so the vectors transcribed from Flyte's tests can drive them one by one.
package struct PodBuilder: Sendable {
    package var config: PlatformConfig
    package var templates: PodTemplateStore

    package init(config: PlatformConfig = PlatformConfig(), templates: PodTemplateStore = PodTemplateStore()) {
        self.config = config
        self.templates = templates
    }

    // MARK: - The whole pod

    /// `ToK8sPodSpec`: the raw pod, per-container customization, `UpdatePod`, the base
    /// PodTemplate merge, extended resources, the image override, extended-resource tolerations.
    package func build(_ execution: TaskExecution) throws(ResolutionError) -> BuiltPod {
        var values = ValueLayers()
        var (spec, metadata, primary, rawLayer) = try buildRawPod(execution)
        values.record(before: [:], after: spec, layer: rawLayer)
        // Who wrote the pod's own lists: a finding about a missing toleration points at the list.
        var listLayers: [String: String] = [:]
        for field in ["tolerations", "nodeSelector", "affinity"] where spec[field].map({ !Mergo.isEmpty($0) }) ?? false {
            listLayers[field] = rawLayer
        }

        let base = try basePodTemplate(namespace: execution.namespace, task: execution.task)
        let baseLayer = base.map { "cluster PodTemplate '\($0.name)' (namespace \($0.namespace))" }

        // Per container: init containers first, then app containers (ApplyFlytePodConfiguration).
        var appResources: [ContainerResources] = []
        var foundPrimary = false
        var notes: [SubjectNote] = []
        let platformResources = ResourceAdjustment.platformWithTaskResources(execution.platformResources, config: config)
        for field in ["initContainers", "containers"] {
            guard var containers = spec[field]?.array else { continue }
            for index in containers.indices {
                guard var container = containers[index].object else {
                    throw .invalidPodSpec(pointer: JSONPointer(tokens: ["spec", field, String(index)]), reason: "a container must be an object")
                }
                let name = container["name"]?.string ?? ""
                let isInit = field == "initContainers"
                let resources = try customizeResources(
                    of: container, at: ContainerPlace(field: field, index: index, name: name, isPrimary: !isInit && name == primary),
                    execution: execution, base: base, layers: (raw: rawLayer, base: baseLayer), platform: platformResources, values: &values,
                    notes: &notes)
                container["resources"] = resources.json
                decorateEnvironment(&container)
                containers[index] = .object(container)
                if !isInit {
                    appResources.append(resources)
                    if name == primary { foundPrimary = true }
                }
            }
            spec[field] = .array(containers)
        }
        guard foundPrimary else { throw .missingPrimaryContainer(name: primary) }

        var before = spec
        updatePod(&spec, interruptible: execution.interruptible, serviceAccount: execution.serviceAccount, resources: appResources)
        if let context = config.defaultSecurityContext, let index = ContainerEdits.index(of: primary, in: spec) {
            ContainerEdits.edit(&spec, at: index) { container in
                if container["securityContext"] == nil { container["securityContext"] = .object(context) }
            }
        }
        values.record(before: before, after: spec, layer: "platform config (plugins.k8s)")
        if execution.interruptible, !config.interruptibleNodeSelector.isEmpty {
            var layered = before
            layered["nodeSelector"] = spec["nodeSelector"]
            values.record(before: before, after: layered, layer: "platform interruptible-node-selector (interruptible task)")
        }

        if let base {
            before = spec
            let markedTemplate = LayerMarks.markSpec(base.spec, baseLayer)
            spec = try mergeBasePodSpecOntoTemplate(template: markedTemplate, base: spec, primaryContainerName: primary, primaryInitContainerName: "")
            metadata = Mergo.merge(base.metadata, metadata)
            values.record(before: before, after: spec, layer: baseLayer ?? "")
        }

        let extended = applyExtendedResourcesOverrides(base: execution.task.extendedResources, overrides: execution.overrides.extendedResources)
        if let accelerator = extended.gpuAccelerator {
            let from =
                execution.overrides.extendedResources?.gpuAccelerator != nil
                ? execution.overrideLayer : execution.taskLayer
            let layer = "GPU accelerator \(accelerator.summary) (\(from))"
            before = spec
            applyGPUNodeSelectors(&spec, accelerator: accelerator, layer: layer)
            values.record(before: before, after: spec, layer: layer)
        }
        if let memory = extended.sharedMemory {
            try applySharedMemory(&spec, primaryContainerName: primary, sharedMemory: memory)
        }
        if !execution.overrides.containerImage.isEmpty {
            before = spec
            applyContainerImageOverride(&spec, image: execution.overrides.containerImage, primaryContainerName: primary)
            values.record(before: before, after: spec, layer: execution.overrideLayer + " (container image)")
        }
        addTolerationsForExtendedResources(&spec)

        var layers: [JSONPointer: String] = [:]
        let cleanSpec = LayerMarks.stripSpec(spec, into: &layers)
        values.addPointers(for: cleanSpec, into: &layers, replacing: false)
        for (field, layer) in listLayers where cleanSpec[field] != nil { layers[JSONPointer(tokens: ["spec", field])] = layer }
        return BuiltPod(metadata: metadata, spec: cleanSpec, primaryContainerName: primary, provenance: layers, notes: notes)
    }

    /// Where a container sits and what it is to the pod.
    struct ContainerPlace {
        var field: String
        var index: Int
        var name: String
        var isPrimary: Bool
        var isInit: Bool { field == "initContainers" }
        var pointer: JSONPointer { Container.pointer(list: field, index) }
    }

    /// The resource part of `AddFlyteCustomizationsToContainerWithPodTemplate` for one container:
    /// its resources through every stage, each value's layer recorded for provenance, and the
    /// notes of what a stage lowered or replaced.
    private func customizeResources(
        of container: JSONObject, at place: ContainerPlace, execution: TaskExecution, base: PodTemplateStore.PodTemplate?,
        layers: (raw: String, base: String?), platform: ContainerResources, values: inout ValueLayers, notes: inout [SubjectNote]
    ) throws(ResolutionError) -> ContainerResources {
        let name = place.name
        let mode: ResourceAdjustment.Mode = (place.isInit || place.isPrimary) ? .mergeExistingResources : .ensureExistingResourcesInRange
        let templateResources =
            try base.map { (template) throws(ResolutionError) in
                try ResourceAdjustment.fromPodTemplate(template.spec, containerName: name, initContainers: place.isInit)
            }
        let pointer = place.pointer
        var resources = try ContainerResources(json: container["resources"], at: pointer.appending("resources"))
        let stages = ResourceAdjustment.customizeInStages(
            resources, mode: mode, overrides: execution.overrideResources, platform: platform,
            podTemplate: templateResources, config: config)
        var asked = ResourceNotes()
        for stage in stages {
            let layer: String =
                switch stage.stage {
                case .nodeOverride: execution.overrideResourcesLayer
                case .podTemplate: layers.base ?? "cluster PodTemplate"
                case .platform: "platform resource defaults and limits (default-cpus, default-memory, task_resources)"
                case .own: layers.raw
                }
            switch stage.stage {
            case .own: asked.record(stage.resources, layer: layer)
            case .nodeOverride:
                if let stated = execution.overrideResourcesAsked, let group = execution.replicaGroup {
                    notes += asked.replaceByGroup(
                        applied: execution.overrideResources, stated: stated, group: group, layer: layer, container: name, pointer: pointer)
                } else {
                    asked.record(execution.overrideResources, layer: layer)
                }
            case .podTemplate: asked.record(stage.resources, layer: layer, since: resources)
            case .platform:
                notes += asked.lowered(
                    in: stage.resources, platformLimits: platform.limits, gpuResourceName: config.gpuResourceName, container: name,
                    pointer: pointer)
            }
            values.recordResources(place.field, container: name, before: resources, after: stage.resources, layer: layer)
            resources = stage.resources
        }
        if place.isPrimary, let hidden = execution.hiddenOverrideResources {
            notes.append(
                ResourceNotes.ignored(
                    hidden, what: "the node's resource override",
                    because: "the \(execution.replicaGroup ?? "replica group") states its own resources, which Flyte uses instead",
                    container: name, pointer: pointer, layer: execution.overrideLayer + " (resources)"))
        }
        return resources
    }

    /// The part of `DecorateEnvVars` that comes from the platform: `default-env-vars`, then
    /// `envFrom` for `default-env-from-configmaps` and `default-env-from-secrets`. (Execution
    /// variables such as `FLYTE_INTERNAL_EXECUTION_ID` exist only at run time.)
    private func decorateEnvironment(_ container: inout JSONObject) {
        if !config.defaultEnvVars.isEmpty {
            var env = container["env"]?.array ?? []
            for (name, value) in config.defaultEnvVars.entries.sorted(by: { $0.key < $1.key }) {
                env.append(["name": .string(name), "value": value])
            }
            container["env"] = .array(env)
        }
        if !config.defaultEnvFromConfigMaps.isEmpty || !config.defaultEnvFromSecrets.isEmpty {
            var envFrom = container["envFrom"]?.array ?? []
            for name in config.defaultEnvFromSecrets { envFrom.append(["secretRef": ["name": .string(name)]]) }
            for name in config.defaultEnvFromConfigMaps { envFrom.append(["configMapRef": ["name": .string(name)]]) }
            container["envFrom"] = .array(envFrom)
        }
    }

    // MARK: - Raw pod

    /// `BuildRawPod`: the task's container or pod spec, replaced by the node's pod-template
    /// override when that has a pod spec.
    package func buildRawPod(
        _ execution: TaskExecution
    ) throws(ResolutionError)
        -> (spec: JSONObject, metadata: JSONObject, primary: String, layer: String)
    {
        let task = execution.task
        var spec: JSONObject
        var labels = JSONObject()
        var annotations = JSONObject()
        var primary: String
        var layer: String
        if let container = task.container {
            layer = "task resources of \(task.id.name)"
            var object: JSONObject = ["name": .string(execution.generatedName), "image": .string(container.image)]
            if !container.command.isEmpty { object["command"] = .array(container.command.map(JSONValue.string)) }
            if !container.args.isEmpty { object["args"] = .array(container.args.map(JSONValue.string)) }
            if !container.env.isEmpty {
                object["env"] = .array(container.env.map { ["name": .string($0.key), "value": .string($0.value)] })
            }
            let resources = try ContainerResources(flyte: container.resources, at: "task \(task.id.name) container.resources")
            if !resources.isEmpty { object["resources"] = resources.json }
            object["terminationMessagePolicy"] = "FallbackToLogsOnError"
            if !config.imagePullPolicy.isEmpty { object["imagePullPolicy"] = .string(config.imagePullPolicy) }
            if let context = config.defaultSecurityContext { object["securityContext"] = .object(context) }
            spec = ["containers": [.object(object)]]
            primary = execution.generatedName
        } else if let pod = task.k8sPod {
            guard let podSpec = pod.podSpec else { throw .missingPodSpec(task: task.id.name) }
            guard let name = task.config["primary_container_name"] else { throw .missingPrimaryContainerName }
            layer = "task pod template of \(task.id.name)"
            spec = podSpec
            primary = name
            labels = pod.labels
            annotations = pod.annotations
        } else {
            throw .noPodTarget(task: task.id.name, type: task.type)
        }
        spec = LayerMarks.markSpec(spec, layer)
        if let override = execution.overrides.podTemplate, let overrideSpec = override.podSpec {
            layer = execution.overrideLayer + " (pod template)"
            spec = LayerMarks.markSpec(overrideSpec, layer)
            primary = override.primaryContainerName
            for (key, value) in override.labels { labels[key] = value }
            for (key, value) in override.annotations { annotations[key] = value }
        }
        var metadata = JSONObject()
        if !labels.isEmpty { metadata["labels"] = .object(labels) }
        if !annotations.isEmpty { metadata["annotations"] = .object(annotations) }
        return (spec, metadata, primary, layer)
    }

    // MARK: - UpdatePod and scheduling helpers

    /// `GetPodTolerations`: resource tolerations (by resource name, sorted here where Go's order
    /// is undefined), then interruptible, then default tolerations.
    package func podTolerations(interruptible: Bool, resources: [ContainerResources]) -> [JSONValue] {
        var names = Set<String>()
        for requirement in resources {
            for name in requirement.limits.names { names.insert(name) }
            for name in requirement.requests.names { names.insert(name) }
        }
        var tolerations: [JSONValue] = []
        for (resource, list) in config.resourceTolerations.sorted(by: { $0.resource < $1.resource }) where names.contains(resource) {
            tolerations += LayerMarks.mark(list, "platform resource-tolerations for \(resource)")
        }
        if interruptible {
            tolerations += LayerMarks.mark(config.interruptibleTolerations, "platform interruptible-tolerations (interruptible task)")
        }
        tolerations += LayerMarks.mark(config.defaultTolerations, "platform default-tolerations")
        return tolerations
    }

    /// `UpdatePod`.
    package func updatePod(_ spec: inout JSONObject, interruptible: Bool, serviceAccount: String, resources: [ContainerResources]) {
        if (spec["restartPolicy"]?.string ?? "").isEmpty { spec["restartPolicy"] = "Never" }
        let tolerations = podTolerations(interruptible: interruptible, resources: resources) + (spec["tolerations"]?.array ?? [])
        spec["tolerations"] = tolerations.isEmpty ? nil : .array(tolerations)
        if (spec["serviceAccountName"]?.string ?? "").isEmpty, !serviceAccount.isEmpty { spec["serviceAccountName"] = .string(serviceAccount) }
        if (spec["schedulerName"]?.string ?? "").isEmpty, !config.schedulerName.isEmpty { spec["schedulerName"] = .string(config.schedulerName) }
        var selector = config.defaultNodeSelector
        for (key, value) in spec["nodeSelector"]?.object ?? [:] { selector[key] = value }
        if interruptible {
            for (key, value) in config.interruptibleNodeSelector { selector[key] = value }
        }
        spec["nodeSelector"] = selector.isEmpty ? nil : .object(selector)
        if spec["affinity"] == nil || spec["affinity"] == .null, let affinity = config.defaultAffinity {
            spec["affinity"] = .object(LayerMarks.markAffinity(affinity, "platform default-affinity"))
        }
        if spec["securityContext"] == nil, let context = config.defaultPodSecurityContext { spec["securityContext"] = .object(context) }
        if let hostNetwork = config.enableHostNetworkingPod { spec["hostNetwork"] = .bool(hostNetwork) }
        if spec["dnsConfig"] == nil, let dns = config.defaultPodDNSConfig { spec["dnsConfig"] = .object(dns) }
        applyInterruptibleNodeAffinity(&spec, interruptible: interruptible)
    }

    /// `ApplyInterruptibleNodeAffinity`: the pod always gets an affinity; the configured
    /// (non-)interruptible requirement goes into every required term.
    package func applyInterruptibleNodeAffinity(_ spec: inout JSONObject, interruptible: Bool) {
        var affinity = spec["affinity"]?.object ?? [:]
        let requirement = interruptible ? config.interruptibleNodeSelectorRequirement : config.nonInterruptibleNodeSelectorRequirement
        if let requirement {
            let layer =
                interruptible
                ? "platform interruptible-node-selector-requirement (interruptible task)"
                : "platform non-interruptible-node-selector-requirement"
            Self.addRequiredNodeSelectorRequirements(&affinity, [LayerMarks.mark(.object(requirement), layer)])
        }
        spec["affinity"] = .object(affinity)
    }

    /// `AddRequiredNodeSelectorRequirements`: appended to every required term, or one new term.
    package static func addRequiredNodeSelectorRequirements(_ affinity: inout JSONObject, _ requirements: [JSONValue]) {
        var nodeAffinity = affinity["nodeAffinity"]?.object ?? [:]
        var required = nodeAffinity["requiredDuringSchedulingIgnoredDuringExecution"]?.object ?? [:]
        var terms = required["nodeSelectorTerms"]?.array ?? []
        if terms.isEmpty {
            terms = [["matchExpressions": .array(requirements)]]
        } else {
            terms = terms.map { term in
                var object = term.object ?? [:]
                object["matchExpressions"] = .array((object["matchExpressions"]?.array ?? []) + requirements)
                return .object(object)
            }
        }
        required["nodeSelectorTerms"] = .array(terms)
        nodeAffinity["requiredDuringSchedulingIgnoredDuringExecution"] = .object(required)
        affinity["nodeAffinity"] = .object(nodeAffinity)
    }

    // MARK: - Base PodTemplate

    /// `getBasePodTemplate`: the task's `podTemplateName` must exist; the default may not.
    package func basePodTemplate(namespace: String, task: TaskTemplate) throws(ResolutionError) -> PodTemplateStore.PodTemplate? {
        if !task.podTemplateName.isEmpty {
            guard let template = templates.load(namespace: namespace, name: task.podTemplateName) else {
                throw .missingPodTemplate(name: task.podTemplateName, namespace: namespace)
            }
            return template
        }
        return templates.load(namespace: namespace, name: config.defaultPodTemplateName)
    }

    /// `MergeBasePodSpecOntoTemplate`: the built spec merged over the template's; one container
    /// per built container, started from the template's `default`, then `primary` (primary only)
    /// or a same-name template container (the others), then the built container itself.
    package func mergeBasePodSpecOntoTemplate(
        template: JSONObject, base: JSONObject, primaryContainerName: String, primaryInitContainerName: String
    ) throws(ResolutionError) -> JSONObject {
        var merged = Mergo.merge(template, base)
        for (field, defaultName, primaryName, primary) in [
            ("containers", "default", "primary", primaryContainerName),
            ("initContainers", "default-init", "primary-init", primaryInitContainerName),
        ] {
            let templateContainers = template[field]?.array ?? []
            let defaultTemplate = templateContainers.last { $0["name"]?.string == defaultName }
            let primaryTemplate = templateContainers.last { $0["name"]?.string == primaryName }
            var result: [JSONValue] = []
            for container in base[field]?.array ?? [] {
                let name = container["name"]?.string ?? ""
                var current: JSONValue? = defaultTemplate
                if name == primary, let primaryTemplate {
                    current = current.map { Mergo.merge($0, primaryTemplate) } ?? primaryTemplate
                }
                if name != primary, name != defaultName {
                    for same in templateContainers where same["name"]?.string == name {
                        current = current.map { Mergo.merge($0, same) } ?? same
                    }
                }
                result.append(current.map { Mergo.merge($0, container) } ?? container)
            }
            merged[field] = result.isEmpty ? nil : .array(result)
        }
        return merged
    }

    /// `MergeOverlayPodSpecOntoBase`: the overlay merged over the base; containers matched by name,
    /// overlay containers without a base container dropped.
    package func mergeOverlayPodSpecOntoBase(base: JSONObject, overlay: JSONObject) -> JSONObject {
        var merged = Mergo.merge(base, overlay)
        for field in ["containers", "initContainers"] {
            let overlays = overlay[field]?.array ?? []
            let result = (base[field]?.array ?? []).map { container in
                overlays.filter { $0["name"]?.string == container["name"]?.string }.reduce(container) { Mergo.merge($0, $1) }
            }
            merged[field] = result.isEmpty ? nil : .array(result)
        }
        return merged
    }

    // MARK: - Extended resources

    /// `applyExtendedResourcesOverrides`: the override's accelerator and shared memory replace
    /// the task's as a whole.
    package func applyExtendedResourcesOverrides(base: ExtendedResources?, overrides: ExtendedResources?) -> ExtendedResources {
        var result = base ?? ExtendedResources()
        if let accelerator = overrides?.gpuAccelerator { result.gpuAccelerator = accelerator }
        if let memory = overrides?.sharedMemory { result.sharedMemory = memory }
        return result
    }

    /// `ApplyGPUNodeSelectors`: only when an app container limits the GPU resource.
    package func applyGPUNodeSelectors(_ spec: inout JSONObject, accelerator: GPUAccelerator, layer: String? = nil) {
        let limitsGPU = (spec["containers"]?.array ?? []).contains { $0["resources"]?["limits"]?[config.gpuResourceName] != nil }
        guard limitsGPU else { return }
        var affinity = spec["affinity"]?.object ?? [:]
        var tolerations = spec["tolerations"]?.array ?? []
        if !accelerator.device.isEmpty {
            Self.addRequiredNodeSelectorRequirements(
                &affinity,
                [
                    LayerMarks.mark(
                        ["key": .string(config.gpuDeviceNodeLabel), "operator": "In", "values": [.string(accelerator.device)]], layer)
                ])
            tolerations.append(
                LayerMarks.mark(
                    ["key": .string(config.gpuDeviceNodeLabel), "value": .string(accelerator.device), "operator": "Equal", "effect": "NoSchedule"],
                    layer))
        }
        var requirement: JSONObject?
        var toleration: JSONObject?
        if let size = accelerator.partitionSize {
            requirement = ["key": .string(config.gpuPartitionSizeNodeLabel), "operator": "In", "values": [.string(size)]]
            toleration = ["key": .string(config.gpuPartitionSizeNodeLabel), "value": .string(size), "operator": "Equal", "effect": "NoSchedule"]
        } else if accelerator.unpartitioned == true {
            requirement =
                config.gpuUnpartitionedNodeSelectorRequirement
                ?? ["key": .string(config.gpuPartitionSizeNodeLabel), "operator": "DoesNotExist"]
            toleration = config.gpuUnpartitionedToleration
        }
        if let requirement { Self.addRequiredNodeSelectorRequirements(&affinity, [LayerMarks.mark(.object(requirement), layer)]) }
        if let toleration { tolerations.append(LayerMarks.mark(.object(toleration), layer)) }
        spec["affinity"] = .object(affinity)
        spec["tolerations"] = tolerations.isEmpty ? nil : .array(tolerations)
    }

    /// `ApplySharedMemory`: a memory-backed `emptyDir` volume mounted into the primary container.
    package func applySharedMemory(_ spec: inout JSONObject, primaryContainerName: String, sharedMemory: SharedMemory) throws(ResolutionError) {
        guard !sharedMemory.mountName.isEmpty else { throw .invalidSharedMemory("mount name is not set") }
        guard !sharedMemory.mountPath.isEmpty else { throw .invalidSharedMemory("mount path is not set") }
        var containers = spec["containers"]?.array ?? []
        guard let index = containers.firstIndex(where: { $0["name"]?.string == primaryContainerName }), var container = containers[index].object
        else {
            throw .invalidSharedMemory("unable to find primary container \(primaryContainerName)")
        }
        var volumes = spec["volumes"]?.array ?? []
        if volumes.contains(where: { $0["name"]?.string == sharedMemory.mountName }) {
            throw .invalidSharedMemory("a volume is already named \(sharedMemory.mountName) in the pod spec")
        }
        var mounts = container["volumeMounts"]?.array ?? []
        for mount in mounts {
            if mount["name"]?.string == sharedMemory.mountName {
                throw .invalidSharedMemory("mount name \(sharedMemory.mountName) is already used by the primary container")
            }
            if mount["mountPath"]?.string == sharedMemory.mountPath {
                throw .invalidSharedMemory("mount path \(sharedMemory.mountPath) is already used by the primary container")
            }
        }
        var sizeLimit: JSONValue = "0"
        if !sharedMemory.sizeLimit.isEmpty {
            do { sizeLimit = .string(try Quantity(parsing: sharedMemory.sizeLimit).description) } catch {
                throw .invalidSharedMemory("size limit '\(sharedMemory.sizeLimit)' is not a valid quantity: \(error)")
            }
        }
        volumes.append(["name": .string(sharedMemory.mountName), "emptyDir": ["medium": "Memory", "sizeLimit": sizeLimit]])
        mounts.append(["name": .string(sharedMemory.mountName), "mountPath": .string(sharedMemory.mountPath)])
        container["volumeMounts"] = .array(mounts)
        containers[index] = .object(container)
        spec["containers"] = .array(containers)
        spec["volumes"] = .array(volumes)
    }

    /// `ApplyContainerImageOverride`.
    package func applyContainerImageOverride(_ spec: inout JSONObject, image: String, primaryContainerName: String) {
        guard let index = ContainerEdits.index(of: primaryContainerName, in: spec) else { return }
        ContainerEdits.edit(&spec, at: index) { $0["image"] = .string(image) }
    }

    /// `AddTolerationsForExtendedResources`: `Exists`/`NoSchedule` for every configured resource
    /// some container or init container requests, sorted, unless an equal toleration is there.
    package func addTolerationsForExtendedResources(_ spec: inout JSONObject) {
        guard !config.addTolerationsForExtendedResources.isEmpty else { return }
        var names = Set<String>()
        for field in ["containers", "initContainers"] {
            for container in spec[field]?.array ?? [] {
                for name in config.addTolerationsForExtendedResources where container["resources"]?["requests"]?[name] != nil {
                    names.insert(name)
                }
            }
        }
        var tolerations = spec["tolerations"]?.array ?? []
        for name in names.sorted() {
            let wanted: [String?] = [name, "Exists", nil, "NoSchedule"]
            let present = tolerations.contains { existing in
                [existing["key"]?.string, existing["operator"]?.string, existing["value"]?.string, existing["effect"]?.string]
                    .map { $0 ?? "" } == wanted.map { $0 ?? "" }
            }
            if !present {
                tolerations.append(
                    LayerMarks.mark(
                        ["key": .string(name), "operator": "Exists", "effect": "NoSchedule"], "platform add-tolerations-for-extended-resources"))
            }
        }
        spec["tolerations"] = tolerations.isEmpty ? nil : .array(tolerations)
    }
}

extension ResourceAdjustment {
    /// flyteadmin's task-resource defaults and limits fill what the execution's platform
    /// resources do not set.
    static func platformWithTaskResources(_ platform: ContainerResources, config: PlatformConfig) -> ContainerResources {
        var result = platform
        mergeIfMissing(config.taskResources, into: &result)
        return result
    }
}

extension Container {
    /// `/spec/containers/0` for a container list named as a pod spec names it, from the
    /// pointers made once per run for the first few (``Container/pointer(_:_:)``).
    static func pointer(list: String, _ index: Int) -> JSONPointer {
        ContainerKind(rawValue: list).map { pointer($0, index) } ?? ("/spec" as JSONPointer).appending(list).appending(index)
    }
}
