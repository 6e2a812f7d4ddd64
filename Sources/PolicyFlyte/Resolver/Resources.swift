import PolicyCore
import PolicyJSON

extension ResourceList {
    /// The list as Kubernetes JSON writes it, in its order.
    var json: JSONValue {
        .object(JSONObject(map { ($0.key, .string($0.value.description)) }))
    }
}

/// A container's Kubernetes `ResourceRequirements` (requests and limits) as Flyte's container helpers see them.
package struct ContainerResources: Sendable, Equatable {
    package var requests = ResourceList()
    package var limits = ResourceList()

    package init(requests: ResourceList = ResourceList(), limits: ResourceList = ResourceList()) {
        self.requests = requests
        self.limits = limits
    }

    package var isEmpty: Bool { requests.isEmpty && limits.isEmpty }

    /// Reads `{requests: {...}, limits: {...}}`; quantities must parse as Kubernetes would.
    /// - Parameter pointer: spelled only for an error: every container of every pod is read.
    package init(json: JSONValue?, at pointer: @autoclosure () -> JSONPointer) throws(ResolutionError) {
        guard let json, json != .null else { return }
        guard let object = json.object else { throw .invalidPodSpec(pointer: pointer(), reason: "resources must be an object") }
        requests = try Self.map(object["requests"], pointer().appending("requests"))
        limits = try Self.map(object["limits"], pointer().appending("limits"))
    }

    private static func map(_ value: JSONValue?, _ pointer: @autoclosure () -> JSONPointer) throws(ResolutionError) -> ResourceList {
        var result = ResourceList()
        guard let value, value != .null else { return result }
        guard let object = value.object else { throw .invalidPodSpec(pointer: pointer(), reason: "a resource list must be an object") }
        for (name, raw) in object {
            do throws(QuantityError) {
                // Kubernetes reads `null` as a zero quantity.
                result[name] = raw == .null ? .zero : try Quantity(json: raw)
            } catch {
                throw .invalidPodSpec(pointer: pointer().appending(name), reason: error.description)
            }
        }
        return result
    }

    /// `{requests, limits}` with empty lists left out, as Kubernetes JSON writes it.
    package var json: JSONValue {
        var object = JSONObject()
        if !limits.isEmpty { object["limits"] = limits.json }
        if !requests.isEmpty { object["requests"] = requests.json }
        return .object(object)
    }

    /// flyteidl `Resources` entries to Kubernetes lists (`ToK8sResourceList`): GPU becomes
    /// `nvidia.com/gpu` whatever the configured GPU resource name, zero values and STORAGE are
    /// dropped, and a value that does not parse is an error.
    /// - Parameter location: spelled only for an error.
    package init(flyte: FlyteResources, at location: @autoclosure () -> String) throws(ResolutionError) {
        requests = try Self.convert(flyte.requests, "\(location()).requests")
        limits = try Self.convert(flyte.limits, "\(location()).limits")
    }

    private static func convert(_ entries: [FlyteResources.Entry], _ location: @autoclosure () -> String) throws(ResolutionError) -> ResourceList {
        var result = ResourceList()
        for entry in entries {
            let quantity: Quantity
            do { quantity = try Quantity(parsing: entry.value) } catch {
                throw .invalidResource(location: location(), name: entry.name, value: entry.value, reason: error.description)
            }
            let name: String? =
                switch entry.name {
                case "CPU": "cpu"
                case "MEMORY": "memory"
                case "GPU": "nvidia.com/gpu"
                case "EPHEMERAL_STORAGE": "ephemeral-storage"
                default: nil
                }
            if let name, !quantity.isZero { result[name] = quantity }
        }
        return result
    }
}

