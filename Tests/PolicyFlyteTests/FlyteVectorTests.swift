import PolicyCore
import PolicyJSON
import Testing

@testable import PolicyFlyte

/// Runs every case transcribed from Flyte's own tests of pod building (v1.16.8) against the
/// resolver's step of the same name.
@Suite("Flyte pod-building vectors")
struct FlyteVectorTests {
    static let podCases = Vectors.load("pod.json")
    static let resourceCases = Vectors.load("resource-adjustment.json")
    static let tolerationCases = Vectors.load("tolerations.json")

    @Test func vectorFilesAreThere() {
        #expect(Self.podCases.count == 71)
        #expect(Self.resourceCases.count == 49)
        #expect(Self.tolerationCases.count == 8)
    }

    @Test("pod.json", arguments: podCases) func pod(_ vector: Vectors.Case) throws {
        try run(vector)
    }

    @Test("resource-adjustment.json", arguments: resourceCases) func resources(_ vector: Vectors.Case) throws {
        try run(vector)
    }

    @Test("tolerations.json", arguments: tolerationCases) func tolerations(_ vector: Vectors.Case) throws {
        let builder = PodBuilder(config: try Vectors.config(vector.platform))
        let resources = try (vector.input["resources"]?.array ?? []).map { try Vectors.resources($0) }
        let actual = builder.podTolerations(interruptible: vector.input["interruptible"]?.bool ?? false, resources: resources)
            .map(LayerMarks.unmarked)
        let expected = vector.expect?["tolerations"]?.array ?? []
        // The Go test checks the count and membership, not the order.
        #expect(actual.count == expected.count, "\(vector)")
        for toleration in expected {
            #expect(actual.contains { Vectors.matches(toleration, $0) }, "\(vector): missing \(toleration.compactText)")
        }
    }

    private func run(_ vector: Vectors.Case) throws {
        let outcome: Result<JSONObject, Error>
        do { outcome = .success(try execute(vector)) } catch { outcome = .failure(error) }
        switch outcome {
        case .failure(let error):
            #expect(vector.expectError != nil, "\(vector): unexpected error \(error)")
            if let wanted = vector.expectError, !wanted.isEmpty, let resolution = error as? VectorError {
                #expect(resolution.message.contains(wanted), "\(vector): error '\(resolution.message)' does not say '\(wanted)'")
            }
        case .success(let result):
            #expect(vector.expectError == nil, "\(vector): expected an error '\(vector.expectError ?? "")'")
            var clean = LayerMarks.unmarked(.object(result)).object ?? result
            if ["applyResourceOverrides", "addFlyteCustomizationsToContainer"].contains(vector.operation) {
                clean = Self.onlyAssertedResources(clean, expected: vector.expect ?? [:])
            }
            for (key, expected) in vector.expect ?? [:] {
                if let problem = Vectors.check(key, expected, in: clean) {
                    Issue.record("\(vector): \(problem)")
                }
            }
        }
    }

    struct VectorError: Error { var message: String }

    /// For these operations `expect` names only the resources the Go test asserts.
    static func onlyAssertedResources(_ result: JSONObject, expected: JSONObject) -> JSONObject {
        func filter(_ actual: JSONValue?, _ wanted: JSONValue?) -> JSONValue? {
            guard let actual = actual?.object, let wanted = wanted?.object else { return nil }
            return .object(JSONObject(actual.entries.filter { wanted[$0.key] != nil }.map { ($0.key, $0.value) }))
        }
        var result = result
        for key in ["requests", "limits"] { result[key] = filter(result[key], expected[key]) }
        if var resources = result["resources"]?.object {
            for key in ["requests", "limits"] { resources[key] = filter(resources[key], expected["resources"]?[key]) }
            result["resources"] = .object(resources)
        }
        return result
    }

