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
        let oldSelector = before["nodeSelector"]?.object
        for (key, value) in after["nodeSelector"]?.object ?? [:] where oldSelector?[key] != value {
            layers[.nodeSelector(key: key)] = layer
        }
        for field in Self.podFields {
            if let value = after[field], before[field] != value { layers[.pod(field)] = layer }
        }
        for list in Self.containerLists {
            let old = Self.containersByName(before[list])
            for (name, container) in Self.containersByName(after[list]) {
                let previous = old[name]
                for field in Self.containerFields {
                    if let value = container[field], previous?[field] != value { layers[.container(list: list, name: name, field: field)] = layer }
                }
                for kind in ["requests", "limits"] {
                    let oldAmounts = previous?["resources"]?[kind]?.object
                    for (resource, quantity) in container["resources"]?[kind]?.object ?? [:] where oldAmounts?[resource] != quantity {
                        layers[.resource(list: list, name: name, kind: kind, resource: resource)] = layer
                    }
                }
            }
        }
    }

    /// Containers by name; of two with one name, the later (as Kubernetes' strategic merge
    /// would keep it).
    private static func containersByName(_ list: JSONValue?) -> [String: JSONValue] {
        var byName: [String: JSONValue] = [:]
        for container in list?.array ?? [] {
            if let name = container["name"]?.string { byName[name] = container }
        }
        return byName
    }

    /// Attributes the container resources that differ between two stages to `layer`; the cheap
    /// path for the per-container customization, which changes nothing else.
    mutating func recordResources(
        _ field: String, container: String, before: ContainerResources, after: ContainerResources, layer: String
    ) {
        for (kind, old, new) in [("requests", before.requests, after.requests), ("limits", before.limits, after.limits)] {
            for (name, quantity) in new where old[name].map({ $0.description != quantity.description }) ?? true {
                layers[.resource(list: field, name: container, kind: kind, resource: name)] = layer
            }
        }
    }

    /// `/spec/containers/0`, from the pointers made once per run.
    private static func containerPointer(_ list: String, _ index: Int) -> JSONPointer {
        ContainerKind(rawValue: list).map { Container.pointer($0, index) } ?? ("/spec" as JSONPointer).appending(list).appending(index)
    }

    /// The layers as JSON pointers into the finished pod (`/spec/containers/0/resources/limits/cpu`),
    /// for the fields the pod still has.
    func pointers(for spec: JSONObject) -> [JSONPointer: String] {
        // A container's pointer is its first index under its name; whether a field is present
        // is read from the last container of that name.
        var indexes: [String: [String: Int]] = [:]
        var containers: [String: [String: JSONValue]] = [:]
        for list in Self.containerLists {
            for (index, container) in (spec[list]?.array ?? []).enumerated() {
                guard let name = container["name"]?.string else { continue }
                if indexes[list, default: [:]][name] == nil { indexes[list, default: [:]][name] = index }
                containers[list, default: [:]][name] = container
            }
        }
        var result: [JSONPointer: String] = [:]
        for (field, layer) in layers {
            switch field {
            case .nodeSelector(let key):
                if spec["nodeSelector"]?[key] != nil { result[("/spec/nodeSelector" as JSONPointer).appending(key)] = layer }
            case .pod(let name):
                if spec[name] != nil { result[("/spec" as JSONPointer).appending(name)] = layer }
            case .container(let list, let name, let key):
                if containers[list]?[name]?[key] != nil, let index = indexes[list]?[name] {
                    result[Self.containerPointer(list, index).appending(key)] = layer
                }
            case .resource(let list, let name, let kind, let resource):
                if containers[list]?[name]?["resources"]?[kind]?[resource] != nil, let index = indexes[list]?[name] {
                    result[Self.containerPointer(list, index).appending(contentsOf: ["resources", kind, resource])] = layer
                }
            }
        }
        return result
    }
}
