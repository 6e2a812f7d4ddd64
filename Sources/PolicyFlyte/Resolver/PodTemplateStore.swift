import PolicyJSON

/// The cluster's PodTemplate objects, as propeller's informer holds them: by namespace and name.
public struct PodTemplateStore: Sendable {
    /// propeller's own namespace: templates there apply to every execution namespace.
    public var defaultNamespace: String
    private var templates: [String: [String: PodTemplate]] = [:]

    public struct PodTemplate: Sendable, Equatable {
        public var name: String
        public var namespace: String
        /// `template.metadata` and `template.spec` of the PodTemplate object.
        public var metadata: JSONObject
        public var spec: JSONObject

        public init(name: String, namespace: String, metadata: JSONObject, spec: JSONObject) {
            self.name = name
            self.namespace = namespace
            self.metadata = metadata
            self.spec = spec
        }
    }

    public init(defaultNamespace: String = "flyte") {
        self.defaultNamespace = defaultNamespace
    }

    public var isEmpty: Bool { templates.isEmpty }

    /// Adds a template; one without a namespace counts as propeller's namespace.
    public mutating func add(_ template: PodTemplate) {
        let namespace = template.namespace.isEmpty ? defaultNamespace : template.namespace
        var stored = template
        stored.namespace = namespace
        templates[namespace, default: [:]][template.name] = stored
    }

    /// `LoadOrDefault`: the execution namespace first, then propeller's.
    public func load(namespace: String, name: String) -> PodTemplate? {
        guard !name.isEmpty else { return nil }
        return templates[namespace]?[name] ?? templates[defaultNamespace]?[name]
    }
}

extension PodTemplateStore.PodTemplate {
    /// Reads a Kubernetes `PodTemplate` object (`metadata.name`, `template.metadata`, `template.spec`).
    public init(manifest: JSONObject) throws(ResolutionError) {
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
