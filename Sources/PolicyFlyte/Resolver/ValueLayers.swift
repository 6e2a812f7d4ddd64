import PolicyJSON

/// Provenance of the scalar and map fields of a pod spec (node selector keys, container
/// resources and images, pod-level settings): after each build step, every field whose value
/// changed is attributed to that step's layer. Containers are tracked by name, because the base
/// PodTemplate merge rebuilds the container list.
struct ValueLayers {
    private(set) var layers: [String: String] = [:]

    static let podFields = [
        "hostNetwork", "hostPID", "hostIPC", "serviceAccountName", "schedulerName", "securityContext", "priorityClassName",
        "runtimeClassName", "dnsConfig", "restartPolicy",
    ]
    static let containerFields = ["image", "securityContext"]

    /// Attributes every field that differs between `before` and `after` to `layer`.
    mutating func record(before: JSONObject, after: JSONObject, layer: String) {
        let old = Self.flatten(before)
        for (path, value) in Self.flatten(after) where old[path] != value {
            layers[path] = layer
        }
    }

    /// Attributes the container resources that differ between two stages to `layer`; the cheap
    /// path for the per-container customization, which changes nothing else.
    mutating func recordResources(
        _ field: String, container: String, before: ContainerResources, after: ContainerResources, layer: String
    ) {
        let prefix = "\(field)[\(container)]/resources"
        for (kind, old, new) in [("requests", before.requests, after.requests), ("limits", before.limits, after.limits)] {
            for (name, quantity) in new.pairs where old[name].map({ $0.description != quantity.description }) ?? true {
                layers["\(prefix)/\(kind)/\(JSONPointer.escape(name))"] = layer
            }
        }
    }

    /// The layers as JSON pointers into the finished pod (`/spec/containers/0/resources/limits/cpu`).
    func pointers(for spec: JSONObject) -> [String: String] {
        var indexes: [String: Int] = [:]
        for field in ["containers", "initContainers"] {
            for (index, container) in (spec[field]?.array ?? []).enumerated() {
                if let name = container["name"]?.string, indexes["\(field)[\(name)]"] == nil { indexes["\(field)[\(name)]"] = index }
            }
        }
        let present = Self.flatten(spec)
        var result: [String: String] = [:]
        for (path, layer) in layers where present[path] != nil {
            var pointer = path
            if let open = path.firstIndex(of: "["), let close = path.firstIndex(of: "]") {
                let head = String(path[..<close]) + "]"
                guard let index = indexes[head] else { continue }
                pointer = String(path[..<open]) + "/\(index)" + String(path[path.index(after: close)...])
            }
            result["/spec/" + pointer] = layer
        }
        return result
    }

    private static func flatten(_ spec: JSONObject) -> [String: JSONValue] {
        var result: [String: JSONValue] = [:]
        for (key, value) in spec["nodeSelector"]?.object ?? [:] { result["nodeSelector/\(JSONPointer.escape(key))"] = value }
        for field in podFields { if let value = spec[field] { result[field] = value } }
        for list in ["containers", "initContainers"] {
            for container in spec[list]?.array ?? [] {
                guard let name = container["name"]?.string else { continue }
                let prefix = "\(list)[\(name)]"
                for field in containerFields { if let value = container[field] { result["\(prefix)/\(field)"] = value } }
                for kind in ["requests", "limits"] {
                    for (resource, quantity) in container["resources"]?[kind]?.object ?? [:] {
                        result["\(prefix)/resources/\(kind)/\(JSONPointer.escape(resource))"] = quantity
                    }
                }
            }
        }
        return result
    }
}
