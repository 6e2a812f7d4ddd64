import PolicyJSON

/// The cluster's PodTemplate objects, as propeller's informer holds them: by namespace and name.
package struct PodTemplateStore: Sendable {
    /// propeller's own namespace: templates there apply to every execution namespace.
    package var defaultNamespace: String
    private var templates: [String: [String: PodTemplate]] = [:]

    package struct PodTemplate: Sendable, Equatable {
        package var name: String
        package var namespace: String
        /// `template.metadata` and `template.spec` of the PodTemplate object.
        package var metadata: JSONObject
        package var spec: JSONObject

        package init(name: String, namespace: String, metadata: JSONObject, spec: JSONObject) {
            self.name = name
            self.namespace = namespace
            self.metadata = metadata
            self.spec = spec
        }
    }

    package init(defaultNamespace: String = "flyte") {
        self.defaultNamespace = defaultNamespace
    }

    package var isEmpty: Bool { templates.isEmpty }

    /// Adds a template; one without a namespace counts as propeller's namespace.
    package mutating func add(_ template: PodTemplate) {
        let namespace = template.namespace.isEmpty ? defaultNamespace : template.namespace
        var stored = template
        stored.namespace = namespace
        templates[namespace, default: [:]][template.name] = stored
    }

    /// `LoadOrDefault`: the execution namespace first, then propeller's.
    package func load(namespace: String, name: String) -> PodTemplate? {
        guard !name.isEmpty else { return nil }
        return templates[namespace]?[name] ?? templates[defaultNamespace]?[name]
    }
}

extension PodTemplateStore.PodTemplate {
    /// Reads a Kubernetes `PodTemplate` object (`metadata.name`, `template.metadata`, `template.spec`).
    package init(manifest: JSONObject) throws(ResolutionError) {
        guard let name = manifest["metadata"]?["name"]?.string, !name.isEmpty else {
            throw .invalidPodSpec(pointer: "/metadata/name", reason: "a PodTemplate needs metadata.name")
        }
        let template = manifest["template"]?.object ?? [:]
        guard template["spec"] == nil || template["spec"]?.object != nil else {
            throw .invalidPodSpec(pointer: "/template/spec", reason: "must be an object")
        }
        self.init(
            name: name, namespace: manifest["metadata"]?["namespace"]?.string ?? "", metadata: template["metadata"]?.object ?? [:],
            spec: template["spec"]?.object ?? [:])
    }
}
