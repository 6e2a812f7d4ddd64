import PolicyJSON

/// A flyteidl `core.Identifier`: what tasks, workflows and launch plans are referenced by.
public struct FlyteIdentifier: Sendable, Hashable, CustomStringConvertible {
    public var resourceType: String
    public var project: String
    public var domain: String
    public var name: String
    public var version: String

    public init(resourceType: String = "", project: String = "", domain: String = "", name: String, version: String = "") {
        self.resourceType = resourceType
        self.project = project
        self.domain = domain
        self.name = name
        self.version = version
    }

    public var description: String { version.isEmpty ? name : "\(name)@\(version)" }
}

/// A flyteidl `core.Resources`: CPU/GPU/MEMORY/... entries as the SDK wrote them.
public struct FlyteResources: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        /// `CPU`, `GPU`, `MEMORY`, `STORAGE`, `EPHEMERAL_STORAGE` (or `UNKNOWN`).
        public var name: String
        public var value: String
    }

    public var requests: [Entry] = []
    public var limits: [Entry] = []

    public init(requests: [Entry] = [], limits: [Entry] = []) {
        self.requests = requests
        self.limits = limits
    }
}

/// `core.GPUAccelerator`: the device and, for MIG GPUs, the partition.
public struct GPUAccelerator: Sendable, Equatable {
    public var device: String = ""
    public var unpartitioned: Bool?
    public var partitionSize: String?

    public init(device: String = "", unpartitioned: Bool? = nil, partitionSize: String? = nil) {
        self.device = device
        self.unpartitioned = unpartitioned
        self.partitionSize = partitionSize
    }

    var summary: String {
        var text = device
        if let partitionSize { text += " (partition \(partitionSize))" } else if unpartitioned == true { text += " (unpartitioned)" }
        return text
    }
}

/// `core.SharedMemory`: a memory-backed volume for the primary container.
public struct SharedMemory: Sendable, Equatable {
    public var mountPath: String = ""
    public var mountName: String = ""
    public var sizeLimit: String = ""

    public init(mountPath: String = "", mountName: String = "", sizeLimit: String = "") {
        self.mountPath = mountPath
        self.mountName = mountName
        self.sizeLimit = sizeLimit
    }
}

/// `core.ExtendedResources`.
public struct ExtendedResources: Sendable, Equatable {
    public var gpuAccelerator: GPUAccelerator?
    public var sharedMemory: SharedMemory?

    public init(gpuAccelerator: GPUAccelerator? = nil, sharedMemory: SharedMemory? = nil) {
        self.gpuAccelerator = gpuAccelerator
        self.sharedMemory = sharedMemory
    }
}

/// `core.K8sPod`: a pod spec (Kubernetes JSON) with labels, annotations and the primary
/// container's name. Used both as a task target and as a node's pod-template override.
public struct K8sPod: Sendable, Equatable {
    public var labels: JSONObject = [:]
    public var annotations: JSONObject = [:]
    /// `nil` when the message has no `podSpec` (an override without one is ignored by Flyte).
    public var podSpec: JSONObject?
    public var primaryContainerName: String = ""

    public init(labels: JSONObject = [:], annotations: JSONObject = [:], podSpec: JSONObject? = nil, primaryContainerName: String = "") {
        self.labels = labels
        self.annotations = annotations
        self.podSpec = podSpec
        self.primaryContainerName = primaryContainerName
    }

    /// Member order does not matter: protobuf `Struct` and map fields have none.
    public static func == (lhs: K8sPod, rhs: K8sPod) -> Bool {
        lhs.primaryContainerName == rhs.primaryContainerName && JSONValue.object(lhs.labels).jsonEquals(.object(rhs.labels))
            && JSONValue.object(lhs.annotations).jsonEquals(.object(rhs.annotations))
            && (lhs.podSpec.map(JSONValue.object) ?? .null).jsonEquals(rhs.podSpec.map(JSONValue.object) ?? .null)
    }
}

