import PolicyJSON

/// The parts of a Kubernetes Pod that policies reason about, decoded from its JSON.
///
/// Fields a check does not need are not modelled here; the `assert` check reads them from the
/// subject's JSON instead, so nothing of the pod is out of reach of a policy.
public struct Pod: Sendable {
    public var metadata: ObjectMeta
    public var spec: PodSpec

    public init(metadata: ObjectMeta = ObjectMeta(), spec: PodSpec = PodSpec()) {
        self.metadata = metadata
        self.spec = spec
    }
}

extension PodSpec {
    /// Calls `body` with every container in pointer order (init, app, ephemeral), lending each in
    /// place: checks run this for every rule on every pod, and copying a container retains each
    /// of its fields.
    public func forEachContainer(includeInit: Bool = true, includeEphemeral: Bool = true, _ body: (borrowing Container) -> Void) {
        if includeInit { for index in initContainers.indices { body(initContainers[index]) } }
        for index in containers.indices { body(containers[index]) }
        if includeEphemeral { for index in ephemeralContainers.indices { body(ephemeralContainers[index]) } }
    }
}

/// Name, namespace, labels and annotations.
public struct ObjectMeta: Sendable {
    public var name: String
    public var namespace: String?
    public var labels: StringMap
    public var annotations: StringMap

    public init(name: String = "", namespace: String? = nil, labels: StringMap = [:], annotations: StringMap = [:]) {
        self.name = name
        self.namespace = namespace
        self.labels = labels
        self.annotations = annotations
    }
}

/// The scheduling and resource parts of a PodSpec.
public struct PodSpec: Sendable {
    /// `spec.nodeSelector`, in document order.
    public var nodeSelector: StringMap
    /// `affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms`,
    /// `nil` when the pod has no required node affinity.
    public var requiredNodeSelectorTerms: [NodeSelectorTerm]?
    public var tolerations: [Toleration]
    public var containers: [Container]
    public var initContainers: [Container]
    public var ephemeralContainers: [Container]
    /// `spec.overhead` (RuntimeClass overhead), added to the pod's effective request.
    public var overhead: ResourceList

    public init(
        nodeSelector: StringMap = [:], requiredNodeSelectorTerms: [NodeSelectorTerm]? = nil,
        tolerations: [Toleration] = [], containers: [Container] = [], initContainers: [Container] = [],
        ephemeralContainers: [Container] = [], overhead: ResourceList = ResourceList()
    ) {
        self.nodeSelector = nodeSelector
        self.requiredNodeSelectorTerms = requiredNodeSelectorTerms
        self.tolerations = tolerations
        self.containers = containers
        self.initContainers = initContainers
        self.ephemeralContainers = ephemeralContainers
        self.overhead = overhead
    }
}

/// One ORed term of required node affinity.
public struct NodeSelectorTerm: Sendable, Equatable {
    public var matchExpressions: [NodeSelectorRequirement]

    public init(matchExpressions: [NodeSelectorRequirement]) {
        self.matchExpressions = matchExpressions
    }
}

/// One ANDed requirement of a node selector term.
public struct NodeSelectorRequirement: Sendable, Equatable {
    public var key: String
    /// `In`, `NotIn`, `Exists`, `DoesNotExist`, `Gt` or `Lt`.
    public var `operator`: String
    public var values: [String]

    public init(key: String, operator: String, values: [String] = []) {
        self.key = key
        self.operator = `operator`
        self.values = values
    }
}

/// Which list of the pod spec a container is in.
public enum ContainerKind: String, Sendable {
    case container = "containers"
    case initContainer = "initContainers"
    case ephemeralContainer = "ephemeralContainers"
}

/// A container's identity, image and resources.
///
/// The fields live in ``SharedStorage``: every image and resources rule visits every container
/// of every pod. Setting a field gives the container storage of its own, so it is still a value.
public struct Container: Sendable {
    private struct Fields: Sendable {
        var name: String
        var image: String?
        var imageReference: ImageReference?
        var resources: ResourceRequirements
        var restartPolicy: String?
        let kind: ContainerKind
        let index: Int
        let pointer: JSONPointer
    }

    private var storage: SharedStorage<Fields>

    private mutating func update(_ change: (inout Fields) -> Void) {
        var fields = storage.fields
        change(&fields)
        storage = SharedStorage(fields)
    }

