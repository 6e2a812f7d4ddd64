import PolicyJSON

/// Every flyteidl entity read from one input: what the resolver works from.
package struct FlyteBundle: Sendable {
    package var tasks: [(template: TaskTemplate, source: EntitySource)] = []
    /// Top-level workflows (a `WorkflowSpec` template or a compiled closure's primary).
    package var workflows: [(template: WorkflowTemplate, source: EntitySource)] = []
    /// Workflows that travel with another one (`subWorkflows`) and are only referenced.
    package var subWorkflows: [(template: WorkflowTemplate, source: EntitySource)] = []
    package var launchPlans: [(plan: LaunchPlan, source: EntitySource)] = []

    package init() {}

    package var isEmpty: Bool { tasks.isEmpty && workflows.isEmpty && subWorkflows.isEmpty && launchPlans.isEmpty }

    package mutating func append(_ other: FlyteBundle) {
        tasks += other.tasks
        workflows += other.workflows
        subWorkflows += other.subWorkflows
        launchPlans += other.launchPlans
    }
}

/// Reads flyteidl entities written as protobuf JSON: `admin.TaskSpec`, `core.TaskTemplate`,
/// `admin.Task`, `admin.WorkflowSpec`, `core.WorkflowTemplate`, `admin.Workflow`,
/// `core.CompiledWorkflowClosure`, `admin.LaunchPlan` / `LaunchPlanSpec`, and arrays of them
/// (`flytectl get ... -o json`).
package enum FlyteEntityDecoder {
    /// Whether a JSON value looks like a flyteidl entity rather than a Kubernetes object.
    /// Reads the parsed tree in place, so a Kubernetes manifest is never copied to decide.
    package static func looksLikeFlyte(_ node: JSONNode) -> Bool {
        guard node.isObject else {
            if node.isArray, let first = node[0] { return looksLikeFlyte(first) }
            return false
        }
        if node["kind"]?.string != nil { return false }  // Kubernetes objects; flyteidl has no `kind`
        let keys = ["template", "closure", "spec", "nodes", "primary", "compiledWorkflow", "compiled_workflow", "workflowId", "workflow_id"]
        return keys.contains { node[$0] != nil } || (node["id"] != nil && (node["type"] != nil || node["nodes"] != nil))
    }

    package static func decode(_ value: JSONValue, source: EntitySource) throws(FlyteDecodingError) -> FlyteBundle {
        var bundle = FlyteBundle()
        let root = FlyteJSONReader(value, source: source.description)
        if let elements = value.array {
            for (index, element) in elements.enumerated() {
                try decodeEntity(FlyteJSONReader(element, pointer: JSONPointer.root.appending(index), source: source.description), source, &bundle)
            }
        } else {
            try decodeEntity(root, source, &bundle)
        }
        return bundle
    }

    private static func decodeEntity(_ reader: FlyteJSONReader, _ source: EntitySource, _ bundle: inout FlyteBundle) throws(FlyteDecodingError) {
        try reader.requireObject("a flyteidl entity")
        // admin.Task / admin.Workflow / admin.LaunchPlan carry a top-level id plus closure or spec.
        if let closure = try reader.objectMember("closure") {
            if let compiledTask = try closure.objectMember("compiledTask"), let template = try compiledTask.objectMember("template") {
                bundle.tasks.append((try task(template), source))
                return
            }
            if let compiled = try closure.objectMember("compiledWorkflow") {
                try decodeCompiledClosure(compiled, source, &bundle)
                return
            }
        }
        if let spec = try reader.objectMember("spec"), spec.has("workflowId") {
            bundle.launchPlans.append((try launchPlan(id: reader.member("id"), spec: spec), source))
            return
        }
        if reader.has("workflowId") {
            bundle.launchPlans.append((try launchPlan(id: reader.member("id"), spec: reader), source))
            return
        }
        if let compiled = try reader.objectMember("compiledWorkflow") {
            try decodeCompiledClosure(compiled, source, &bundle)
            return
        }
        if reader.has("primary") {
            try decodeCompiledClosure(reader, source, &bundle)
            return
        }
        if let template = try reader.objectMember("template") {
            // admin.TaskSpec / admin.WorkflowSpec / core.CompiledTask / core.CompiledWorkflow.
            if template.has("nodes") || identifierType(template) == "WORKFLOW" {
                bundle.workflows.append((try workflow(template), source))
                for sub in try reader.array("subWorkflows") { bundle.subWorkflows.append((try workflow(sub), source)) }
            } else {
                bundle.tasks.append((try task(template), source))
            }
            return
        }
        if reader.has("nodes") || identifierType(reader) == "WORKFLOW" {
            bundle.workflows.append((try workflow(reader), source))
            return
        }
        if reader.has("container") || reader.has("k8sPod") || identifierType(reader) == "TASK" {
            bundle.tasks.append((try task(reader), source))
            return
        }
        throw reader.error(
            "is not a flyteidl task, workflow or launch plan (expected a TaskSpec, TaskTemplate, WorkflowSpec, WorkflowClosure or LaunchPlan)")
    }

    private static func decodeCompiledClosure(
        _ closure: FlyteJSONReader, _ source: EntitySource, _ bundle: inout FlyteBundle
    ) throws(FlyteDecodingError) {
        guard let primary = try closure.objectMember("primary"), let template = try primary.objectMember("template") else {
            throw closure.error("a compiled workflow closure needs primary.template")
        }
        bundle.workflows.append((try workflow(template), source))
        for sub in try closure.array("subWorkflows") {
            guard let template = try sub.objectMember("template") else { throw sub.error("a compiled sub-workflow needs a template") }
            bundle.subWorkflows.append((try workflow(template), source))
        }
        for compiled in try closure.array("tasks") {
            guard let template = try compiled.objectMember("template") else { throw compiled.error("a compiled task needs a template") }
            bundle.tasks.append((try task(template), source))
        }
    }

    private static func identifierType(_ reader: FlyteJSONReader) -> String? {
        reader.member("id")?.member("resourceType")?.value.string
    }

    static func identifier(_ reader: FlyteJSONReader?, what: String, at parent: FlyteJSONReader) throws(FlyteDecodingError) -> FlyteIdentifier {
        guard let reader else { throw parent.error("\(what) has no id") }
        try reader.requireObject("an identifier")
        let resourceType: String
        switch reader.member("resourceType")?.value {
        case .string(let name): resourceType = name
        case .integer(let number): resourceType = ["UNSPECIFIED", "TASK", "WORKFLOW", "LAUNCH_PLAN", "DATASET"][safe: Int(number)] ?? "\(number)"
        default: resourceType = ""
        }
        guard let name = try reader.string("name"), !name.isEmpty else { throw reader.error("an identifier needs a name") }
        return FlyteIdentifier(
            resourceType: resourceType, project: try reader.string("project") ?? "", domain: try reader.string("domain") ?? "", name: name,
            version: try reader.string("version") ?? "")
    }

    static func task(_ reader: FlyteJSONReader) throws(FlyteDecodingError) -> TaskTemplate {
        try reader.requireObject("a task template")
        var task = TaskTemplate(id: try identifier(reader.member("id"), what: "the task template", at: reader))
        task.type = try reader.string("type") ?? ""
        if let metadata = try reader.objectMember("metadata") {
            task.interruptible = try metadata.bool("interruptible")
            task.podTemplateName = try metadata.string("podTemplateName") ?? ""
        }
        if let container = try reader.objectMember("container") {
            task.container = try taskContainer(container)
        }
        if let pod = try reader.objectMember("k8sPod") {
            task.k8sPod = try k8sPod(pod)
        }
        for (key, value) in try reader.stringMap("config") { task.config[key] = value.string }
        if let extended = try reader.objectMember("extendedResources") {
            task.extendedResources = try extendedResources(extended)
        }
        task.custom = try reader.objectMember("custom")?.object
        task.taskTypeVersion = try reader.int("taskTypeVersion") ?? 0
        return task
    }

    static func taskContainer(_ reader: FlyteJSONReader) throws(FlyteDecodingError) -> TaskContainer {
        var container = TaskContainer()
        container.image = try reader.string("image") ?? ""
        container.command = try reader.stringArray("command")
        container.args = try reader.stringArray("args")
        for pair in try reader.array("env") {
            container.env.append((try pair.string("key") ?? "", try pair.string("value") ?? ""))
        }
        if let resources = try reader.objectMember("resources") {
            container.resources = try self.resources(resources)
        }
        return container
    }

    static let resourceNames = ["UNKNOWN", "CPU", "GPU", "MEMORY", "STORAGE", "EPHEMERAL_STORAGE"]

    static func resources(_ reader: FlyteJSONReader) throws(FlyteDecodingError) -> FlyteResources {
        func entries(_ name: String) throws(FlyteDecodingError) -> [FlyteResources.Entry] {
            var result: [FlyteResources.Entry] = []
            for entry in try reader.array(name) {
                try entry.requireObject("a resource entry")
                let resourceName: String
                switch entry.member("name")?.value {
                case nil: resourceName = "UNKNOWN"
                case .string(let text)?:
                    guard resourceNames.contains(text) else {
                        throw entry.error(
                            "unknown resource name '\(text)' (expected one of \(resourceNames.joined(separator: ", ")))",
                            at: entry.pointer.appending("name"))
                    }
                    resourceName = text
                case .integer(let number)?: resourceName = resourceNames[safe: Int(number)] ?? "UNKNOWN"
                case let other?:
                    throw entry.error("a resource name must be a string, found \(other.kind.phrase)", at: entry.pointer.appending("name"))
                }
                result.append(.init(name: resourceName, value: try entry.string("value") ?? ""))
            }
            return result
        }
        return FlyteResources(requests: try entries("requests"), limits: try entries("limits"))
    }

    static func k8sPod(_ reader: FlyteJSONReader) throws(FlyteDecodingError) -> K8sPod {
        var pod = K8sPod()
        if let metadata = try reader.objectMember("metadata") {
            pod.labels = try metadata.stringMap("labels")
            pod.annotations = try metadata.stringMap("annotations")
        }
        if let spec = try reader.objectMember("podSpec") {
            pod.podSpec = spec.object
        }
        pod.primaryContainerName = try reader.string("primaryContainerName") ?? ""
        return pod
    }

    static func extendedResources(_ reader: FlyteJSONReader) throws(FlyteDecodingError) -> ExtendedResources {
        var result = ExtendedResources()
        if let gpu = try reader.objectMember("gpuAccelerator") {
            result.gpuAccelerator = GPUAccelerator(
                device: try gpu.string("device") ?? "", unpartitioned: try gpu.bool("unpartitioned"), partitionSize: try gpu.string("partitionSize"))
        }
        if let memory = try reader.objectMember("sharedMemory") {
            result.sharedMemory = SharedMemory(
                mountPath: try memory.string("mountPath") ?? "", mountName: try memory.string("mountName") ?? "",
                sizeLimit: try memory.string("sizeLimit") ?? "")
        }
        return result
    }

    static func overrides(_ reader: FlyteJSONReader) throws(FlyteDecodingError) -> TaskNodeOverrides {
        var overrides = TaskNodeOverrides()
        if let resources = try reader.objectMember("resources") { overrides.resources = try self.resources(resources) }
        if let extended = try reader.objectMember("extendedResources") { overrides.extendedResources = try extendedResources(extended) }
        overrides.containerImage = try reader.string("containerImage") ?? ""
        if let pod = try reader.objectMember("podTemplate") { overrides.podTemplate = try k8sPod(pod) }
        return overrides
    }

    static func workflow(_ reader: FlyteJSONReader) throws(FlyteDecodingError) -> WorkflowTemplate {
        try reader.requireObject("a workflow template")
        var workflow = WorkflowTemplate(id: try identifier(reader.member("id"), what: "the workflow template", at: reader))
        workflow.nodes = try reader.array("nodes").map { (node) throws(FlyteDecodingError) in try self.node(node) }
        if let failure = try reader.objectMember("failureNode") { workflow.failureNode = try node(failure) }
        workflow.interruptible = try reader.member("metadataDefaults")?.bool("interruptible") ?? false
        return workflow
    }

    static func node(_ reader: FlyteJSONReader) throws(FlyteDecodingError) -> FlyteNode {
        try reader.requireObject("a node")
        let id = try reader.string("id") ?? ""
        let metadata = try reader.objectMember("metadata")
        var node = FlyteNode(id: id, name: try metadata?.string("name") ?? "", interruptible: try metadata?.bool("interruptible"), target: .none)
        if let taskNode = try reader.objectMember("taskNode") {
            let reference = try identifier(taskNode.member("referenceId"), what: "task node \(id)", at: taskNode)
            let overrides =
                try taskNode.objectMember("overrides").map { (o) throws(FlyteDecodingError) in try self.overrides(o) } ?? TaskNodeOverrides()
            node.target = .task(reference, overrides)
        } else if let workflowNode = try reader.objectMember("workflowNode") {
            if let sub = workflowNode.member("subWorkflowRef") {
                node.target = .subWorkflow(try identifier(sub, what: "workflow node \(id)", at: workflowNode))
            } else if let plan = workflowNode.member("launchplanRef") {
                node.target = .launchPlan(try identifier(plan, what: "workflow node \(id)", at: workflowNode))
            } else {
                throw workflowNode.error("a workflow node needs subWorkflowRef or launchplanRef")
            }
        } else if let branch = try reader.objectMember("branchNode") {
            guard let ifElse = try branch.objectMember("ifElse") else { throw branch.error("a branch node needs ifElse") }
            var nodes: [FlyteNode] = []
            var cases: [FlyteJSONReader] = []
            if let first = try ifElse.objectMember("case") { cases.append(first) }
            cases += try ifElse.array("other")
            for block in cases {
                guard let then = try block.objectMember("thenNode") else { throw block.error("a branch case needs thenNode") }
                nodes.append(try self.node(then))
            }
            if let otherwise = try ifElse.objectMember("elseNode") { nodes.append(try self.node(otherwise)) }
            node.target = .branch(nodes)
        } else if let array = try reader.objectMember("arrayNode") {
            guard let inner = try array.objectMember("node") else { throw array.error("an array node needs a node") }
            node.target = .array(try self.node(inner))
        }
        return node
    }

    static func launchPlan(id: FlyteJSONReader?, spec: FlyteJSONReader) throws(FlyteDecodingError) -> LaunchPlan {
        let workflowId = try identifier(spec.member("workflowId"), what: "the launch plan's workflow", at: spec)
        let planId = id.flatMap { try? identifier($0, what: "the launch plan", at: spec) } ?? workflowId
        return LaunchPlan(id: planId, workflowId: workflowId, interruptible: try spec.bool("interruptible"))
    }
}

extension Array {
    subscript(safe index: Int) -> Element? {
        indices.contains(index) ? self[index] : nil
    }
}
