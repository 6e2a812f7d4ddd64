import PolicyCore
import PolicyJSON

/// One replica group of a Kubeflow task's `custom` (taskTypeVersion 1): flyteidl
/// `plugins.kubeflow.Distributed*TrainingReplicaSpec`, whose `common` replaces the deprecated
/// fields beside it when present (`ToReplicaSpecWithOverrides`).
struct KubeflowReplicaSpec {
    var replicas = 0
    var image = ""
    var resources: FlyteResources?
    var restartPolicy = "Never"
    /// MPI only: replaces the container's `args` (`OverrideContainerSpec`).
    var command: [String] = []
    /// Where the resources were read, for messages.
    var location = ""

    /// `kfplugins.RestartPolicy` to the training operator's `RestartPolicy` (`ParseRestartPolicy`).
    static let restartPolicies = ["RESTART_POLICY_NEVER": "Never", "RESTART_POLICY_ON_FAILURE": "OnFailure", "RESTART_POLICY_ALWAYS": "Always"]
    static let restartPolicyNames = ["RESTART_POLICY_NEVER", "RESTART_POLICY_ON_FAILURE", "RESTART_POLICY_ALWAYS"]

    init(_ reader: FlyteJSONReader?) throws(FlyteDecodingError) {
        guard let reader else { return }
        try reader.requireObject("a replica spec")
        command = try reader.stringArray("command")
        let fields = try reader.objectMember("common") ?? reader
        replicas = try fields.int("replicas") ?? 0
        image = try fields.string("image") ?? ""
        if let resources = try fields.objectMember("resources") {
            self.resources = try FlyteEntityDecoder.resources(resources)
            location = "custom at \(resources.pointer)"
        }
        if let policy = fields.member("restartPolicy") {
            let name: String?
            switch policy.value {
            case .string(let text): name = text
            case .integer(let number): name = Self.restartPolicyNames[safe: Int(number)]
            default: name = nil
            }
            guard let name, let parsed = Self.restartPolicies[name] else {
                throw policy.error("expected one of \(Self.restartPolicyNames.joined(separator: ", ")), found \(policy.value)")
            }
            restartPolicy = parsed
        }
    }
}

extension PluginJobBuilder {
    /// `pytorch`, `tensorflow` and `mpi` (`kfoperators/`): every group is the task's pod
    /// (`ToK8sPodSpec`) with the primary container renamed to the job's default container name;
    /// taskTypeVersion 1 groups bring their own image, resources, restart policy and count.
    func kubeflow(_ kind: KubeflowJobKind) throws(ResolutionError) -> [ReplicaPod] {
        switch task.taskTypeVersion {
        case 0: try kubeflowVersion0(kind)
        case 1: try kubeflowVersion1(kind)
        default: throw refuse("unsupported task template version \(task.taskTypeVersion) (the plugin reads 0 and 1)")
        }
    }

    /// `ToReplicaSpec` for one group: the task's own pod (`base`, from `ToK8sPodSpec`), primary
    /// container renamed.
    private func replicaSpec(
        _ kind: KubeflowJobKind, role: ReplicaRole, base: BuiltPod, spec: KubeflowReplicaSpec?
    )
        throws(ResolutionError) -> BuiltPod
    {
        var pod = base
        let primary = pod.primaryContainerName
        let name = kind.containerName
        try pod.adjust(layer: layer(role)) { (podSpec) throws(ResolutionError) in
            // OverridePrimaryContainerName: the first container with the primary's name.
            if let index = ContainerEdits.index(of: primary, in: podSpec) {
                ContainerEdits.edit(&podSpec, at: index) { $0["name"] = .string(name) }
            }
            // The training operator gives each pod its replica spec's restart policy.
            podSpec["restartPolicy"] = .string(spec?.restartPolicy ?? "Never")
            guard let spec else { return }
            // OverrideContainerSpec: every container with the job's container name.
            for index in ContainerEdits.indices(of: name, in: podSpec) {
                ContainerEdits.edit(&podSpec, at: index) { container in
                    if !spec.image.isEmpty { container["image"] = .string(spec.image) }
                    if !spec.command.isEmpty { container["args"] = .array(spec.command.map(JSONValue.string)) }
                }
            }
        }
        pod.primaryContainerName = name
        return pod
    }