    /// One operation of FORMAT.md, on the resolver's step of the same name.
    private func execute(_ vector: Vectors.Case) throws -> JSONObject {
        let input = vector.input
        let config = try Vectors.config(vector.platform)
        var builder = PodBuilder(config: config)
        let spec = input["podSpec"]?.object ?? [:]
        switch vector.operation {
        case "addRequiredNodeSelectorRequirements":
            var affinity = input["affinity"]?.object ?? [:]
            PodBuilder.addRequiredNodeSelectorRequirements(&affinity, input["requirements"]?.array ?? [])
            return ["affinity": .object(affinity)]
        case "applyInterruptibleNodeAffinity":
            var spec = spec
            builder.applyInterruptibleNodeAffinity(&spec, interruptible: input["interruptible"]?.bool ?? false)
            return ["podSpec": .object(spec)]
        case "applyExtendedResourcesOverrides":
            let result = builder.applyExtendedResourcesOverrides(
                base: try Vectors.extendedResources(input["base"]), overrides: try Vectors.extendedResources(input["overrides"]))
            return ["extendedResources": Vectors.json(result)]
        case "applyGPUNodeSelectors":
            var spec = spec
            let accelerator = try Vectors.extendedResources(["gpuAccelerator": input["gpuAccelerator"] ?? [:]])?.gpuAccelerator ?? GPUAccelerator()
            builder.applyGPUNodeSelectors(&spec, accelerator: accelerator)
            return ["podSpec": .object(spec)]
        case "updatePod":
            var spec = spec
            let resources = try (input["resourceRequirements"]?.array ?? []).map { try Vectors.resources($0) }
            builder.updatePod(
                &spec, interruptible: input["interruptible"]?.bool ?? false, serviceAccount: input["serviceAccount"]?.string ?? "",
                resources: resources)
            return ["podSpec": .object(spec)]
        case "getBasePodTemplate":
            builder.templates = try Vectors.store(input["podTemplateStore"])
            let task = try FlyteEntityDecoder.task(FlyteJSONReader(withId(input["taskTemplate"]), source: "vector"))
            do {
                guard let template = try builder.basePodTemplate(namespace: input["namespace"]?.string ?? "", task: task) else {
                    return ["podTemplate": .null]
                }
                return [
                    "podTemplate": [
                        "metadata": ["name": .string(template.name), "namespace": .string(template.namespace)],
                        "template": ["metadata": .object(template.metadata), "spec": .object(template.spec)],
                    ]
                ]
            } catch { throw VectorError(message: "\(error)") }
        case "mergeWithBasePodTemplate":
            builder.templates = try Vectors.store(input["podTemplateStore"])
            let task = try FlyteEntityDecoder.task(FlyteJSONReader(withId(input["taskTemplate"]), source: "vector"))
            guard let template = try builder.basePodTemplate(namespace: input["namespace"]?.string ?? "", task: task) else {
                return ["podSpec": .object(spec), "objectMeta": input["objectMeta"] ?? [:]]
            }
            let merged = try builder.mergeBasePodSpecOntoTemplate(
                template: template.spec, base: spec, primaryContainerName: input["primaryContainerName"]?.string ?? "",
                primaryInitContainerName: input["primaryInitContainerName"]?.string ?? "")
            return ["podSpec": .object(merged), "objectMeta": .object(Mergo.merge(template.metadata, input["objectMeta"]?.object ?? [:]))]
        case "mergeBasePodSpecOntoTemplate":
            guard let template = input["templatePodSpec"]?.object, let base = input["basePodSpec"]?.object else {
                throw VectorError(message: "neither the templatePodSpec or the basePodSpec can be nil")
            }
            return [
                "podSpec": .object(
                    try builder.mergeBasePodSpecOntoTemplate(
                        template: template, base: base, primaryContainerName: input["primaryContainerName"]?.string ?? "",
                        primaryInitContainerName: input["primaryInitContainerName"]?.string ?? ""))
            ]
        case "mergeOverlayPodSpecOntoBase":
            guard let base = input["basePodSpec"]?.object, let overlay = input["overlayPodSpec"]?.object else {
                throw VectorError(message: "neither the basePodSpec or the overlayPodSpec can be nil")
            }
            return ["podSpec": .object(builder.mergeOverlayPodSpecOntoBase(base: base, overlay: overlay))]
        case "addTolerationsForExtendedResources":
            var spec = spec
            builder.addTolerationsForExtendedResources(&spec)
            return ["podSpec": .object(spec)]
        case "applySharedMemory":
            var spec = spec
            let memory = try Vectors.extendedResources(["sharedMemory": input["sharedMemory"] ?? [:]])?.sharedMemory ?? SharedMemory()
            do { try builder.applySharedMemory(&spec, primaryContainerName: input["primaryContainerName"]?.string ?? "", sharedMemory: memory) } catch
            {
                throw VectorError(message: error.description)
            }
            return ["podSpec": .object(spec)]
        case "toK8sPodSpec":
            builder.templates = try Vectors.store(input["podTemplateStore"])
            let task = try FlyteEntityDecoder.task(FlyteJSONReader(withId(input["taskTemplate"]), source: "vector"))
            let overrides = input["overrides"]
            var nodeOverrides = TaskNodeOverrides()
            nodeOverrides.extendedResources = try Vectors.extendedResources(overrides?["extendedResources"])
            nodeOverrides.containerImage = overrides?["containerImage"]?.string ?? ""
            if let pod = overrides?["podTemplate"], pod != .null {
                nodeOverrides.podTemplate = try FlyteEntityDecoder.k8sPod(FlyteJSONReader(pod, source: "vector"))
            }
            let execution = input["taskExecution"]
            let run = TaskExecution(
                task: task, overrides: nodeOverrides, overrideResources: try Vectors.resources(overrides?["resourceRequirements"]),
                interruptible: input["interruptible"]?.bool ?? false, namespace: execution?["namespace"]?.string ?? "",
                generatedName: execution?["generatedName"]?.string ?? "",
                platformResources: try Vectors.resources(execution?["platformResources"]))
            var withAccount = run
            withAccount.serviceAccount = execution?["serviceAccount"]?.string ?? ""
            do {
                let pod = try builder.build(withAccount)
                return ["podSpec": .object(pod.spec), "objectMeta": .object(pod.metadata)]
            } catch { throw VectorError(message: "\(error)") }
        case "adjustOrDefaultResource":
            let result = ResourceAdjustment.adjustOrDefault(
                request: try quantity(input["request"]), limit: try quantity(input["limit"]),
                platformDefault: try quantity(input["platformDefault"]), platformLimit: try quantity(input["platformLimit"]))
            return ["request": .string(result.request.description), "limit": .string(result.limit.description)]
        case "ensureResourceRange":
            let result = ResourceAdjustment.ensureRange(
                request: try quantity(input["request"]), limit: try quantity(input["limit"]), platformLimit: try quantity(input["platformLimit"]))
            return ["request": .string(result.request.description), "limit": .string(result.limit.description)]
        case "applyResourceOverrides":
            let result = ResourceAdjustment.applyOverrides(
                try Vectors.resources(input["resources"]), platform: try Vectors.resources(input["platformResources"]), config: config,
                assignIfUnset: input["assignIfUnset"]?.bool ?? true)
            return ["requests": result.requests.json, "limits": result.limits.json]
        case "sanitizeGPUResourceRequirements":
            var resources = try Vectors.resources(input["resources"])
            ResourceAdjustment.sanitizeGPU(&resources, gpuResourceName: config.gpuResourceName)
            return ["resources": resources.json]
        case "mergeResources", "mergeResourcesIfMissing":
            var out = try Vectors.resources(input["out"])
            let source = try Vectors.resources(input["in"])
            if vector.operation == "mergeResources" {
                ResourceAdjustment.merge(source, into: &out)
            } else {
                ResourceAdjustment.mergeIfMissing(source, into: &out)
            }
            return ["out": out.json]
        case "addFlyteCustomizationsToContainer":
            let mode = ResourceAdjustment.Mode(rawValue: input["mode"]?.string ?? "") ?? .mergeExistingResources
            let template = input["podTemplateResources"].flatMap { $0 == .null ? nil : $0 }
            let result = ResourceAdjustment.customize(
                try Vectors.resources(input["container"]?["resources"]), mode: mode, overrides: try Vectors.resources(input["overrideResources"]),
                platform: try Vectors.resources(input["platformResources"]), podTemplate: try template.map { try Vectors.resources($0) },
                config: config)
            return ["resources": result.json]
        case "extractContainerResourcesFromPodTemplate":
            let result = try ResourceAdjustment.fromPodTemplate(
                input["podTemplateSpec"]?.object, containerName: input["containerName"]?.string ?? "",
                initContainers: input["initContainers"]?.bool ?? false)
            return ["resources": result.json]
        default:
            throw VectorError(message: "operation \(vector.operation) is not known to the runner")
        }
    }

    private func quantity(_ value: JSONValue?) throws -> Quantity {
        try Quantity(parsing: value?.string ?? "0")
    }

    /// Vector task templates may omit the id the resolver requires.
    private func withId(_ value: JSONValue?) -> JSONValue {
        var object = value?.object ?? [:]
        if object["id"] == nil { object["id"] = ["name": "vector-task"] }
        return .object(object)
    }
}
