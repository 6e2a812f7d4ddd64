import PolicyCore
import PolicyJSON

/// The kinds `check` reads pods from, by API group and kind: Kubernetes' own workloads and the
/// custom resources of the operators distributed and batch work runs on, with the pointers
/// their controllers read.
package struct WorkloadKinds: Sendable {
    private var byName: [String: WorkloadKind] = [:]

    package init(_ kinds: [WorkloadKind]) {
        for kind in kinds { byName[kind.name] = kind }
    }

    /// The kind of an object with this `apiVersion` and `kind`, if it carries pods.
    package func kind(apiVersion: String, kind: String) -> WorkloadKind? {
        byName[WorkloadKind.name(group: WorkloadKind.group(ofAPIVersion: apiVersion), kind: kind)]
    }

    /// The group of one of Kubernetes' own workload kinds (`Deployment` -> `apps`).
    package static func kubernetesGroup(ofKind kind: String) -> String? {
        kubernetes.first { $0.kind == kind }?.group
    }

    /// Adds (or replaces) a kind, as `--workload GROUP/KIND=POINTER` does.
    package mutating func add(_ kind: WorkloadKind) {
        byName[kind.name] = kind
    }

    /// Every kind known, by name.
    package var names: [String] { byName.keys.sorted() }

    package static let builtIn = WorkloadKinds(kubernetes + operators)

    static let kubernetes: [WorkloadKind] = [
        WorkloadKind(group: "", kind: "Pod", templates: [TemplateLocation("")]),
        WorkloadKind(group: "", kind: "PodTemplate", templates: [TemplateLocation("/template")]),
        WorkloadKind(group: "", kind: "ReplicationController", templates: [TemplateLocation("/spec/template")]),
        WorkloadKind(group: "apps", kind: "Deployment", templates: [TemplateLocation("/spec/template")]),
        WorkloadKind(group: "apps", kind: "StatefulSet", templates: [TemplateLocation("/spec/template")]),
        WorkloadKind(group: "apps", kind: "DaemonSet", templates: [TemplateLocation("/spec/template")]),
        WorkloadKind(group: "apps", kind: "ReplicaSet", templates: [TemplateLocation("/spec/template")]),
        WorkloadKind(group: "batch", kind: "Job", templates: [TemplateLocation("/spec/template")]),
        WorkloadKind(group: "batch", kind: "CronJob", templates: [TemplateLocation("/spec/jobTemplate/spec/template")]),
    ]

    /// Ray clusters keep their groups the same way in RayCluster, RayJob and RayService.
    static func ray(_ prefix: String) -> [TemplateLocation] {
        [
            TemplateLocation("\(prefix)/headGroupSpec/template", role: .fixed(.head)),
            TemplateLocation("\(prefix)/workerGroupSpecs/*/template", role: .rayWorkerGroup, replicasKey: "replicas"),
        ]
    }

    /// A Kubeflow training job: one template per replica type (`Master`, `Worker`, ...), keyed
    /// under `spec.<replicaSpecs>`.
    static func kubeflow(_ kind: String, replicaSpecs: String) -> WorkloadKind {
        WorkloadKind(
            group: "kubeflow.org", kind: kind,
            templates: [TemplateLocation("/spec/\(replicaSpecs)/*/template", role: .replicaTypeKey, replicasKey: "replicas")])
    }

    /// An Argo kind whose workflow spec sits at `spec`: a pod per container template.
    static func argo(_ kind: String, spec: JSONPointer) -> WorkloadKind {
        let steps = spec.tokens
        return WorkloadKind(
            group: "argoproj.io", kind: kind,
            synthesize: { object, base throws(InputError) in
                var node: JSONNode? = object
                for step in steps { node = node?[step] }
                return try ArgoPods.pods(node, at: base.appending(pointer: spec))
            })
    }

    static let operators: [WorkloadKind] = [
        // Kubeflow training operator: replica specs keyed by replica type.
        kubeflow("PyTorchJob", replicaSpecs: "pytorchReplicaSpecs"),
        kubeflow("TFJob", replicaSpecs: "tfReplicaSpecs"),
        kubeflow("MPIJob", replicaSpecs: "mpiReplicaSpecs"),
        kubeflow("XGBoostJob", replicaSpecs: "xgbReplicaSpecs"),
        kubeflow("PaddleJob", replicaSpecs: "paddleReplicaSpecs"),
        WorkloadKind(group: "kubeflow.org", kind: "Notebook", templates: [TemplateLocation("/spec/template")]),
        // KubeRay.
        WorkloadKind(group: "ray.io", kind: "RayCluster", templates: ray("/spec")),
        WorkloadKind(
            group: "ray.io", kind: "RayJob",
            templates: ray("/spec/rayClusterSpec") + [TemplateLocation("/spec/submitterPodTemplate", role: .fixed(.submitter))]),
        WorkloadKind(group: "ray.io", kind: "RayService", templates: ray("/spec/rayClusterConfig")),
        // Argo.
        WorkloadKind(group: "argoproj.io", kind: "Rollout", templates: [TemplateLocation("/spec/template")]),
        argo("Workflow", spec: "/spec"), argo("WorkflowTemplate", spec: "/spec"), argo("ClusterWorkflowTemplate", spec: "/spec"),
        argo("CronWorkflow", spec: "/spec/workflowSpec"),
        // Spark operator: drivers and executors are built from SparkPodSpecs.
        WorkloadKind(
            group: "sparkoperator.k8s.io", kind: "SparkApplication",
            synthesize: { object, base throws(InputError) in
                try SparkApplicationPods.pods(object["spec"], at: base.appending("spec"))
            }),
        WorkloadKind(
            group: "sparkoperator.k8s.io", kind: "ScheduledSparkApplication",
            synthesize: { object, base throws(InputError) in
                try SparkApplicationPods.pods(object["spec"]?["template"], at: base.appending(contentsOf: ["spec", "template"]))
            }),
        // Knative: a revision template is a pod template.
        WorkloadKind(group: "serving.knative.dev", kind: "Service", templates: [TemplateLocation("/spec/template")]),
        WorkloadKind(group: "serving.knative.dev", kind: "Configuration", templates: [TemplateLocation("/spec/template")]),
        // Volcano batch jobs: one template per task.
        WorkloadKind(group: "batch.volcano.sh", kind: "Job", templates: [TemplateLocation("/spec/tasks/*/template", replicasKey: "replicas")]),
        // OpenShift.
        WorkloadKind(group: "apps.openshift.io", kind: "DeploymentConfig", templates: [TemplateLocation("/spec/template")]),
    ]

    /// Reads `--workload GROUP/KIND=POINTER` (`*` for every element or member), e.g.
    /// `example.com/Trainer=/spec/replicas/*/template`.
    package static func parse(_ text: String) throws(InputError) -> WorkloadKind {
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        let form = "write GROUP/KIND=POINTER, e.g. example.com/Trainer=/spec/replicas/*/template (the core group: Pod=...)"
        guard parts.count == 2, parts[1].hasPrefix("/") || parts[1].isEmpty else {
            throw .unsupported(source: "--workload \(text)", reason: form)
        }
        let name = parts[0]
        let slash = name.lastIndex(of: "/")
        let group = slash.map { String(name[..<$0]) } ?? ""
        let kind = slash.map { String(name[name.index(after: $0)...]) } ?? name
        guard !kind.isEmpty, kind.first?.isUppercase == true else {
            throw .unsupported(source: "--workload \(text)", reason: "'\(kind)' is not a kind; \(form)")
        }
        let pointers = parts[1].split(separator: ",").map(String.init)
        return WorkloadKind(group: group, kind: kind, templates: (pointers.isEmpty ? [""] : pointers).map { TemplateLocation($0) })
    }
}
