import PolicyCore
import PolicyJSON

/// Provenance of the scalar and map fields of a pod spec (node selector keys, container
/// resources and images, pod-level settings): after each build step, every field whose value
/// changed is attributed to that step's layer. Containers are tracked by name, because the base
/// PodTemplate merge rebuilds the container list.
struct ValueLayers {
    /// A field of the spec, by what it is rather than by a path to parse again: this runs for
    /// every build step of every pod, and the pointer is spelled once, for the finished pod.
    enum Field: Hashable {
        case nodeSelector(key: String)
        case pod(String)
        case container(list: String, name: String, field: String)
        case resource(list: String, name: String, kind: String, resource: String)
    }

    private(set) var layers: [Field: String] = [:]

    static let podFields = [
        "hostNetwork", "hostPID", "hostIPC", "serviceAccountName", "schedulerName", "securityContext", "priorityClassName",
        "runtimeClassName", "dnsConfig", "restartPolicy",
    ]
    static let containerFields = ["image", "securityContext"]
    static let containerLists = ["containers", "initContainers"]

    /// Attributes every field that differs between `before` and `after` to `layer`, comparing
    /// each where it sits.
    mutating func record(before: JSONObject, after: JSONObject, layer: String) {
        if layers.isEmpty { layers.reserveCapacity(24) }
        let oldSelector = before["nodeSelector"]?.object
        for (key, value) in after["nodeSelector"]?.object ?? [:] where oldSelector?[key] != value {
            layers[.nodeSelector(key: key)] = layer
        }
        for field in Self.podFields {
            if let value = after[field], before[field] != value { layers[.pod(field)] = layer }
        }
        for list in Self.containerLists {
            guard let containers = after[list]?.array else { continue }
            let oldContainers = before[list]?.array ?? []
            for (index, container) in containers.enumerated() {
                guard let name = container["name"]?.string, Self.isLastNamed(name, in: containers, from: index) else { continue }
                let previous = Self.lastNamed(name, in: oldContainers)
                for field in Self.containerFields {
                    if let value = container[field], previous?[field] != value { layers[.container(list: list, name: name, field: field)] = layer }
                }
                for kind in Self.resourceKinds {
                    let oldAmounts = previous?["resources"]?[kind]?.object
                    for (resource, quantity) in container["resources"]?[kind]?.object ?? [:] where oldAmounts?[resource] != quantity {
                        layers[.resource(list: list, name: name, kind: kind, resource: resource)] = layer
                    }
                }
            }
        }
    }

    static let resourceKinds = ["requests", "limits"]

    // A pod has a handful of containers, so these search the list rather than hash it: this
    // runs for every build step of every pod.

    /// The last container named `name`: of two with one name, Kubernetes' strategic merge
    /// keeps the later.
    private static func lastNamed(_ name: String, in containers: [JSONValue]) -> JSONValue? {
        containers.last { $0["name"]?.string == name }
    }

    /// Whether no container after `index` is also named `name`.
    private static func isLastNamed(_ name: String, in containers: [JSONValue], from index: Int) -> Bool {
        !containers[(index + 1)...].contains { $0["name"]?.string == name }
    }

    /// Attributes the container resources that differ between two stages to `layer`; the cheap
    /// path for the per-container customization, which changes nothing else.
    mutating func recordResources(
        _ field: String, container: String, before: ContainerResources, after: ContainerResources, layer: String
    ) {
        func record(_ kind: String, _ old: ResourceList, _ new: ResourceList) {
            for (name, quantity) in new where old[name].map({ !$0.isSpelledAlike(quantity) }) ?? true {
                layers[.resource(list: field, name: container, kind: kind, resource: name)] = layer
            }
        }
        record("requests", before.requests, after.requests)
        record("limits", before.limits, after.limits)
    }

    /// Adds the layers to `result` as JSON pointers into the finished pod
    /// (`/spec/containers/0/resources/limits/cpu`), for the fields the pod still has; a pointer
    /// `result` has already is replaced only when `replacing`. Written straight into the pod's
    /// provenance: a map of its own, merged after, hashed every pointer twice.
    func addPointers(for spec: JSONObject, into result: inout [JSONPointer: String], replacing: Bool) {
        let lists = (containers: spec["containers"]?.array ?? [], initContainers: spec["initContainers"]?.array ?? [])
        // A container's pointer is its first index under its name; whether a field is present
        // is read from the last container of that name.
        func place(_ list: String, _ name: String) -> (pointer: JSONPointer, container: JSONValue)? {
            let containers = list == "containers" ? lists.containers : lists.initContainers
            guard let index = containers.firstIndex(where: { $0["name"]?.string == name }), let last = Self.lastNamed(name, in: containers)
            else { return nil }
            return (Container.pointer(list: list, index), last)
        }
        func add(_ pointer: JSONPointer, _ layer: String) {
            if replacing {
                result[pointer] = layer
            } else if result[pointer] == nil {
                result[pointer] = layer
            }
        }
        result.reserveCapacity(result.count + layers.count)
        for (field, layer) in layers {
            switch field {
            case .nodeSelector(let key):
                if spec["nodeSelector"]?[key] != nil { add(JSONPointer(escapedText: "/spec/nodeSelector/" + JSONPointer.escape(key)), layer) }
            case .pod(let name):
                if spec[name] != nil { add(JSONPointer(escapedText: "/spec/" + name), layer) }
            case .container(let list, let name, let key):
                if let (pointer, container) = place(list, name), container[key] != nil { add(pointer.appending(key), layer) }
            case .resource(let list, let name, let kind, let resource):
                if let (pointer, container) = place(list, name), container["resources"]?[kind]?[resource] != nil {
                    add(JSONPointer(escapedText: pointer.description + "/resources/" + kind + "/" + JSONPointer.escape(resource)), layer)
                }
            }
        }
    }
}
