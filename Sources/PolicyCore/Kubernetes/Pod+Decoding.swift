import PolicyJSON

/// A pod field whose value Kubernetes itself would refuse (wrong type, malformed quantity):
/// where in the pod (`/spec/containers/0/resources/limits/cpu`) and why, as every typed JSON
/// read says it.
public typealias PodDecodingError = JSONReadError

/// Where a decoded value sits, as a JSON pointer built only when an error needs it: a pod has
/// dozens of fields and decoding one must not build a pointer for each.
typealias LazyPointer = () -> JSONPointer

extension Pod {
    /// Decodes a pod from its `metadata` and `spec` objects.
    ///
    /// Unknown fields are ignored (a pod has many fields no check needs), but every field that is
    /// read must have the type Kubernetes requires: a policy must never pass because a value it
    /// looks at was unreadable.
    public init(metadata: JSONNode?, spec: JSONNode?) throws(PodDecodingError) {
        self.init(metadata: try ObjectMeta(decoding: metadata, at: "/metadata"), spec: try PodSpec(decoding: spec, at: "/spec"))
    }
}

extension ObjectMeta {
    init(decoding node: JSONNode?, at pointer: @autoclosure LazyPointer) throws(PodDecodingError) {
        self.init()
        guard let node, !node.isNull else { return }
        try Decode.requireObject(node, pointer())
        name = try Decode.optionalString(node["name"], pointer().appending("name")) ?? ""
        namespace = try Decode.optionalString(node["namespace"], pointer().appending("namespace"))
        labels = try Decode.stringMap(node["labels"], pointer().appending("labels"))
        annotations = try Decode.stringMap(node["annotations"], pointer().appending("annotations"))
    }
}

extension PodSpec {
    init(decoding node: JSONNode?, at pointer: @autoclosure LazyPointer) throws(PodDecodingError) {
        self.init()
        guard let node, !node.isNull else { return }
        try Decode.requireObject(node, pointer())
        nodeSelector = try Decode.stringMap(node["nodeSelector"], pointer().appending("nodeSelector"))
        requiredNodeSelectorTerms = try Self.requiredTerms(node["affinity"], pointer().appending("affinity"))
        tolerations = try Decode.array(node["tolerations"], pointer().appending("tolerations")) { element, path, _ throws(PodDecodingError) in
            try Toleration(decoding: element, at: path())
        }
        containers = try Self.containers(node["containers"], pointer().appending("containers"), kind: .container)
        initContainers = try Self.containers(node["initContainers"], pointer().appending("initContainers"), kind: .initContainer)
        ephemeralContainers = try Self.containers(node["ephemeralContainers"], pointer().appending("ephemeralContainers"), kind: .ephemeralContainer)
        overhead = try Decode.resourceList(node["overhead"], pointer().appending("overhead"))
    }

    private static func containers(
        _ node: JSONNode?, _ pointer: @autoclosure LazyPointer, kind: ContainerKind
    ) throws(PodDecodingError) -> [Container] {
        try Decode.array(node, pointer()) { element, path, index throws(PodDecodingError) in
            try Container(decoding: element, at: path(), kind: kind, index: index)
        }
    }

