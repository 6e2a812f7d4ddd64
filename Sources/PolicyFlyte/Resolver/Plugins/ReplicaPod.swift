import PolicyCore
import PolicyJSON

/// One group of identical pods a plugin task launches: a PyTorch worker, a Ray worker group,
/// the Spark executors. A plain task has one, with no role.
package struct ReplicaPod: Sendable {
    package var role: ReplicaRole?
    package var replicas: Int
    /// What the pods of the group run with when it differs from the node's flag (Spark drivers
    /// and Dask schedulers and job runners are built non-interruptible).
    package var interruptible: Bool?
    package var pod: BuiltPod
}

extension BuiltPod {
    /// Applies one plugin step to the spec and attributes every value it changes to `layer`:
    /// scalar and map fields by comparing before and after, list elements the step adds by the
    /// marks it puts on them (`LayerMarks`). Container order is kept by every plugin step, so
    /// the pointers already recorded stay true.
    mutating func adjust(layer: String, _ step: (inout JSONObject) throws(ResolutionError) -> Void) throws(ResolutionError) {
        var before = spec
        var changed = spec
        try step(&changed)
        // ValueLayers follows containers by name; a renamed container is the same container.
        for field in ["containers", "initContainers"] {
            guard var old = before[field]?.array, let new = changed[field]?.array else { continue }
            for index in old.indices where index < new.count {
                if var container = old[index].object, let name = new[index]["name"] {
                    container["name"] = name
                    old[index] = .object(container)
                }
            }
            before[field] = .array(old)
        }
        // Notes name containers too: a renamed container keeps its notes under its new name.
        for index in (changed["containers"]?.array ?? []).indices {
            guard let name = changed["containers"]?.array?[index]["name"]?.string else { continue }
            let pointer = ("/spec/containers" as JSONPointer).appending(index)
            for note in notes.indices where notes[note].path.starts(with: pointer) && notes[note].path != pointer { notes[note].container = name }
        }
        var values = ValueLayers()
        values.record(before: before, after: changed, layer: layer)
        var marks: [JSONPointer: String] = [:]
        spec = LayerMarks.stripSpec(changed, into: &marks)
        values.addPointers(for: spec, into: &provenance, replacing: true)
        for (pointer, owner) in marks { provenance[pointer] = owner }
    }

    /// Merges labels and annotations over the pod's own (Go's `UnionMaps`: later maps win).
    mutating func addMetadata(labels: JSONObject, annotations: JSONObject) {
        for (field, values) in [("labels", labels), ("annotations", annotations)] where !values.isEmpty {
            var merged = metadata[field]?.object ?? [:]
            for (key, value) in values { merged[key] = value }
            metadata[field] = .object(merged)
        }
    }
}

/// Edits of a pod spec's containers, by name or position, shared by `PodBuilder` and the plugins.
enum ContainerEdits {
    /// The index of the first app container named `name`.
    static func index(of name: String, in spec: JSONObject) -> Int? {
        spec["containers"]?.array?.firstIndex { $0["name"]?.string == name }
    }

    /// The app containers' names, quoted, for messages.
    static func names(in spec: JSONObject) -> String {
        (spec["containers"]?.array ?? []).map { "'\($0["name"]?.string ?? "")'" }.joined(separator: ", ")
    }

    /// The indices of every app container named `name`.
    static func indices(of name: String, in spec: JSONObject) -> [Int] {
        (spec["containers"]?.array ?? []).indices.filter { spec["containers"]?.array?[$0]["name"]?.string == name }
    }

    /// Changes the container at `index` in place.
    static func edit(_ spec: inout JSONObject, at index: Int, _ change: (inout JSONObject) -> Void) {
        guard var containers = spec["containers"]?.array, containers.indices.contains(index), var container = containers[index].object else {
            return
        }
        change(&container)
        containers[index] = .object(container)
        spec["containers"] = .array(containers)
    }

    /// Appends to a list member of a container (`env`, `ports`).
    static func append(_ values: [JSONValue], to field: String, of container: inout JSONObject) {
        container[field] = .array((container[field]?.array ?? []) + values)
    }

    static func env(_ name: String, value: String) -> JSONValue { ["name": .string(name), "value": .string(value)] }

    static func env(_ name: String, fieldPath: String) -> JSONValue {
        ["name": .string(name), "valueFrom": ["fieldRef": ["fieldPath": .string(fieldPath)]]]
    }

    static func port(_ name: String, _ number: Int64, protocol: String? = nil) -> JSONValue {
        var object: JSONObject = ["name": .string(name), "containerPort": .integer(number)]
        if let `protocol` { object["protocol"] = .string(`protocol`) }
        return .object(object)
    }

    /// `MergeOverlayPodSpecOntoBase` with a plugin's per-group pod spec; the overlay's list
    /// elements carry `layer`.
    static func mergeOverlay(_ spec: inout JSONObject, overlay: JSONObject?, builder: PodBuilder, layer: String) {
        guard let overlay else { return }
        spec = builder.mergeOverlayPodSpecOntoBase(base: spec, overlay: LayerMarks.markSpec(overlay, layer))
    }
}
