import PolicyCore
import PolicyJSON
import PolicyYAML

/// Turns Kubernetes manifests (JSON or YAML, many documents per file) into subjects: one per
/// pod or pod template they hold.
public struct ManifestReader: Sendable {
    /// Namespace for objects that do not name one.
    public var defaultNamespace: String?

    public init(defaultNamespace: String? = nil) {
        self.defaultNamespace = defaultNamespace
    }

    /// What a file held besides pods, so a run can say what it did not look at.
    public struct Outcome: Sendable {
        public var subjects: [Subject] = []
        /// `kind` of every document without a pod (Service, ConfigMap, ...).
        public var skippedKinds: [String] = []
    }

    /// Where the pod template sits in each workload kind.
    static let podTemplatePointers: [String: [String]] = [
        "Pod": [],
        "PodTemplate": ["template"],
        "Deployment": ["spec", "template"],
        "StatefulSet": ["spec", "template"],
        "DaemonSet": ["spec", "template"],
        "ReplicaSet": ["spec", "template"],
        "ReplicationController": ["spec", "template"],
        "Job": ["spec", "template"],
        "CronJob": ["spec", "jobTemplate", "spec", "template"],
    ]

    /// Reads every document of one file.
    public func read(_ file: InputFile) throws(InputError) -> Outcome {
        try read(file, documents: try Self.documents(file))
    }

    /// Reads documents already split from `file` (a caller that parsed the JSON to detect its
    /// content does not parse it again).
    func read(_ file: InputFile, documents: [(node: JSONNode, line: Int?)]) throws(InputError) -> Outcome {
        var outcome = Outcome()
        for (index, document) in documents.enumerated() {
            let source = SubjectSource(file: file.name, document: index + 1, line: document.line)
            try collect(document.node, source: source, pointer: "", outcome: &outcome)
        }
        return outcome
    }

    /// Reads the pods one object holds (a Pod, a workload's template, a List's items): the
    /// webhook's entry point, where the object arrives inside an AdmissionReview.
    public func read(object: JSONNode, source: SubjectSource) throws(InputError) -> Outcome {
        var outcome = Outcome()
        try collect(object, source: source, pointer: "", outcome: &outcome)
        return outcome
    }

    /// Whether `kind` carries a pod or a pod template this reader understands.
    public static func carriesPod(_ kind: String) -> Bool {
        podTemplatePointers[kind] != nil
    }

    /// Splits a file into JSON documents, by content: JSON when it starts with `{` or `[`, YAML otherwise.
    public static func documents(_ file: InputFile) throws(InputError) -> [(node: JSONNode, line: Int?)] {
        if Gzip.isGzip(file.bytes) {
            throw .unsupported(source: file.name, reason: "is a gzip archive; Kubernetes manifests in JSON or YAML are expected here")
        }
        if file.looksLikeJSON {
            let document: JSONDocument
            do { document = try JSONDocument.parse(file.bytes, source: file.name) } catch { throw .json(error) }
            return jsonDocuments(document.rootNode)
        }
        let yamlDocuments: [YAMLDocument]
        do { yamlDocuments = try YAMLReader.documents(file.bytes, source: file.name) } catch { throw .yaml(error) }
        var result: [(node: JSONNode, line: Int?)] = []
        for document in yamlDocuments where document.value != .null {
            do {
                result.append((try JSONDocument(document.value).rootNode, document.line))
            } catch {
                throw .invalidObject(source: "\(file.name):\(document.line)", pointer: error.pointer.description, reason: error.reason)
            }
        }
        return result
    }

    /// A top-level array holds one document per element.
    static func jsonDocuments(_ root: JSONNode) -> [(node: JSONNode, line: Int?)] {
        root.isArray ? root.elements.map { ($0, nil) } : [(root, nil)]
    }

    private func collect(_ node: JSONNode, source: SubjectSource, pointer: String, outcome: inout Outcome) throws(InputError) {
        let here = source.description
        guard node.isObject else {
            throw .invalidObject(source: here, pointer: pointer, reason: "expected a Kubernetes object, found \(node.kind.phrase)")
        }
        guard let kind = node["kind"]?.string else {
            if node["template"] != nil || node["closure"] != nil || node["workflow"] != nil || node["tasks"] != nil {
                throw .unsupported(source: here, reason: "looks like a flyteidl entity; this version reads Kubernetes manifests only")
            }
            throw .invalidObject(source: here, pointer: pointer, reason: "the object has no 'kind', so it is not a Kubernetes manifest")
        }
        if node["apiVersion"]?.string == PolicyLoader.apiVersion {
            throw .unsupported(source: here, reason: "is a flyte-policy \(kind) document, not an input; pass policy files with --policies or --exceptions")
        }
        if kind == "List" || (kind.hasSuffix("List") && node["items"]?.isArray == true) {
            for (index, item) in (node["items"]?.elements ?? []).enumerated() {
                try collect(item, source: source, pointer: "\(pointer)/items/\(index)", outcome: &outcome)
            }
            return
        }
        if kind == "AdmissionReview" {
            guard let object = node["request"]?["object"], object.isObject else {
                throw .invalidObject(source: here, pointer: "\(pointer)/request/object", reason: "an AdmissionReview needs request.object")
            }
            try collect(object, source: source, pointer: "\(pointer)/request/object", outcome: &outcome)
            return
        }
        guard let tokens = Self.podTemplatePointers[kind] else {
            outcome.skippedKinds.append(kind)
            return
        }
        var template: JSONNode? = node
        for token in tokens { template = template?[token] }
        let podPointer = pointer + tokens.map { "/\($0)" }.joined()
        guard let template, template.isObject else {
            throw .invalidObject(source: here, pointer: podPointer, reason: "a \(kind) needs a pod template here")
        }
        let objectMeta = node["metadata"]
        let pod: Pod
        do {
            pod = try Pod(metadata: template["metadata"], spec: template["spec"])
        } catch {
            throw .invalidObject(source: here, pointer: podPointer + error.pointer, reason: error.reason)
        }
        let name = objectMeta?["name"]?.string ?? pod.metadata.name
        let namespace = objectMeta?["namespace"]?.string ?? pod.metadata.namespace ?? defaultNamespace
        var subjectSource = source
        subjectSource.podPointer = podPointer
        // Pods propeller made carry their Flyte identity in labels (kubectl get pods -o json, an
        // AdmissionReview): read it, so workflow and task clauses match as they do in the webhook.
        var subject = Subject(
            pod: pod, metadataNode: template["metadata"], specNode: template["spec"], kind: kind, name: name, namespace: namespace,
            source: subjectSource, flyte: FlyteLabels.identity(fromLabels: pod.metadata.labels))
        // The operators label the pods they create with the replica group, so a `roles` clause
        // decides the same at admission as in CI (replica counts are not on a pod).
        subject.role = OperatorRoleLabels.role(pod.metadata.labels)
        outcome.subjects.append(subject)
    }
}