    public var name: String {
        get { storage.fields.name }
        set { update { $0.name = newValue } }
    }
    public var image: String? {
        get { storage.fields.image }
        set {
            update {
                $0.image = newValue; $0.imageReference = newValue.flatMap(ImageReference.init)
            }
        }
    }
    /// `image` parsed once, because every image rule reads it (`nil`: no image, or malformed).
    public var imageReference: ImageReference? { storage.fields.imageReference }
    public var resources: ResourceRequirements {
        get { storage.fields.resources }
        set { update { $0.resources = newValue } }
    }
    /// `Always` marks a sidecar init container.
    public var restartPolicy: String? {
        get { storage.fields.restartPolicy }
        set { update { $0.restartPolicy = newValue } }
    }
    public var kind: ContainerKind { storage.fields.kind }
    /// Position in its list, for JSON pointers.
    public var index: Int { storage.fields.index }
    /// `/spec/containers/0`: built once, because every violation in the container starts with it.
    public var pointer: JSONPointer { storage.fields.pointer }

    public init(
        name: String, image: String? = nil, resources: ResourceRequirements = ResourceRequirements(),
        restartPolicy: String? = nil, kind: ContainerKind = .container, index: Int = 0
    ) {
        storage = SharedStorage(
            Fields(
                name: name, image: image, imageReference: image.flatMap(ImageReference.init), resources: resources, restartPolicy: restartPolicy,
                kind: kind, index: index, pointer: Self.pointer(kind, index)))
    }

    /// Pointers of the first containers of each list, built once: decoding every pod would
    /// otherwise format the same few strings again.
    private static let commonPointers = commonPointers(.container)
    private static let commonInitPointers = commonPointers(.initContainer)
    private static let commonEphemeralPointers = commonPointers(.ephemeralContainer)

    private static func commonPointers(_ kind: ContainerKind) -> [JSONPointer] {
        (0..<8).map { JSONPointer.root.appending("spec").appending(kind.rawValue).appending($0) }
    }

    /// `/spec/containers/3`: the first few of each list are made once for the whole run.
    package static func pointer(_ kind: ContainerKind, _ index: Int) -> JSONPointer {
        let common: [JSONPointer]
        switch kind {
        case .container: common = commonPointers
        case .initContainer: common = commonInitPointers
        case .ephemeralContainer: common = commonEphemeralPointers
        }
        return common.indices.contains(index) ? common[index] : JSONPointer.root.appending("spec").appending(kind.rawValue).appending(index)
    }

    /// An init container that keeps running beside the app (Kubernetes native sidecar).
    public var isSidecar: Bool { kind == .initContainer && restartPolicy == "Always" }
}

/// `resources.requests` and `resources.limits`.
public struct ResourceRequirements: Sendable {
    public var requests: ResourceList
    public var limits: ResourceList

    public init(requests: ResourceList = ResourceList(), limits: ResourceList = ResourceList()) {
        self.requests = requests
        self.limits = limits
    }

    /// The request Kubernetes will use: the written request, else (defaulting) the limit.
    public func effectiveRequest(_ name: String) -> Quantity? {
        requests[name] ?? limits[name]
    }
}

/// A resource name -> quantity map that keeps document order. Two lists are equal when they
/// name the same resources with equal quantities (`1Gi` equals `1024Mi`), in any order.
public struct ResourceList: Sendable, Sequence, Equatable, ExpressibleByDictionaryLiteral {
    public private(set) var quantities: OrderedMap<Quantity>

    public init(_ quantities: OrderedMap<Quantity> = [:]) {
        self.quantities = quantities
    }

    public init(dictionaryLiteral elements: (String, Quantity)...) {
        quantities = OrderedMap(elements)
    }

    public static func == (lhs: ResourceList, rhs: ResourceList) -> Bool {
        lhs.count == rhs.count && lhs.quantities.entries.allSatisfy { entry in rhs[entry.key] == entry.value }
    }

    public subscript(name: String) -> Quantity? {
        get { quantities[name] }
        set { quantities[name] = newValue }
    }

    /// The quantity of `name` in nano-units, read in place: comparing against a bound needs no
    /// copy of the quantity (and of its text).
    public func nanos(of name: String) -> Int128? {
        quantities.position(of: name).map { quantities.entries[$0].value.nanos }
    }

    public var count: Int { quantities.count }
    public var isEmpty: Bool { quantities.isEmpty }
    public var names: [String] { quantities.keys }

    /// Whether `name` is present (Go's `_, ok := m[k]`), whatever its quantity.
    public func contains(_ name: String) -> Bool { quantities.contains(name) }

    /// Go's map read: an absent name is the zero quantity.
    public func value(_ name: String) -> Quantity { self[name] ?? .zero }

    public func makeIterator() -> IndexingIterator<[(key: String, value: Quantity)]> {
        quantities.makeIterator()
    }
}