    private static func requiredTerms(_ affinity: JSONNode?, _ pointer: @autoclosure LazyPointer) throws(PodDecodingError) -> [NodeSelectorTerm]? {
        guard let affinity, !affinity.isNull else { return nil }
        try Decode.requireObject(affinity, pointer())
        guard let nodeAffinity = affinity["nodeAffinity"], !nodeAffinity.isNull else { return nil }
        try Decode.requireObject(nodeAffinity, pointer().appending("nodeAffinity"))
        func requiredPath() -> JSONPointer { pointer().appending(contentsOf: ["nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution"]) }
        guard let required = nodeAffinity["requiredDuringSchedulingIgnoredDuringExecution"], !required.isNull else { return nil }
        try Decode.requireObject(required, requiredPath())
        return try Decode.array(required["nodeSelectorTerms"], requiredPath().appending("nodeSelectorTerms")) {
            term, termPath, _ throws(PodDecodingError) in
            try Decode.requireObject(term, termPath())
            let expressions = try Decode.array(term["matchExpressions"], termPath().appending("matchExpressions")) {
                expression, path, _ throws(PodDecodingError) in
                try Decode.requireObject(expression, path())
                guard let key = try Decode.optionalString(expression["key"], path().appending("key")) else {
                    throw PodDecodingError(pointer: path(), reason: "a node selector requirement needs a key")
                }
                let op = try Decode.optionalString(expression["operator"], path().appending("operator")) ?? ""
                let values = try Decode.array(expression["values"], path().appending("values")) { value, valuePath, _ throws(PodDecodingError) in
                    try Decode.string(value, valuePath())
                }
                return NodeSelectorRequirement(key: key, operator: op, values: values)
            }
            return NodeSelectorTerm(matchExpressions: expressions)
        }
    }
}

extension Toleration {
    init(decoding node: JSONNode, at pointer: @autoclosure LazyPointer) throws(PodDecodingError) {
        try Decode.requireObject(node, pointer())
        self.init(
            key: try Decode.optionalString(node["key"], pointer().appending("key")) ?? "",
            operator: try Decode.optionalString(node["operator"], pointer().appending("operator")) ?? "",
            value: try Decode.optionalString(node["value"], pointer().appending("value")) ?? "",
            effect: try Decode.optionalString(node["effect"], pointer().appending("effect")) ?? "")
        if let seconds = node["tolerationSeconds"], !seconds.isNull {
            tolerationSeconds = try Decode.typed(pointer().appending("tolerationSeconds")) { () throws(JSONTypeMismatch) in
                try seconds.expectInteger()
            }
        }
    }
}

extension Container {
    init(decoding node: JSONNode, at pointer: @autoclosure LazyPointer, kind: ContainerKind, index: Int) throws(PodDecodingError) {
        try Decode.requireObject(node, pointer())
        var resources = ResourceRequirements()
        if let resourcesNode = node["resources"], !resourcesNode.isNull {
            try Decode.requireObject(resourcesNode, pointer().appending("resources"))
            resources.requests = try Decode.resourceList(resourcesNode["requests"], pointer().appending(contentsOf: ["resources", "requests"]))
            resources.limits = try Decode.resourceList(resourcesNode["limits"], pointer().appending(contentsOf: ["resources", "limits"]))
        }
        self.init(
            name: try Decode.optionalString(node["name"], pointer().appending("name")) ?? "",
            image: try Decode.optionalString(node["image"], pointer().appending("image")),
            resources: resources,
            restartPolicy: try Decode.optionalString(node["restartPolicy"], pointer().appending("restartPolicy")),
            kind: kind, index: index)
    }
}

/// The typed reads of ``JSONReader`` (its conversions and their words), with the pointer of a
/// failure built only when there is one: every pod of a run is decoded, and a reader that
/// spelled the pointer of each field would make it for dozens of fields per pod.
enum Decode {
    /// Words real pods repeat: resource names, toleration operators and effects, well-known
    /// taint and node label keys, restart policies, the labels propeller puts on every Flyte pod.
    /// Decoding takes them from here instead of making each one again (see ``StringVocabulary``).
    static let words = StringVocabulary([
        "cpu", "memory", "ephemeral-storage", "storage", "nvidia.com/gpu", "amd.com/gpu", "google.com/tpu", "hugepages-2Mi", "hugepages-1Gi",
        "Equal", "Exists", "NoSchedule", "PreferNoSchedule", "NoExecute",
        "node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable", "node.kubernetes.io/unschedulable",
        "node.kubernetes.io/memory-pressure", "node.kubernetes.io/disk-pressure", "node.kubernetes.io/pid-pressure",
        "node.kubernetes.io/network-unavailable", "node.kubernetes.io/instance-type", "kubernetes.io/arch", "kubernetes.io/os",
        "topology.kubernetes.io/zone", "topology.kubernetes.io/region", "amd64", "arm64", "linux",
        "Always", "OnFailure", "Never", "true", "false",
        FlyteLabels.project, FlyteLabels.domain, FlyteLabels.workflowName, FlyteLabels.executionID, FlyteLabels.taskName, FlyteLabels.nodeID,
        FlyteLabels.interruptible, "shard-key", "cluster-autoscaler.kubernetes.io/safe-to-evict",
    ])

