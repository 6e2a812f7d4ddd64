import PolicyCore
import PolicyJSON

/// Execution context for Flyte inputs that do not carry it themselves (a `pyflyte package` has
/// no project or domain).
package struct FlyteContext: Sendable {
    package var project: String
    package var domain: String
    /// Defaults to `<project>-<domain>`, Flyte's default namespace mapping.
    package var namespace: String?
    package var serviceAccount: String

    package init(project: String = "", domain: String = "", namespace: String? = nil, serviceAccount: String = "") {
        self.project = project
        self.domain = domain
        self.namespace = namespace
        self.serviceAccount = serviceAccount
    }
}

/// One node's pod, resolved, with who it is.
package struct ResolvedNode: Sendable {
    package var identity: FlyteIdentity
    package var namespace: String
    package var source: EntitySource
    package var pod: BuiltPod
    /// The replica group of a distributed or cluster task (PyTorch worker, Ray worker group,
    /// Spark executor, ...); `nil` for a task that runs one plain pod.
    package var role: ReplicaRole?
    /// How many pods of this group the job runs (a group's most, when it autoscales); `nil`
    /// with no role.
    package var replicas: Int?
    /// Which job of the outcome the pod belongs to: the replica groups of one node share it.
    package var job = 0
}

/// A node that could not be resolved, with where it is.
package struct NodeResolutionError: Error, Sendable, CustomStringConvertible {
    package var source: EntitySource
    /// `workflow demo.training_wf node n3` or `task demo.infer`.
    package var location: String
    package var error: ResolutionError

    package init(source: EntitySource, location: String, error: ResolutionError) {
        self.source = source
        self.location = location
        self.error = error
    }

    package var description: String { "\(source): \(location): \(error)." }
}

