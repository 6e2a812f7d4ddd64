import PolicyJSON

/// A flyteidl `core.Identifier`: what tasks, workflows and launch plans are referenced by.
package struct FlyteIdentifier: Sendable, Hashable, CustomStringConvertible {
    package var resourceType: String
    package var project: String
    package var domain: String
    package var name: String
    package var version: String

    package init(resourceType: String = "", project: String = "", domain: String = "", name: String, version: String = "") {
        self.resourceType = resourceType
        self.project = project
        self.domain = domain
        self.name = name
        self.version = version
    }

    package var description: String { version.isEmpty ? name : "\(name)@\(version)" }
}

/// A flyteidl `core.Resources`: CPU/GPU/MEMORY/... entries as the SDK wrote them.
package struct FlyteResources: Sendable, Equatable {
    package struct Entry: Sendable, Equatable {
        /// `CPU`, `GPU`, `MEMORY`, `STORAGE`, `EPHEMERAL_STORAGE` (or `UNKNOWN`).
        package var name: String
        package var value: String
    }

    package var requests: [Entry] = []
    package var limits: [Entry] = []

    package init(requests: [Entry] = [], limits: [Entry] = []) {
        self.requests = requests
        self.limits = limits
    }
}

/// `core.GPUAccelerator`: the device and, for MIG GPUs, the partition.
package struct GPUAccelerator: Sendable, Equatable {
    package var device: String = ""
    package var unpartitioned: Bool?
    package var partitionSize: String?

    package init(device: String = "", unpartitioned: Bool? = nil, partitionSize: String? = nil) {
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
package struct SharedMemory: Sendable, Equatable {
    package var mountPath: String = ""
    package var mountName: String = ""
    package var sizeLimit: String = ""

    package init(mountPath: String = "", mountName: String = "", sizeLimit: String = "") {
        self.mountPath = mountPath
        self.mountName = mountName
        self.sizeLimit = sizeLimit
    }
}

/// `core.ExtendedResources`.
package struct ExtendedResources: Sendable, Equatable {
    package var gpuAccelerator: GPUAccelerator?
    package var sharedMemory: SharedMemory?

    package init(gpuAccelerator: GPUAccelerator? = nil, sharedMemory: SharedMemory? = nil) {
        self.gpuAccelerator = gpuAccelerator
        self.sharedMemory = sharedMemory
    }
}

/// `core.K8sPod`: a pod spec (Kubernetes JSON) with labels, annotations and the primary
/// container's name. Used both as a task target and as a node's pod-template override.
package struct K8sPod: Sendable, Equatable {
    package var labels: JSONObject = [:]
    package var annotations: JSONObject = [:]
    /// `nil` when the message has no `podSpec` (an override without one is ignored by Flyte).
    package var podSpec: JSONObject?
    package var primaryContainerName: String = ""

    package init(labels: JSONObject = [:], annotations: JSONObject = [:], podSpec: JSONObject? = nil, primaryContainerName: String = "") {
        self.labels = labels
        self.annotations = annotations
        self.podSpec = podSpec
        self.primaryContainerName = primaryContainerName
    }

    /// Member order does not matter: protobuf `Struct` and map fields have none.
    package static func == (lhs: K8sPod, rhs: K8sPod) -> Bool {
        lhs.primaryContainerName == rhs.primaryContainerName && JSONValue.object(lhs.labels).jsonEquals(.object(rhs.labels))
            && JSONValue.object(lhs.annotations).jsonEquals(.object(rhs.annotations))
            && (lhs.podSpec.map(JSONValue.object) ?? .null).jsonEquals(rhs.podSpec.map(JSONValue.object) ?? .null)
    }
}

/// `core.TaskTemplate`, with the fields that decide what pod runs.
package struct TaskTemplate: Sendable, Equatable {
    package var id: FlyteIdentifier
    package var type: String = ""
    package var interruptible: Bool?
    package var podTemplateName: String = ""
    /// The `container` target as flyteidl JSON (`image`, `command`, `args`, `env`, `resources`).
    package var container: TaskContainer?
    package var k8sPod: K8sPod?
    package var config: [String: String] = [:]
    package var extendedResources: ExtendedResources?
    /// `custom`: the plugin's own message (a `google.protobuf.Struct`), read by the plugin that
    /// runs the task type; `nil` when the task has none.
    package var custom: JSONObject?
    /// `taskTypeVersion`: which shape of `custom` the plugin reads (0 or 1 for the Kubeflow plugins).
    package var taskTypeVersion = 0

    package init(id: FlyteIdentifier) {
        self.id = id
    }
}

/// `core.Container`, the target of a plain python task.
package struct TaskContainer: Sendable, Equatable {
    package var image: String = ""
    package var command: [String] = []
    package var args: [String] = []
    package var env: [(key: String, value: String)] = []
    package var resources = FlyteResources()

    package init() {}

    package static func == (lhs: TaskContainer, rhs: TaskContainer) -> Bool {
        lhs.image == rhs.image && lhs.command == rhs.command && lhs.args == rhs.args && lhs.resources == rhs.resources
            && lhs.env.map(\.key) == rhs.env.map(\.key) && lhs.env.map(\.value) == rhs.env.map(\.value)
    }
}

/// `core.TaskNodeOverrides`: what `with_overrides(...)` set at one call site.
package struct TaskNodeOverrides: Sendable, Equatable {
    package var resources: FlyteResources?
    package var extendedResources: ExtendedResources?
    package var containerImage: String = ""
    package var podTemplate: K8sPod?

    package init() {}

    package var isEmpty: Bool { resources == nil && extendedResources == nil && containerImage.isEmpty && podTemplate == nil }
}

/// A `core.Node` with what the resolver follows.
package struct FlyteNode: Sendable, Equatable {
    package indirect enum Target: Sendable, Equatable {
        case task(FlyteIdentifier, TaskNodeOverrides)
        case subWorkflow(FlyteIdentifier)
        case launchPlan(FlyteIdentifier)
        /// Every node a branch may run: `then` nodes of every case, then the `else` node.
        case branch([FlyteNode])
        case array(FlyteNode)
        /// Gate nodes and start/end nodes run no pod.
        case none
    }

    package var id: String
    package var name: String = ""
    /// `metadata.interruptible` when the node sets it (flytekit copies the task's flag here).
    package var interruptible: Bool?
    package var target: Target

    package init(id: String, name: String = "", interruptible: Bool? = nil, target: Target) {
        self.id = id
        self.name = name
        self.interruptible = interruptible
        self.target = target
    }
}

/// `core.WorkflowTemplate`.
package struct WorkflowTemplate: Sendable, Equatable {
    package var id: FlyteIdentifier
    package var nodes: [FlyteNode] = []
    package var failureNode: FlyteNode?
    /// `metadataDefaults.interruptible`: the execution default for its nodes.
    package var interruptible: Bool = false

    package init(id: FlyteIdentifier) {
        self.id = id
    }
}

/// `admin.LaunchPlan` (or `LaunchPlanSpec`): which workflow it launches and its interruptible flag.
package struct LaunchPlan: Sendable, Equatable {
    package var id: FlyteIdentifier
    package var workflowId: FlyteIdentifier
    package var interruptible: Bool?

    package init(id: FlyteIdentifier, workflowId: FlyteIdentifier, interruptible: Bool? = nil) {
        self.id = id
        self.workflowId = workflowId
        self.interruptible = interruptible
    }
}

/// Where an entity was read, for messages and report locations.
package struct EntitySource: Sendable, Hashable, CustomStringConvertible {
    package var file: String
    package var member: String?

    package init(file: String, member: String? = nil) {
        self.file = file
        self.member = member
    }

    package var description: String { member.map { "\(file):\($0)" } ?? file }
}