    /// The result of `read`, or its mismatch at `pointer`.
    static func typed<T>(_ pointer: @autoclosure LazyPointer, _ read: () throws(JSONTypeMismatch) -> T) throws(PodDecodingError) -> T {
        do { return try read() } catch { throw PodDecodingError(pointer: pointer(), reason: error.description) }
    }

    static func requireObject(_ node: JSONNode, _ pointer: @autoclosure LazyPointer) throws(PodDecodingError) {
        try typed(pointer()) { () throws(JSONTypeMismatch) in try node.expectObject() }
    }

    static func string(_ node: JSONNode, _ pointer: @autoclosure LazyPointer) throws(PodDecodingError) -> String {
        if let word = node.string(using: words) { return word }
        return try typed(pointer()) { () throws(JSONTypeMismatch) in try node.expectString() }
    }

    static func optionalString(_ node: JSONNode?, _ pointer: @autoclosure LazyPointer) throws(PodDecodingError) -> String? {
        guard let node, !node.isNull else { return nil }
        return try string(node, pointer())
    }

    static func stringMap(_ node: JSONNode?, _ pointer: @autoclosure LazyPointer) throws(PodDecodingError) -> StringMap {
        guard let node, !node.isNull else { return [:] }
        try requireObject(node, pointer())
        var result: [(key: String, value: String)] = []
        result.reserveCapacity(node.count)
        try node.forEachMember(keys: words) { (key, value) throws(PodDecodingError) in
            result.append((key, try string(value, pointer().appending(key))))
        }
        return StringMap(uniqueEntries: result)
    }

    /// The elements of an array; `element` gets each one with its pointer (built on demand) and
    /// index.
    static func array<T>(
        _ node: JSONNode?, _ pointer: @autoclosure LazyPointer, _ element: (JSONNode, LazyPointer, Int) throws(PodDecodingError) -> T
    )
        throws(PodDecodingError) -> [T]
    {
        guard let node, !node.isNull else { return [] }
        try typed(pointer()) { () throws(JSONTypeMismatch) in try node.expectArray() }
        var result: [T] = []
        result.reserveCapacity(node.count)
        // The element pointer only lives for the call; it never escapes.
        try withoutActuallyEscaping(pointer) { (pointer) throws(PodDecodingError) in
            try node.forEachElement { (index, child) throws(PodDecodingError) in
                result.append(try element(child, { pointer().appending(index) }, index))
            }
        }
        return result
    }

    /// A resource list; quantities may be strings or numbers, as in Kubernetes.
    static func resourceList(_ node: JSONNode?, _ pointer: @autoclosure LazyPointer) throws(PodDecodingError) -> ResourceList {
        guard let node, !node.isNull else { return ResourceList() }
        try requireObject(node, pointer())
        var entries: [(key: String, value: Quantity)] = []
        entries.reserveCapacity(node.count)
        try node.forEachMember(keys: words) { (name, value) throws(PodDecodingError) in
            let quantity: Quantity
            do throws(QuantityError) {
                // Kubernetes reads `null` (YAML `~` or nothing) as a zero quantity.
                quantity = value.isNull ? .zero : try Quantity(json: value)
            } catch {
                throw PodDecodingError(pointer: pointer().appending(name), reason: error.description)
            }
            entries.append((name, quantity))
        }
        return ResourceList(OrderedMap(uniqueEntries: entries))
    }
}
