/// Which pod of a distributed or cluster task a subject is: the replica group a Flyte plugin
/// builds (Kubeflow training operator, KubeRay, Spark, Dask), or `nil` on ``FlyteIdentity`` for
/// a task that runs one plain pod.
public enum ReplicaRole: Sendable, Hashable, CustomStringConvertible {
    /// PyTorch master.
    case master
    /// PyTorch, TensorFlow and MPI workers, and Dask workers.
    case worker
    /// TensorFlow chief.
    case chief
    /// TensorFlow parameter server.
    case ps
    /// TensorFlow evaluator.
    case evaluator
    /// MPI launcher.
    case launcher
    /// Ray head node.
    case head
    /// One Ray worker group, by its `groupName`.
    case workerGroup(String)
    /// The KubeRay job submitter pod.
    case submitter
    /// Spark driver.
    case driver
    /// Spark executors.
    case executor
    /// Dask scheduler.
    case scheduler
    /// The Dask job runner, which runs the task's own code.
    case jobRunner

    /// The word policies match with `roles` and reports print; a Ray worker group is
    /// `worker-group`, and `roles` may also name one group as `worker-group:<name>`.
    public var word: String {
        switch self {
        case .master: "master"
        case .worker: "worker"
        case .chief: "chief"
        case .ps: "ps"
        case .evaluator: "evaluator"
        case .launcher: "launcher"
        case .head: "head"
        case .workerGroup: "worker-group"
        case .submitter: "submitter"
        case .driver: "driver"
        case .executor: "executor"
        case .scheduler: "scheduler"
        case .jobRunner: "job-runner"
        }
    }

    /// Every word a `roles` glob is tried against: the role's word, and for a Ray worker group
    /// also `worker-group:<name>`.
    public var matchWords: [String] {
        if case .workerGroup(let name) = self { return [word, "\(word):\(name)"] }
        return [word]
    }

    /// The spelling in report headings and JSON: `worker`, `worker-group:gpu`.
    public var label: String { matchWords[matchWords.count - 1] }

    /// Prose: `worker group 'gpu'`, `job runner`.
    public var description: String {
        switch self {
        case .workerGroup(let name): "worker group '\(name)'"
        case .jobRunner: "job runner"
        default: word
        }
    }

    /// One of each role, in the order messages list them (a worker group stands for them all).
    private static let every: [ReplicaRole] = [
        .master, .worker, .chief, .ps, .evaluator, .launcher, .head, .workerGroup(""), .submitter, .driver, .executor, .scheduler, .jobRunner,
    ]

    /// Every word `roles` accepts, for the loader's messages.
    public static let words = every.map(\.word)

    /// Reads a role as reports write it (`label`): `worker-group:gpu` or one of ``words``
    /// (`worker-group` alone names no group and is not a label).
    public init?(label: String) {
        let groupPrefix = "worker-group:"
        if label.hasPrefix(groupPrefix) {
            self = .workerGroup(String(label.dropFirst(groupPrefix.count)))
            return
        }
        guard let role = Self.every.first(where: { $0.matchWords.count == 1 && $0.word == label }) else { return nil }
        self = role
    }
}

/// The labels the operators put on the pods they create, so that `serve` knows the same role
/// the resolver gives in CI. Sources: Kubeflow training operator (`training.kubeflow.org/
/// replica-type`, lower-cased replica type), KubeRay (`ray.io/node-type` head/worker and
/// `ray.io/group`), Spark on Kubernetes (`spark-role` driver/executor), the Dask operator
/// (`dask.org/component` scheduler/worker/job-runner).
public enum OperatorRoleLabels {
    public static let kubeflowReplicaType = "training.kubeflow.org/replica-type"
    public static let rayNodeType = "ray.io/node-type"
    public static let rayGroup = "ray.io/group"
    public static let sparkRole = "spark-role"
    public static let daskComponent = "dask.org/component"

    /// The role a pod's labels give, or `nil` for a pod no operator labelled.
    public static func role(_ labels: StringMap) -> ReplicaRole? {
        if let type = labels[kubeflowReplicaType] {
            switch type.lowercased() {
            case "master": return .master
            case "worker": return .worker
            case "chief": return .chief
            case "ps": return .ps
            case "evaluator", "eval": return .evaluator
            case "launcher": return .launcher
            default: return nil
            }
        }
        if let type = labels[rayNodeType] {
            switch type {
            case "head": return .head
            case "worker": return .workerGroup(labels[rayGroup] ?? "")
            default: return nil
            }
        }
        if let role = labels[sparkRole] {
            switch role {
            case "driver": return .driver
            case "executor": return .executor
            default: return nil
            }
        }
        if let component = labels[daskComponent] {
            switch component {
            case "scheduler": return .scheduler
            case "worker": return .worker
            case "job-runner": return .jobRunner
            default: return nil
            }
        }
        return nil
    }

    /// The labels an operator puts on a pod of `role` (what `resolve` shows and `role(_:)`
    /// reads back). The Ray submitter is a plain Job's pod: KubeRay gives it no node type.
    public static func labels(for role: ReplicaRole, taskType: String) -> [(String, String)] {
        switch role {
        case .master, .chief, .ps, .evaluator, .launcher:
            return [(kubeflowReplicaType, role.word)]
        case .worker:
            return taskType == "dask" ? [(daskComponent, "worker")] : [(kubeflowReplicaType, "worker")]
        case .head: return [(rayNodeType, "head"), (rayGroup, "headgroup")]
        case .workerGroup(let name): return [(rayNodeType, "worker"), (rayGroup, name)]
        case .submitter: return []
        case .driver: return [(sparkRole, "driver")]
        case .executor: return [(sparkRole, "executor")]
        case .scheduler: return [(daskComponent, "scheduler")]
        case .jobRunner: return [(daskComponent, "job-runner")]
        }
    }
}
