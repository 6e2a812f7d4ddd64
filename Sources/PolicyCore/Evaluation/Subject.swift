import PolicyJSON

/// One resolved pod and what is known about where it comes from: the unit every policy is
/// evaluated against.
public struct Subject: Sendable {
    /// The typed pod the checks read.
    public var pod: Pod {
        didSet { requestedResourceNames = Subject.requestedResources(pod) }
    }
    /// The pod's `metadata` and `spec` as JSON, for `assert` paths over any field.
    public var metadataNode: JSONNode?
    public var specNode: JSONNode?
    /// The manifest kind it came from (`Pod`, `Deployment`, ...; `Pod` for Flyte nodes).
    public var kind: String
    /// The object's `apiVersion` (`apps/v1`, `kubeflow.org/v1`; `v1` for Flyte nodes).
    public var apiVersion = "v1"
    /// The object's own name (for a Deployment, the Deployment's).
    public var name: String
    /// The namespace the pod runs in, when known.
    public var namespace: String?
    /// Where it was read.
    public var source: SubjectSource
    /// Flyte identity; `nil` for plain Kubernetes objects.
    public var flyte: FlyteIdentity?
    /// The replica group the pod belongs to: a distributed or cluster task's group as Flyte's
    /// plugin builds it, a group template of a PyTorchJob, RayCluster, SparkApplication, ...,
    /// or what an operator's labels say at admission; `nil` for a pod of its own.
    public var role: ReplicaRole?
    /// How many pods of this group the job runs (a group's most, when it autoscales), when
    /// known; `nil` with no role.
    public var replicas: Int?
    /// The primary container's name; `nil` means the first app container.
    public var primaryContainerName: String?
    /// Which configuration layer set each scheduling and resource value (Flyte subjects).
    public var provenance: Provenance
    /// What Flyte will change or ignore in this pod (Flyte subjects), in container order.
    public var notes: [SubjectNote] = []
    /// The job this pod is one group of (``JobShape/link(_:_:)``); `nil` for a pod on its own.
    public var job: JobShape?

    public init(
        pod: Pod, metadataNode: JSONNode? = nil, specNode: JSONNode? = nil, kind: String = "Pod", name: String? = nil,
        namespace: String? = nil, source: SubjectSource, flyte: FlyteIdentity? = nil, primaryContainerName: String? = nil,
        provenance: Provenance = Provenance()
    ) {
        self.pod = pod
        self.requestedResourceNames = Subject.requestedResources(pod)
        self.metadataNode = metadataNode
        self.specNode = specNode
        self.kind = kind
        self.name = name ?? pod.metadata.name
        self.namespace = namespace ?? pod.metadata.namespace
        self.source = source
        self.flyte = flyte
        self.primaryContainerName = primaryContainerName
        self.provenance = provenance
    }

    /// Drops what only the checks read, the parsed JSON and the typed pod, once every rule has
    /// run: a large run then holds its findings and each subject's identity and source (what
    /// reports show), not every pod. Checks see an empty pod afterwards.
    public mutating func releaseAfterEvaluation() {
        metadataNode = nil
        specNode = nil
        pod = Pod()
    }

    /// The primary container: the named one, else the first app container.
    public var primaryContainer: Container? {
        if let name = primaryContainerName, let match = pod.spec.containers.first(where: { $0.name == name }) {
            return match
        }
        return pod.spec.containers.first
    }

    /// Resource names that some container requests or limits with a quantity above zero, in the
    /// order the containers first name them, computed once per subject because every `resources`
    /// match clause asks for them. A pod names a handful, so a list beats hashing.
    public private(set) var requestedResourceNames: [String]

    private static func requestedResources(_ pod: Pod) -> [String] {
        var names: [String] = []
        names.reserveCapacity(4)
        // Index loops: this runs for every pod decoded, and iterating a list copies each entry,
        // quantity text included.
        func add(_ list: ResourceList) {
            let entries = list.quantities.entries
            for index in entries.indices where entries[index].value.isPositive {
                if !names.contains(entries[index].key) { names.append(entries[index].key) }
            }
        }
        pod.spec.forEachContainer { container in
            add(container.resources.requests)
            add(container.resources.limits)
        }
        return names
    }
}

/// Where a subject was read: enough to point a person (or SARIF) back at it.
public struct SubjectSource: Sendable, Hashable, CustomStringConvertible {
    /// File path, `<stdin>`, or admission request uid.
    public var file: String
    /// Archive member, when the file is an archive.
    public var member: String?
    /// 1-based document number in a multi-document file.
    public var document: Int?
    /// 1-based line where the object starts, when known.
    public var line: Int?
    /// Where the pod template sits inside the object (`/spec/template` for a Deployment).
    public var podPointer: JSONPointer
    /// The pod was resolved from Flyte entities (as propeller would build it), not read as
    /// written: its pointers do not lead into the file.
    public var isResolved = false

    public init(file: String, member: String? = nil, document: Int? = nil, line: Int? = nil, podPointer: JSONPointer = .root) {
        self.file = file
        self.member = member
        self.document = document
        self.line = line
        self.podPointer = podPointer
    }

    public var description: String {
        var text = file
        if let member { text += ":\(member)" }
        if let line { text += ":\(line)" } else if let document, document > 1 { text += " (document \(document))" }
        return text
    }
}

/// A subject's Flyte context.
public struct FlyteIdentity: Sendable, Hashable {
    public var project: String?
    public var domain: String?
    public var workflow: String?
    public var task: String?
    /// Node id path, `n3-0-n1` style; empty for a task evaluated on its own.
    public var node: String?
    public var taskType: String?
    public var interruptible: Bool?
    /// `true` when workflow, task and node came from pod labels (webhook mode), where propeller
    /// stored them sanitized; match clauses then compare sanitized patterns.
    public var namesAreLabelValues = false

    public init(
        project: String? = nil, domain: String? = nil, workflow: String? = nil, task: String? = nil, node: String? = nil,
        taskType: String? = nil, interruptible: Bool? = nil
    ) {
        self.project = project
        self.domain = domain
        self.workflow = workflow
        self.task = task
        self.node = node
        self.taskType = taskType
        self.interruptible = interruptible
    }
}

/// Which layer set each field of a resolved pod, keyed by JSON pointer into the pod.
public struct Provenance: Sendable {
    public private(set) var layers: [JSONPointer: String] = [:]

    public init(_ layers: [JSONPointer: String] = [:]) {
        self.layers = layers
    }

    /// Whether no layer is recorded (plain Kubernetes subjects).
    public var isEmpty: Bool { layers.isEmpty }

    public mutating func record(_ pointer: JSONPointer, _ layer: String) {
        layers[pointer] = layer
    }

    /// The layer of the most specific recorded pointer at or above `path`.
    public func layer(for path: JSONPointer) -> String? {
        if layers.isEmpty { return nil }
        var current = Substring(path.description)
        while true {
            if let layer = layers[JSONPointer(escapedText: String(current))] { return layer }
            // Over UTF-8 bytes: a backward search by characters checks grapheme breaks at every
            // step, and every finding of a Flyte pod walks its pointer up.
            guard !current.isEmpty, let slash = current.utf8.lastIndex(of: UInt8(ascii: "/")) else { return nil }
            current = current[..<slash]
        }
    }
}