/// `core.TaskTemplate`, with the fields that decide what pod runs.
public struct TaskTemplate: Sendable, Equatable {
    public var id: FlyteIdentifier
    public var type: String = ""
    public var interruptible: Bool?
    public var podTemplateName: String = ""
    /// The `container` target as flyteidl JSON (`image`, `command`, `args`, `env`, `resources`).
    public var container: TaskContainer?
    public var k8sPod: K8sPod?
    public var config: [String: String] = [:]
    public var extendedResources: ExtendedResources?
    /// `custom`: the plugin's own message (a `google.protobuf.Struct`), read by the plugin that
    /// runs the task type; `nil` when the task has none.
    public var custom: JSONObject?
    /// `taskTypeVersion`: which shape of `custom` the plugin reads (0 or 1 for the Kubeflow plugins).
    public var taskTypeVersion = 0

    public init(id: FlyteIdentifier) {
        self.id = id
    }
}

/// `core.Container`, the target of a plain python task.
public struct TaskContainer: Sendable, Equatable {
    public var image: String = ""
    public var command: [String] = []
    public var args: [String] = []
    public var env: [(key: String, value: String)] = []
    public var resources = FlyteResources()

    public init() {}

    public static func == (lhs: TaskContainer, rhs: TaskContainer) -> Bool {
        lhs.image == rhs.image && lhs.command == rhs.command && lhs.args == rhs.args && lhs.resources == rhs.resources
            && lhs.env.map(\.key) == rhs.env.map(\.key) && lhs.env.map(\.value) == rhs.env.map(\.value)
    }
}

/// `core.TaskNodeOverrides`: what `with_overrides(...)` set at one call site.
public struct TaskNodeOverrides: Sendable, Equatable {
    public var resources: FlyteResources?
    public var extendedResources: ExtendedResources?
    public var containerImage: String = ""
    public var podTemplate: K8sPod?

    public init() {}

    public var isEmpty: Bool { resources == nil && extendedResources == nil && containerImage.isEmpty && podTemplate == nil }
}

/// A `core.Node` with what the resolver follows.
public struct FlyteNode: Sendable, Equatable {
    public indirect enum Target: Sendable, Equatable {
        case task(FlyteIdentifier, TaskNodeOverrides)
        case subWorkflow(FlyteIdentifier)
        case launchPlan(FlyteIdentifier)
        /// Every node a branch may run: `then` nodes of every case, then the `else` node.
        case branch([FlyteNode])
        case array(FlyteNode)
        /// Gate nodes and start/end nodes run no pod.
        case none
    }

    public var id: String
    public var name: String = ""
    /// `metadata.interruptible` when the node sets it (flytekit copies the task's flag here).
    public var interruptible: Bool?
    public var target: Target

    public init(id: String, name: String = "", interruptible: Bool? = nil, target: Target) {
        self.id = id
        self.name = name
        self.interruptible = interruptible
        self.target = target
    }
}

/// `core.WorkflowTemplate`.
public struct WorkflowTemplate: Sendable, Equatable {
    public var id: FlyteIdentifier
    public var nodes: [FlyteNode] = []
    public var failureNode: FlyteNode?
    /// `metadataDefaults.interruptible`: the execution default for its nodes.
    public var interruptible: Bool = false

    public init(id: FlyteIdentifier) {
        self.id = id
    }
}

/// `admin.LaunchPlan` (or `LaunchPlanSpec`): which workflow it launches and its interruptible flag.
public struct LaunchPlan: Sendable, Equatable {
    public var id: FlyteIdentifier
    public var workflowId: FlyteIdentifier
    public var interruptible: Bool?

    public init(id: FlyteIdentifier, workflowId: FlyteIdentifier, interruptible: Bool? = nil) {
        self.id = id
        self.workflowId = workflowId
        self.interruptible = interruptible
    }
}

/// Where an entity was read, for messages and report locations.
public struct EntitySource: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var member: String?

    public init(file: String, member: String? = nil) {
        self.file = file
        self.member = member
    }

    public var description: String { member.map { "\(file):\($0)" } ?? file }
}