    private func kubeflowVersion1(_ kind: KubeflowJobKind) throws(ResolutionError) -> [ReplicaPod] {
        let custom = self.custom
        let groups: [(role: ReplicaRole, key: String, master: Bool)] =
            switch kind {
            case .pytorch: [(.master, "masterReplicas", true), (.worker, "workerReplicas", false)]
            case .tensorflow:
                [
                    (.chief, "chiefReplicas", false), (.ps, "psReplicas", false), (.worker, "workerReplicas", false),
                    (.evaluator, "evaluatorReplicas", false),
                ]
            case .mpi: [(.launcher, "launcherReplicas", true), (.worker, "workerReplicas", false)]
            }
        var pods: [ReplicaPod] = []
        for group in groups {
            let spec = try reading { () throws(FlyteDecodingError) in try KubeflowReplicaSpec(custom.member(group.key)) }
            // The master and the launcher always run one pod; TensorFlow skips empty groups
            // before building them, PyTorch leaves out a worker group of zero.
            let replicas = group.master ? 1 : spec.replicas
            if kind == .tensorflow, replicas <= 0 { continue }
            let execution = try execution(withGroupResources: spec.resources, role: group.role, at: spec.location)
            var pod = try replicaSpec(kind, role: group.role, base: try builder.build(execution), spec: spec)
            if kind == .pytorch, group.role == .worker {
                try pod.adjust(layer: layer(.worker)) { (podSpec) throws(ResolutionError) in
                    ContainerEdits.edit(&podSpec, at: 0) {
                        ContainerEdits.append([ContainerEdits.env("FLYTE_INTERNAL_WORKER_NAME", fieldPath: "metadata.name")], to: "env", of: &$0)
                    }
                }
            }
            pods.append(ReplicaPod(role: group.role, replicas: replicas, interruptible: nil, pod: pod))
        }
        if kind == .pytorch, try reading({ () throws(FlyteDecodingError) in try custom.objectMember("elasticConfig") }) != nil {
            pods.removeAll { $0.role == .master }
        }
        return try checkedGroups(kind, pods)
    }

    private func kubeflowVersion0(_ kind: KubeflowJobKind) throws(ResolutionError) -> [ReplicaPod] {
        let custom = self.custom
        func count(_ key: String) throws(ResolutionError) -> Int {
            try reading { () throws(FlyteDecodingError) in try custom.int(key) ?? 0 }
        }
        // Version 0 builds one replica spec and copies it to every group, as the plugin does.
        let base = try builder.build(execution)
        var pods: [ReplicaPod] = []
        switch kind {
        case .pytorch:
            let elastic = try reading { () throws(FlyteDecodingError) in try custom.objectMember("elasticConfig") } != nil
            if !elastic {
                pods.append(
                    ReplicaPod(role: .master, replicas: 1, interruptible: nil, pod: try replicaSpec(kind, role: .master, base: base, spec: nil)))
            }
            pods.append(
                ReplicaPod(
                    role: .worker, replicas: try count("workers"), interruptible: nil,
                    pod: try replicaSpec(kind, role: .worker, base: base, spec: nil)))
        case .tensorflow:
            for (role, key) in [(ReplicaRole.chief, "chiefReplicas"), (.ps, "psReplicas"), (.worker, "workers"), (.evaluator, "evaluatorReplicas")] {
                let replicas = try count(key)
                if replicas > 0 {
                    pods.append(
                        ReplicaPod(role: role, replicas: replicas, interruptible: nil, pod: try replicaSpec(kind, role: role, base: base, spec: nil)))
                }
            }
        case .mpi:
            let launchers = max(1, try count("numLauncherReplicas"))
            pods.append(
                ReplicaPod(
                    role: .launcher, replicas: launchers, interruptible: nil, pod: try replicaSpec(kind, role: .launcher, base: base, spec: nil)))
            var worker = try replicaSpec(kind, role: .worker, base: base, spec: nil)
            // taskTypeVersion 0 passes the worker's command in the task config.
            let command = task.config["worker_spec_command"].map { $0.split(separator: " ", omittingEmptySubsequences: false).map(String.init) } ?? []
            try worker.adjust(layer: layer(.worker)) { (podSpec) throws(ResolutionError) in
                for index in ContainerEdits.indices(of: kind.containerName, in: podSpec) {
                    ContainerEdits.edit(&podSpec, at: index) { container in
                        container["args"] = command.isEmpty ? nil : .array(command.map(JSONValue.string))
                        container["command"] = nil
                    }
                }
            }
            pods.append(ReplicaPod(role: .worker, replicas: try count("numWorkers"), interruptible: nil, pod: worker))
        }
        return try checkedGroups(kind, pods)
    }

    /// The counts each plugin insists on before it creates the job.
    private func checkedGroups(_ kind: KubeflowJobKind, _ pods: [ReplicaPod]) throws(ResolutionError) -> [ReplicaPod] {
        let workers = pods.first { $0.role == .worker }?.replicas ?? 0
        switch kind {
        case .pytorch:
            // A worker group of zero is left out of the PyTorchJob.
            return pods.filter { $0.role != .worker || $0.replicas > 0 }
        case .tensorflow, .mpi:
            guard workers > 0 else { throw refuse("number of workers must be greater than 0") }
            if kind == .mpi, (pods.first { $0.role == .launcher }?.replicas ?? 0) <= 0 { throw refuse("number of launchers must be greater than 0") }
            return pods
        }
    }
}