/// Walks workflows the way propeller schedules them and builds the pod of every node that runs
/// one: task nodes, nodes inside branches (every case), sub-workflows and array nodes. Tasks that
/// no workflow in the inputs uses are resolved on their own (empty node id).
package struct FlyteResolver: Sendable {
    package var builder: PodBuilder
    package var context: FlyteContext

    package init(builder: PodBuilder, context: FlyteContext = FlyteContext()) {
        self.builder = builder
        self.context = context
    }

    package struct Outcome: Sendable {
        package var nodes: [ResolvedNode] = []
        package var errors: [NodeResolutionError] = []
        package var notices: [String] = []
        /// Jobs appended so far.
        private var jobs = 0

        package init() {}

        /// Appends the pods one node launches, as one job.
        mutating func append(job nodes: [ResolvedNode]) {
            guard !nodes.isEmpty else { return }
            for var node in nodes {
                node.job = jobs
                self.nodes.append(node)
            }
            jobs += 1
        }

        /// Appends what resolving the workflows that follow made, its jobs numbered after these.
        mutating func append(_ other: Outcome) {
            for var node in other.nodes {
                node.job += jobs
                nodes.append(node)
            }
            jobs += other.jobs
            errors += other.errors
            notices += other.notices
        }
    }

    /// Resolves every workflow's nodes (and the tasks no workflow uses) into pods, workflows on
    /// up to `jobs` threads.
    package func resolve(_ bundle: FlyteBundle, jobs: Int = 1) -> Outcome {
        var tasks: [String: (template: TaskTemplate, source: EntitySource)] = [:]
        for entry in bundle.tasks where tasks[entry.template.id.name] == nil { tasks[entry.template.id.name] = entry }
        var workflows: [String: WorkflowTemplate] = [:]
        for entry in bundle.workflows + bundle.subWorkflows where workflows[entry.template.id.name] == nil {
            workflows[entry.template.id.name] = entry.template
        }
        var plans: [String: LaunchPlan] = [:]
        for entry in bundle.launchPlans {
            // The default launch plan carries the workflow's own name; prefer it.
            let name = entry.plan.workflowId.name
            if plans[name] == nil || entry.plan.id.name == name { plans[name] = entry.plan }
        }
        var seenWorkflows = Set<String>()
        let tops = bundle.workflows.filter { seenWorkflows.insert($0.template.id.name).inserted }
        // Workflows are resolved apart, in chunks on `jobs` threads, and joined in order: the
        // outcome is the same for every `jobs`.
        let chunkCount = jobs > 1 ? min(tops.count, jobs * 8) : 1
        let bounds = (0...chunkCount).map { $0 * tops.count / max(chunkCount, 1) }
        let resolver = self
        let (taskTable, workflowTable, planTable) = (tasks, workflows, plans)
        let walk: @Sendable (Int) -> Walker = { chunk in
            var walker = Walker(resolver: resolver, tasks: taskTable, workflows: workflowTable)
            for entry in tops[bounds[chunk]..<bounds[chunk + 1]] {
                let workflow = entry.template
                let interruptible = planTable[workflow.id.name]?.interruptible ?? workflow.interruptible
                walker.top = workflow
                walker.source = entry.source
                walker.walk(workflow.nodes, prefix: "", interruptible: interruptible, stack: [workflow.id.name])
            }
            return walker
        }
        var walkers = ParallelMap.map(tops.isEmpty ? 0 : chunkCount, jobs: jobs, walk)
        var outcome = Outcome()
        var usedTasks = Set<String>()
        for walker in walkers {
            outcome.append(walker.outcome)
            usedTasks.formUnion(walker.usedTasks)
        }
        walkers = []
        for entry in bundle.launchPlans where workflows[entry.plan.workflowId.name] == nil {
            outcome.errors.append(
                NodeResolutionError(
                    source: entry.source, location: "launch plan \(entry.plan.id.name)", error: .workflowNotFound(entry.plan.workflowId.name)))
        }
        // Tasks no workflow uses run on their own; `insert` resolves a repeated name once.
        var resolvedTasks = usedTasks
        for entry in bundle.tasks where resolvedTasks.insert(entry.template.id.name).inserted {
            let identity = FlyteIdentity(
                project: project(entry.template.id), domain: domain(entry.template.id), workflow: "", task: entry.template.id.name, node: "",
                taskType: entry.template.type, interruptible: entry.template.interruptible ?? false)
            do {
                let resolved = try resolveTask(
                    entry.template, overrides: TaskNodeOverrides(), identity: identity, source: entry.source, nodeName: "task")
                outcome.append(job: resolved.nodes)
                if let notice = resolved.notice { outcome.notices.append(notice) }
            } catch {
                outcome.errors.append(NodeResolutionError(source: entry.source, location: "task \(entry.template.id.name)", error: error))
            }
        }
        return outcome
    }

    private struct Walker {
        let resolver: FlyteResolver
        let tasks: [String: (template: TaskTemplate, source: EntitySource)]
        let workflows: [String: WorkflowTemplate]
        var outcome = Outcome()
        var usedTasks = Set<String>()
        var top = WorkflowTemplate(id: FlyteIdentifier(name: ""))
        var source = EntitySource(file: "")

        init(resolver: FlyteResolver, tasks: [String: (template: TaskTemplate, source: EntitySource)], workflows: [String: WorkflowTemplate]) {
            self.resolver = resolver
            self.tasks = tasks
            self.workflows = workflows
        }

        mutating func walk(_ nodes: [FlyteNode], prefix: String, interruptible: Bool, stack: [String]) {
            for node in nodes { visit(node, path: prefix + node.id, interruptible: interruptible, stack: stack) }
        }

        mutating func visit(_ node: FlyteNode, path: String, interruptible: Bool, stack: [String]) {
            let nodeInterruptible = node.interruptible ?? interruptible
            switch node.target {
            case .task(let reference, let overrides):
                usedTasks.insert(reference.name)
                let location = "workflow \(top.id.name) node \(path)"
                guard let task = tasks[reference.name] else {
                    outcome.errors.append(NodeResolutionError(source: source, location: location, error: .taskNotFound(reference.name)))
                    return
                }
                let identity = FlyteIdentity(
                    project: resolver.project(top.id), domain: resolver.domain(top.id), workflow: top.id.name, task: reference.name, node: path,
                    taskType: task.template.type, interruptible: nodeInterruptible)
                do {
                    let resolved = try resolver.resolveTask(
                        task.template, overrides: overrides, identity: identity, source: source, nodeName: path,
                        workflowName: top.id.name)
                    outcome.append(job: resolved.nodes)
                    if let notice = resolved.notice { outcome.notices.append("workflow \(top.id.name) node \(path): \(notice)") }
                } catch {
                    outcome.errors.append(NodeResolutionError(source: source, location: location, error: error))
                }
            // Nested nodes run in the execution's context (propeller's NewExecutionContextWithParentInfo):
            // a branch, array or workflow node's own interruptible flag does not reach them; only
            // their own metadata, else the execution's flag, counts.
            case .branch(let children):
                for child in children { visit(child, path: "\(path)-\(child.id)", interruptible: interruptible, stack: stack) }
            case .array(let inner):
                // Every element of a map task runs the same pod; the array node's id names them.
                visit(inner, path: path, interruptible: interruptible, stack: stack)
            case .subWorkflow(let reference):
                guard !stack.contains(reference.name) else {
                    outcome.errors.append(
                        NodeResolutionError(source: source, location: "workflow \(top.id.name) node \(path)", error: .recursion(reference.name)))
                    return
                }
                guard let workflow = workflows[reference.name] else {
                    outcome.errors.append(
                        NodeResolutionError(
                            source: source, location: "workflow \(top.id.name) node \(path)", error: .workflowNotFound(reference.name)))
                    return
                }
                walk(workflow.nodes, prefix: "\(path)-", interruptible: interruptible, stack: stack + [reference.name])
            case .launchPlan(let reference):
                // A launch plan node starts a separate execution: its pods belong to that workflow,
                // which is resolved on its own when its spec is among the inputs.
                if workflows[reference.name] == nil {
                    outcome.notices.append(
                        "workflow \(top.id.name) node \(path) launches \(reference.name), which is not among the inputs; its pods were not checked")
                }
            case .none:
                break
            }
        }
    }

    func project(_ id: FlyteIdentifier) -> String { context.project.isEmpty ? id.project : context.project }
    func domain(_ id: FlyteIdentifier) -> String { context.domain.isEmpty ? id.domain : context.domain }

    func namespace(for identity: FlyteIdentity) -> String {
        if let namespace = context.namespace { return namespace }
        let project = identity.project ?? ""
        let domain = identity.domain ?? ""
        return project.isEmpty || domain.isEmpty ? "" : "\(project)-\(domain)"
    }

    func resolveTask(
        _ task: TaskTemplate, overrides: TaskNodeOverrides, identity: FlyteIdentity, source: EntitySource, nodeName: String,
        workflowName: String? = nil
    ) throws(ResolutionError) -> (nodes: [ResolvedNode], notice: String?) {
        let at = workflowName.map { "node override at \($0) node \(nodeName)" } ?? "node override"
        let overrideResources =
            try overrides.resources.map { (resources) throws(ResolutionError) in
                try ContainerResources(flyte: resources, at: "\(at): overrides.resources")
            } ?? ContainerResources()
        let namespace = namespace(for: identity)
        var execution = TaskExecution(
            task: task, overrides: overrides, overrideResources: overrideResources, interruptible: identity.interruptible ?? false,
            namespace: namespace, generatedName: Self.containerName(nodeName), taskLayer: "task \(task.id.name)", overrideLayer: at)
        execution.serviceAccount = context.serviceAccount
        var (workload, notice) = try plugin(for: task)
        if workload == .noPod { return ([], notice) }
        let pods = try PluginJobBuilder(builder: builder, execution: execution).build(workload)
        if pods.isEmpty {
            // An elastic PyTorch job with no workers: the plugin creates a job of no replicas.
            notice =
                "task \(task.id.name) (type '\(task.type)'): the plugin creates a job with no pods (no replica group has replicas); nothing of it was checked"
        }
        let nodes = pods.map { replica in
            var identity = identity
            if let interruptible = replica.interruptible { identity.interruptible = interruptible }
            var pod = replica.pod
            if let role = replica.role {
                pod.addMetadata(
                    labels: JSONObject(OperatorRoleLabels.labels(for: role, taskType: task.type).map { ($0.0, .string($0.1)) }), annotations: [:])
            }
            pod.metadata = labelled(pod.metadata, identity: identity)
            return ResolvedNode(
                identity: identity, namespace: namespace, source: source, pod: pod, role: replica.role,
                replicas: replica.role == nil ? nil : replica.replicas)
        }
        return (nodes, notice)
    }

    /// The plugin propeller hands the task to, and what a report should say about that choice.
    private func plugin(for task: TaskTemplate) throws(ResolutionError) -> (TaskPlugin.Workload, String?) {
        let dispatch = builder.config.dispatch
        switch dispatch.decide(task.type) {
        case .registered(let plugin):
            let notice =
                plugin.workload == .noPod
                ? "task \(task.id.name) (type '\(task.type)') runs no pod in the cluster: propeller's '\(plugin.rawValue)' plugin calls an outside service; no policy applies to it"
                : nil
            return (plugin.workload, notice)
        case .connector:
            return (.noPod, "task \(task.id.name) (type '\(task.type)') runs no pod in the cluster: a connector runs it; no policy applies to it")
        case .fallback(let plugin):
            guard !task.type.isEmpty else { return (.pod, nil) }
            let owner = TaskPlugin.allCases.first { $0.registeredTaskTypes.contains(task.type) }
            let reason = owner.map { "its plugin '\($0.rawValue)' is not enabled in tasks.task-plugins" } ?? "no plugin registers that type"
            return (
                .pod,
                "task \(task.id.name) (type '\(task.type)'): \(reason), so propeller runs it with its default plugin '\(plugin.rawValue)' as one pod, which is what was checked"
            )
        case .unsupported:
            throw .noPlugin(task: task.id.name, type: task.type)
        }
    }

    /// A stand-in for propeller's generated container name (`<execution>-<node>-<attempt>`),
    /// which exists only at run time.
    static func containerName(_ node: String) -> String {
        let label = FlyteLabels.sanitize(node.isEmpty ? "task" : node)
        return String((label.isEmpty ? "task" : label).prefix(60)) + "-0"
    }

    /// The labels and annotations propeller puts on every pod, under the pod's own.
    func labelled(_ metadata: JSONObject, identity: FlyteIdentity) -> JSONObject {
        var labels = builder.config.defaultLabels
        for (key, value) in FlyteLabels.labels(for: identity) { labels[key] = .string(value) }
        for (key, value) in metadata["labels"]?.object ?? [:] { labels[key] = value }
        var annotations = builder.config.defaultAnnotations
        for (key, value) in metadata["annotations"]?.object ?? [:] { annotations[key] = value }
        var result = metadata
        result["labels"] = labels.isEmpty ? nil : .object(labels)
        result["annotations"] = annotations.isEmpty ? nil : .object(annotations)
        return result
    }
}