/// Flyte's resource arithmetic (`container_helper.go`), one function per Go function so each
/// can be checked against the vectors transcribed from Flyte's tests.
package enum ResourceAdjustment {
    /// `AdjustOrDefaultResource`: request <- limit <- platform default; limit <- request; then clamp.
    package static func adjustOrDefault(
        request: Quantity, limit: Quantity, platformDefault: Quantity, platformLimit: Quantity
    )
        -> (request: Quantity, limit: Quantity)
    {
        var request = request
        var limit = limit
        if request.isZero { request = limit.isZero ? platformDefault : limit }
        if limit.isZero { limit = request }
        return ensureRange(request: request, limit: limit, platformLimit: platformLimit)
    }

    /// `ensureResourceRange`: both clamped down to the platform limit, the request to the limit.
    package static func ensureRange(request: Quantity, limit: Quantity, platformLimit: Quantity) -> (request: Quantity, limit: Quantity) {
        let request = clamp(clamp(request, platformLimit), clamp(limit, platformLimit))
        return (request, clamp(limit, platformLimit))
    }

    /// `ensureResourceLimit`: zero on either side means "no constraint".
    static func clamp(_ value: Quantity, _ limit: Quantity) -> Quantity {
        if value.isZero || limit.isZero { return value }
        return value > limit ? limit : value
    }

    /// `SanitizeGPUResourceRequirements`: the generic `gpu` name becomes the GPU resource name.
    package static func sanitizeGPU(_ resources: inout ContainerResources, gpuResourceName: String) {
        if let value = resources.requests["gpu"] {
            resources.requests[gpuResourceName] = value
            resources.requests["gpu"] = nil
        }
        if let value = resources.limits["gpu"] {
            resources.limits[gpuResourceName] = value
            resources.limits["gpu"] = nil
        }
    }

    /// `MergeResources`: every key of `overlay` replaces the same key of `target`.
    package static func merge(_ overlay: ContainerResources, into target: inout ContainerResources) {
        for (name, quantity) in overlay.limits { target.limits[name] = quantity }
        for (name, quantity) in overlay.requests { target.requests[name] = quantity }
    }

    /// `MergeResourcesIfMissing`: keys of `source` fill only what `target` lacks.
    package static func mergeIfMissing(_ source: ContainerResources, into target: inout ContainerResources) {
        for (name, quantity) in source.limits where !target.limits.contains(name) { target.limits[name] = quantity }
        for (name, quantity) in source.requests where !target.requests.contains(name) { target.requests[name] = quantity }
    }

    /// `ApplyResourceOverrides`: cpu and memory always; ephemeral storage and the GPU only when
    /// present. With `assignIfUnset` missing values are assigned, otherwise only clamped.
    package static func applyOverrides(
        _ resources: ContainerResources, platform: ContainerResources, config: PlatformConfig, assignIfUnset: Bool
    ) -> ContainerResources {
        var resources = resources
        var platform = platform
        if !platform.requests.contains("cpu") { platform.requests["cpu"] = config.defaultCPUs }
        if !platform.requests.contains("memory") { platform.requests["memory"] = config.defaultMemory }
        var names = ["cpu", "memory"]
        if resources.requests.contains("ephemeral-storage") || resources.limits.contains("ephemeral-storage") {
            names.append("ephemeral-storage")
        }
        if resources.requests.contains(config.gpuResourceName) || resources.limits.contains(config.gpuResourceName) {
            names.append(config.gpuResourceName)
        }
        for name in names {
            let adjusted =
                assignIfUnset
                ? adjustOrDefault(
                    request: resources.requests.value(name), limit: resources.limits.value(name),
                    platformDefault: platform.requests.value(name), platformLimit: platform.limits.value(name))
                : ensureRange(
                    request: resources.requests.value(name), limit: resources.limits.value(name), platformLimit: platform.limits.value(name))
            resources.requests[name] = adjusted.request
            resources.limits[name] = adjusted.limit
        }
        return resources
    }

    /// How a container's resources are customized (`ResourceCustomizationMode`).
    package enum Mode: String, Sendable {
        /// Primary and init containers: override > own > pod template > platform default.
        case mergeExistingResources
        /// Other app containers: template fills gaps, then clamped, never assigned.
        case ensureExistingResourcesInRange
        case assignResources
    }

    /// Which configuration layer a customization stage applies.
    package enum Stage: Sendable {
        /// The container's own resources, with `gpu` renamed.
        case own
        case nodeOverride
        case podTemplate
        case platform
    }

    /// The resource part of `AddFlyteCustomizationsToContainerWithPodTemplate`.
    package static func customize(
        _ container: ContainerResources, mode: Mode, overrides: ContainerResources, platform: ContainerResources,
        podTemplate: ContainerResources?, config: PlatformConfig
    ) -> ContainerResources {
        let stages = customizeInStages(container, mode: mode, overrides: overrides, platform: platform, podTemplate: podTemplate, config: config)
        return stages.last?.resources ?? container
    }

    /// The same customization, with the resources after each stage, so that the resolver can
    /// attribute every value to the layer that set it.
    package static func customizeInStages(
        _ container: ContainerResources, mode: Mode, overrides: ContainerResources, platform: ContainerResources,
        podTemplate: ContainerResources?, config: PlatformConfig
    ) -> [(stage: Stage, resources: ContainerResources)] {
        var current = container
        sanitizeGPU(&current, gpuResourceName: config.gpuResourceName)
        var stages: [(stage: Stage, resources: ContainerResources)] = [(.own, current)]
        let template = podTemplate ?? ContainerResources()
        switch mode {
        case .assignResources:
            stages.append((.platform, applyOverrides(overrides, platform: platform, config: config, assignIfUnset: true)))
        case .mergeExistingResources:
            merge(overrides, into: &current)
            stages.append((.nodeOverride, current))
            mergeIfMissing(template, into: &current)
            stages.append((.podTemplate, current))
            stages.append((.platform, applyOverrides(current, platform: platform, config: config, assignIfUnset: true)))
        case .ensureExistingResourcesInRange:
            mergeIfMissing(template, into: &current)
            stages.append((.podTemplate, current))
            stages.append((.platform, applyOverrides(current, platform: platform, config: config, assignIfUnset: false)))
        }
        return stages
    }

    /// `ExtractContainerResourcesFromPodTemplate`: same name, else `primary`, else `default`
    /// (`primary-init` / `default-init` for init containers).
    package static func fromPodTemplate(
        _ templateSpec: JSONObject?, containerName: String, initContainers: Bool
    ) throws(ResolutionError)
        -> ContainerResources
    {
        guard let templateSpec else { return ContainerResources() }
        let field = initContainers ? "initContainers" : "containers"
        let containers = templateSpec[field]?.array ?? []
        let fallbacks = initContainers ? ["primary-init", "default-init"] : ["primary", "default"]
        for wanted in [containerName] + fallbacks {
            if let index = containers.firstIndex(where: { $0["name"]?.string == wanted }) {
                return try ContainerResources(
                    json: containers[index]["resources"], at: JSONPointer(tokens: ["template", "spec", field, String(index), "resources"]))
            }
        }
        return ContainerResources()
    }
}
