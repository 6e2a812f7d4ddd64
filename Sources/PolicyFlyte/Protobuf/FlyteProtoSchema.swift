/// The flyteidl messages and fields flyte-policy reads, by field number, with their protobuf
/// JSON names. Fields not listed are skipped, as protobuf requires for unknown fields.
enum FlyteProtoSchema {
    indirect enum FieldType: Sendable {
        case string, bool, int32
        case enumeration([String])
        case message(String)
        /// `map<string, string>`.
        case stringMap
        /// `google.protobuf.Struct`, decoded to the JSON object it represents.
        case structValue
        /// `google.protobuf.BoolValue`, written as a bare boolean in JSON.
        case boolValue
    }

    struct Field: Sendable {
        var name: String
        var type: FieldType
        var repeated = false
    }

    static let resourceTypes = ["UNSPECIFIED", "TASK", "WORKFLOW", "LAUNCH_PLAN", "DATASET"]
    static let resourceNames = ["UNKNOWN", "CPU", "GPU", "MEMORY", "STORAGE", "EPHEMERAL_STORAGE"]

    static let messages: [String: [Int: Field]] = [
        "admin.TaskSpec": [1: Field(name: "template", type: .message("core.TaskTemplate"))],
        "admin.WorkflowSpec": [
            1: Field(name: "template", type: .message("core.WorkflowTemplate")),
            2: Field(name: "subWorkflows", type: .message("core.WorkflowTemplate"), repeated: true),
        ],
        "admin.LaunchPlan": [
            1: Field(name: "id", type: .message("core.Identifier")),
            2: Field(name: "spec", type: .message("admin.LaunchPlanSpec")),
        ],
        "admin.LaunchPlanSpec": [
            1: Field(name: "workflowId", type: .message("core.Identifier")),
            19: Field(name: "interruptible", type: .boolValue),
        ],
        "core.Identifier": [
            1: Field(name: "resourceType", type: .enumeration(resourceTypes)),
            2: Field(name: "project", type: .string),
            3: Field(name: "domain", type: .string),
            4: Field(name: "name", type: .string),
            5: Field(name: "version", type: .string),
            6: Field(name: "org", type: .string),
        ],
        "core.TaskTemplate": [
            1: Field(name: "id", type: .message("core.Identifier")),
            2: Field(name: "type", type: .string),
            3: Field(name: "metadata", type: .message("core.TaskMetadata")),
            5: Field(name: "custom", type: .structValue),
            6: Field(name: "container", type: .message("core.Container")),
            7: Field(name: "taskTypeVersion", type: .int32),
            9: Field(name: "extendedResources", type: .message("core.ExtendedResources")),
            16: Field(name: "config", type: .stringMap),
            17: Field(name: "k8sPod", type: .message("core.K8sPod")),
        ],
        "core.TaskMetadata": [
            8: Field(name: "interruptible", type: .bool),
            12: Field(name: "podTemplateName", type: .string),
        ],
        "core.Container": [
            1: Field(name: "image", type: .string),
            2: Field(name: "command", type: .string, repeated: true),
            3: Field(name: "args", type: .string, repeated: true),
            4: Field(name: "resources", type: .message("core.Resources")),
            5: Field(name: "env", type: .message("core.KeyValuePair"), repeated: true),
        ],
        "core.KeyValuePair": [1: Field(name: "key", type: .string), 2: Field(name: "value", type: .string)],
        "core.Resources": [
            1: Field(name: "requests", type: .message("core.Resources.ResourceEntry"), repeated: true),
            2: Field(name: "limits", type: .message("core.Resources.ResourceEntry"), repeated: true),
        ],
        "core.Resources.ResourceEntry": [
            1: Field(name: "name", type: .enumeration(resourceNames)),
            2: Field(name: "value", type: .string),
        ],
        "core.K8sPod": [
            1: Field(name: "metadata", type: .message("core.K8sObjectMetadata")),
            2: Field(name: "podSpec", type: .structValue),
            4: Field(name: "primaryContainerName", type: .string),
        ],
        "core.K8sObjectMetadata": [1: Field(name: "labels", type: .stringMap), 2: Field(name: "annotations", type: .stringMap)],
        "core.ExtendedResources": [
            1: Field(name: "gpuAccelerator", type: .message("core.GPUAccelerator")),
            2: Field(name: "sharedMemory", type: .message("core.SharedMemory")),
        ],
        "core.GPUAccelerator": [
            1: Field(name: "device", type: .string),
            2: Field(name: "unpartitioned", type: .bool),
            3: Field(name: "partitionSize", type: .string),
        ],
        "core.SharedMemory": [
            1: Field(name: "mountPath", type: .string),
            2: Field(name: "mountName", type: .string),
            3: Field(name: "sizeLimit", type: .string),
        ],
        "core.WorkflowTemplate": [
            1: Field(name: "id", type: .message("core.Identifier")),
            4: Field(name: "nodes", type: .message("core.Node"), repeated: true),
            6: Field(name: "failureNode", type: .message("core.Node")),
            7: Field(name: "metadataDefaults", type: .message("core.WorkflowMetadataDefaults")),
        ],
        "core.WorkflowMetadataDefaults": [1: Field(name: "interruptible", type: .bool)],
        "core.Node": [
            1: Field(name: "id", type: .string),
            2: Field(name: "metadata", type: .message("core.NodeMetadata")),
            6: Field(name: "taskNode", type: .message("core.TaskNode")),
            7: Field(name: "workflowNode", type: .message("core.WorkflowNode")),
            8: Field(name: "branchNode", type: .message("core.BranchNode")),
            10: Field(name: "arrayNode", type: .message("core.ArrayNode")),
        ],
        "core.NodeMetadata": [1: Field(name: "name", type: .string), 6: Field(name: "interruptible", type: .bool)],
        "core.TaskNode": [
            1: Field(name: "referenceId", type: .message("core.Identifier")),
            2: Field(name: "overrides", type: .message("core.TaskNodeOverrides")),
        ],
        "core.TaskNodeOverrides": [
            1: Field(name: "resources", type: .message("core.Resources")),
            2: Field(name: "extendedResources", type: .message("core.ExtendedResources")),
            3: Field(name: "containerImage", type: .string),
            4: Field(name: "podTemplate", type: .message("core.K8sPod")),
        ],
        "core.WorkflowNode": [
            1: Field(name: "launchplanRef", type: .message("core.Identifier")),
            2: Field(name: "subWorkflowRef", type: .message("core.Identifier")),
        ],
        "core.BranchNode": [1: Field(name: "ifElse", type: .message("core.IfElseBlock"))],
        "core.IfElseBlock": [
            1: Field(name: "case", type: .message("core.IfBlock")),
            2: Field(name: "other", type: .message("core.IfBlock"), repeated: true),
            3: Field(name: "elseNode", type: .message("core.Node")),
        ],
        "core.IfBlock": [2: Field(name: "thenNode", type: .message("core.Node"))],
        "core.ArrayNode": [1: Field(name: "node", type: .message("core.Node"))],
    ]
}
