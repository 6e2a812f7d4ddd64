import PolicyCore
import PolicyJSON
import PolicyYAML

/// Turns Kubernetes manifests (JSON or YAML, many documents per file) into subjects: one per
/// pod or pod template they hold.
package struct ManifestReader: Sendable {
    /// Namespace for objects that do not name one.
    package var defaultNamespace: String?
    /// The kinds read for pods (``WorkloadKinds/builtIn`` plus `--workload`).
    package var workloads: WorkloadKinds

    package init(defaultNamespace: String? = nil, workloads: WorkloadKinds = .builtIn) {
        self.defaultNamespace = defaultNamespace
        self.workloads = workloads
    }

    /// What a file held besides pods, so a run can say what it did not look at.
    package struct Outcome: Sendable {
        package var subjects: [Subject] = []
        /// `kind` of every document without a pod (Service, ConfigMap, ...).
        package var skippedKinds: [String] = []
        /// Objects of a kind not known to carry pods that hold containers all the same (a
        /// custom resource with a pod template): said, with the flag that reads them.
        package var unreadPods: [String] = []
    }

    /// Reads every document of one file.
    package func read(_ file: InputFile) throws(InputError) -> Outcome {
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

    /// Reads the items of a large `List` in `file` that were parsed apart: item `index` is read
    /// as it would be inside the whole list (document 1, pointers under `/items/<index>`).
    package func read(items: [(index: Int, node: JSONNode)], of file: InputFile) throws(InputError) -> Outcome {
        var outcome = Outcome()
        let source = SubjectSource(file: file.name, document: 1, line: nil)
        for (index, node) in items { try collect(node, source: source, pointer: ("/items" as JSONPointer).appending(index), outcome: &outcome) }
        return outcome
    }

    /// Reads the pods one object holds (a Pod, a workload's template, a List's items): the
    /// webhook's entry point, where the object arrives inside an AdmissionReview.
    package func read(object: JSONNode, source: SubjectSource) throws(InputError) -> Outcome {
        var outcome = Outcome()
        try collect(object, source: source, pointer: "", outcome: &outcome)
        return outcome
    }

    /// Whether an object of this `apiVersion` and `kind` carries a pod or a pod template this
    /// reader understands.
    package func carriesPod(apiVersion: String, kind: String) -> Bool {
        workloads.kind(apiVersion: apiVersion, kind: kind) != nil
    }

    /// Splits a file into JSON documents, by content: JSON when it starts with `{` or `[`, YAML otherwise.
    package static func documents(_ file: InputFile) throws(InputError) -> [(node: JSONNode, line: Int?)] {
        if Gzip.isGzip(file.bytes.prefix(2)) {
            throw .unsupported(source: file.name, reason: "is a gzip archive; Kubernetes manifests in JSON or YAML are expected here")
        }
        let file = file.normalizedText()
        if file.looksLikeJSON {
            do { return jsonDocuments(try JSONDocument.parseSequence(file.bytes.array, source: file.name)) } catch { throw .json(error) }
        }
        var unrecorded: YAMLEvents?
        return try yamlDocuments(file.bytes.array, source: file.name, recording: &unrecorded)
    }

    /// The documents of a YAML stream that are not empty, each with its line (counted from
    /// `firstLine`, for a run of documents cut from a larger stream).
    /// - Parameter events: when not `nil`, receives the parse's events (``YAMLEvents``).
    static func yamlDocuments(
        _ bytes: [UInt8], source: String, firstLine: Int = 1, recording events: inout YAMLEvents?
    ) throws(InputError) -> [(node: JSONNode, line: Int?)] {
        let yamlDocuments: [YAMLDocument]
        do { yamlDocuments = try YAMLReader.documents(bytes, source: source, recording: &events) } catch { throw .yaml(error) }
        var result: [(node: JSONNode, line: Int?)] = []
        for document in yamlDocuments where document.value != .null {
            let line = document.line + firstLine - 1
            do {
                result.append((try JSONDocument(document.value).rootNode, line))
            } catch {
                throw .invalidObject(source: "\(source):\(line)", pointer: error.pointer, reason: error.reason)
            }
        }
        return result
    }

    /// Each JSON text is a document, and a top-level array holds one document per element.
    static func jsonDocuments(_ texts: [(document: JSONDocument, line: Int)]) -> [(node: JSONNode, line: Int?)] {
        texts.flatMap { text -> [(node: JSONNode, line: Int?)] in
            let root = text.document.rootNode
            return root.isArray ? root.elements.map { ($0, nil) } : [(root, texts.count > 1 ? text.line : nil)]
        }
    }

    private func collect(_ node: JSONNode, source: SubjectSource, pointer: JSONPointer, outcome: inout Outcome) throws(InputError) {
        let here = source.description
        guard node.isObject else {
            if pointer == .root {
                throw .notAManifest(source: here, reason: "is not a Kubernetes manifest (the document is \(node.kind.phrase), not an object)")
            }
            throw .invalidObject(source: here, pointer: pointer, reason: "expected a Kubernetes object, found \(node.kind.phrase)")
        }
        guard let kind = node["kind"]?.string else {
            if node["template"] != nil || node["closure"] != nil || node["workflow"] != nil || node["tasks"] != nil {
                throw .unsupported(source: here, reason: "looks like a flyteidl entity; this version reads Kubernetes manifests only")
            }
            if pointer == .root { throw .notAManifest(source: here, reason: "is not a Kubernetes manifest (the object has no 'kind')") }
            throw .invalidObject(source: here, pointer: pointer, reason: "the object has no 'kind', so it is not a Kubernetes manifest")
        }
        if node["apiVersion"]?.string == PolicyLoader.apiVersion {
            throw .unsupported(
                source: here, reason: "is a flyte-policy \(kind) document, not an input; pass policy files with --policies or --exceptions")
        }
        if kind == "List" || (kind.hasSuffix("List") && node["items"]?.isArray == true) {
            for (index, item) in (node["items"]?.elements ?? []).enumerated() {
                try collect(item, source: source, pointer: pointer.appending("items").appending(index), outcome: &outcome)
            }
            return
        }
        if kind == "AdmissionReview" {
            guard let object = node["request"]?["object"], object.isObject else {
                throw .invalidObject(
                    source: here, pointer: pointer.appending(contentsOf: ["request", "object"]), reason: "an AdmissionReview needs request.object")
            }
            try collect(object, source: source, pointer: pointer.appending(contentsOf: ["request", "object"]), outcome: &outcome)
            return
        }
        let written = node["apiVersion"]?.string ?? ""
        var apiVersion = written
        if written.isEmpty, let group = WorkloadKinds.kubernetesGroup(ofKind: kind) {
            // Without an apiVersion only Kubernetes' own kinds are read (as the API server
            // would not take the object, custom kinds are not guessed).
            apiVersion = group.isEmpty ? "v1" : "\(group)/v1"
        }
        guard let workload = workloads.kind(apiVersion: apiVersion, kind: kind) else {
            if let found = Self.embeddedPodTemplate(node, pointer: pointer) {
                let name = node["metadata"]?["name"]?.string.map { " \($0)" } ?? ""
                let shown = WorkloadKind.name(group: WorkloadKind.group(ofAPIVersion: apiVersion), kind: kind)
                outcome.unreadPods.append(
                    "\(here): \(shown)\(name) holds containers at \(found) that were not checked: flyte-policy does not know this kind; add --workload \(shown)=\(Self.templatePointer(holding: found)) to read them"
                )
            } else {
                outcome.skippedKinds.append(kind)
            }
            return
        }
        var found: [FoundPod] = []
        if let synthesize = workload.synthesize {
            do { found = try synthesize(node, pointer) } catch {
                guard case .invalidObject(_, let at, let reason) = error else { throw error }
                throw .invalidObject(source: here, pointer: at, reason: reason)
            }
            // An Argo workflow whose steps all refer to templates elsewhere runs no container of
            // its own here: said with the documents that hold no pod, not passed over.
            if found.isEmpty {
                outcome.skippedKinds.append(kind)
                return
            }
        } else {
            for location in workload.templates { found += location.find(in: node, base: pointer) }
            guard !found.isEmpty else {
                let expected = workload.templates.map { pointer.appending(contentsOf: $0.steps).description }.joined(separator: " or ")
                throw .invalidObject(source: here, pointer: pointer, reason: "a \(workload.name) needs a pod template at \(expected)")
            }
        }
        let objectMeta = node["metadata"]
        let first = outcome.subjects.count
        defer {
            // The groups of one object are one job, for `scope: job` bounds.
            JobShape.link(&outcome.subjects, first..<outcome.subjects.count)
        }
        for template in found {
            let pod: Pod
            do {
                pod = try Pod(metadata: template.metadata, spec: template.spec)
            } catch {
                throw .invalidObject(source: here, pointer: template.pointer.appending(pointer: error.pointer), reason: error.reason)
            }
            let name = objectMeta?["name"]?.string ?? pod.metadata.name
            let namespace = objectMeta?["namespace"]?.string ?? pod.metadata.namespace ?? defaultNamespace
            var subjectSource = source
            subjectSource.podPointer = template.pointer
            // Pods propeller made carry their Flyte identity in labels (kubectl get pods -o json, an
            // AdmissionReview): read it, so workflow and task clauses match as they do in the webhook.
            var subject = Subject(
                pod: pod, metadataNode: template.metadata, specNode: template.spec, kind: kind, name: name, namespace: namespace,
                source: subjectSource, flyte: FlyteLabels.identity(fromLabels: pod.metadata.labels))
            subject.apiVersion = apiVersion
            // A group template names its role; the operators label the pods they create with it,
            // so a `roles` clause decides the same at admission as in CI.
            subject.role = template.role ?? OperatorRoleLabels.role(pod.metadata.labels)
            subject.replicas = template.role == nil ? nil : template.replicas
            outcome.subjects.append(subject)
        }
    }

    /// What `--workload KIND=POINTER` takes for a pod spec found at `spec`: the template holding
    /// it (`/spec/template` for `/spec/template/spec`).
    static func templatePointer(holding spec: JSONPointer) -> JSONPointer {
        var tokens = spec.tokens
        if tokens.last == "spec" { tokens.removeLast() }
        return JSONPointer(tokens: tokens)
    }

    /// The pointer of the first object below `node` that looks like a pod spec (a `containers`
    /// list whose entries have an `image`), a few levels deep; `nil` when there is none.
    static func embeddedPodTemplate(_ node: JSONNode, pointer: JSONPointer, depth: Int = 0) -> JSONPointer? {
        guard depth <= 6 else { return nil }
        if node.isObject {
            if let containers = node["containers"], containers.isArray, containers.elements.contains(where: { $0["image"] != nil }) {
                return pointer
            }
            for (key, value) in node.members where value.isObject || value.isArray {
                if let found = embeddedPodTemplate(value, pointer: pointer.appending(key), depth: depth + 1) { return found }
            }
        } else if node.isArray {
            for (index, element) in node.elements.enumerated() {
                if let found = embeddedPodTemplate(element, pointer: pointer.appending(index), depth: depth + 1) { return found }
            }
        }
        return nil
    }
}
