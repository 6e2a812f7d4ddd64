/// Where in a Flyte project the layer that set a value is written: read back from a provenance
/// layer's words (`node override at demo.wf node n3 (pod template)`, `task pod template of
/// demo.train`, `GPU accelerator nvidia-tesla-t4 (node override at demo.wf node n5)`), which the
/// resolver writes in these forms only (`FlyteResolver.resolveTask`, `PodBuilder`).
package enum LayerOrigin: Equatable, Sendable {
    /// The `@task` of a task: its pod template, resources, accelerator, image.
    case task(String)
    /// A node's `with_overrides(...)` in a workflow.
    case nodeOverride(workflow: String, node: String)
    /// A key of flytepropeller's plugin configuration (`--platform`): `default-tolerations`
    /// (under `plugins.k8s`, or bare), `plugins.ray.serviceAccount`; `nil` when not named.
    case platform(key: String?)
    /// A PodTemplate in the cluster (`--pod-templates`).
    case clusterPodTemplate(name: String, namespace: String?)

    /// The origin named in `layer`; `nil` for words of no written origin (a plugin's default).
    package init?(_ layer: String) {
        if let range = layer.range(of: "node override at ") {
            let rest = layer[range.upperBound...]
            guard let node = rest.range(of: " node ") else { return nil }
            let name = rest[node.upperBound...].prefix { !$0.isWhitespace && $0 != ")" && $0 != ":" }
            self = .nodeOverride(workflow: String(rest[..<node.lowerBound]), node: String(name))
            return
        }
        // `task pod template of X`, `task resources of X`, `task X`, and a replica group's
        // `worker of mpi task X (resources)`: the task's own definition.
        for prefix in ["task pod template of ", "task resources of ", "task "] {
            var searched = layer.startIndex..<layer.endIndex
            while let range = layer.range(of: prefix, range: searched) {
                let atWord = range.lowerBound == layer.startIndex || [" ", "("].contains(layer[layer.index(before: range.lowerBound)])
                let name = layer[range.upperBound...].prefix { !$0.isWhitespace && $0 != ")" && $0 != ":" }
                if atWord, name.contains(".") {
                    self = .task(String(name))
                    return
                }
                searched = range.upperBound..<layer.endIndex
            }
        }
        if layer.hasPrefix("platform ") {
            // `platform default-tolerations`, `platform config (plugins.k8s)`, `platform
            // resource defaults and limits (default-cpus, ...)`: the first word that is a key.
            let words = layer.dropFirst("platform ".count).split { $0 == " " || $0 == "(" || $0 == ")" || $0 == "," }
            let key = words.first { $0.contains("-") || $0.contains(".") }
            self = .platform(key: key.map(String.init))
        } else if layer.hasPrefix("cluster PodTemplate '") {
            let rest = layer.dropFirst("cluster PodTemplate '".count)
            let name = rest.prefix { $0 != "'" }
            let namespace = rest.range(of: "(namespace ").map { rest[$0.upperBound...].prefix { $0 != ")" } }
            self = .clusterPodTemplate(name: String(name), namespace: namespace.map(String.init))
        } else {
            return nil
        }
    }
}
