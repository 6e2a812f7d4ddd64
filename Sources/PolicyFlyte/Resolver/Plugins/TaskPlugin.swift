/// The flytepropeller plugins flyte-policy knows, with the task types each registers in
/// flyteplugins v1.16.8 (`init()` of each plugin package) and what it runs in the cluster.
package enum TaskPlugin: String, Sendable, CaseIterable {
    // k8s plugins (`go/tasks/plugins/k8s/`): they create pods, or objects whose operators do.
    case container, sidecar, pod
    case k8sArray = "k8s-array"
    case pytorch, tensorflow, mpi, ray, spark, dask
    // Plugins that call a service outside the cluster and run no pod of the task's.
    case databricks, snowflake, athena, bigquery, presto, echo
    case connectorService = "connector-service"
    case agentService = "agent-service"

    /// `RegisteredTaskTypes` (k8s and core plugins) or `SupportedTaskTypes` (web API plugins).
    package var registeredTaskTypes: [String] {
        switch self {
        case .container: ["container", "python-task", "raw-container"]
        case .sidecar: ["sidecar"]
        case .pod: ["container", "python-task", "raw-container", "sidecar"]
        case .k8sArray: ["container_array"]
        case .pytorch: ["pytorch"]
        case .tensorflow: ["tensorflow"]
        case .mpi: ["mpi"]
        case .ray: ["ray"]
        case .spark: ["spark"]
        case .dask: ["dask"]
        case .databricks: ["spark"]
        case .snowflake: ["snowflake"]
        case .athena: ["hive", "presto"]
        case .bigquery: ["bigquery_query_job_task"]
        case .presto: ["presto"]
        case .echo: ["echo"]
        // Connectors announce their task types at run time; see `PluginDispatch.connectorTaskTypes`.
        case .connectorService, .agentService: []
        }
    }

    /// `IsDefault`: the plugin propeller falls back to for a task type no plugin claims.
    package var isDefault: Bool {
        switch self {
        case .container, .pod: true
        case .sidecar, .k8sArray, .pytorch, .tensorflow, .mpi, .ray, .spark, .dask, .databricks, .snowflake, .athena, .bigquery,
            .presto, .echo, .connectorService, .agentService:
            false
        }
    }

    /// What the plugin makes of a task.
    package enum Workload: Sendable, Equatable {
        /// One pod, built by `ToK8sPodSpec` (also every sub-task of a legacy k8s array).
        case pod
        /// A Kubeflow training-operator job (`PyTorchJob`, `TFJob`, `MPIJob`).
        case kubeflow(KubeflowJobKind)
        case rayJob
        case sparkApplication
        case daskJob
        /// A call to a service outside the cluster: no pod of the task's runs.
        case noPod
    }

    package var workload: Workload {
        switch self {
        case .container, .sidecar, .pod, .k8sArray: .pod
        case .pytorch: .kubeflow(.pytorch)
        case .tensorflow: .kubeflow(.tensorflow)
        case .mpi: .kubeflow(.mpi)
        case .ray: .rayJob
        case .spark: .sparkApplication
        case .dask: .daskJob
        case .databricks, .snowflake, .athena, .bigquery, .presto, .echo, .connectorService, .agentService: .noPod
        }
    }
}

/// The three jobs of the Kubeflow operators plugin (`kfoperators/`).
package enum KubeflowJobKind: String, Sendable {
    case pytorch, tensorflow, mpi

    /// `kubeflowv1.{PyTorch,TF,MPI}JobDefaultContainerName`: the primary container's new name.
    package var containerName: String {
        switch self {
        case .pytorch: "pytorch"
        case .tensorflow: "tensorflow"
        case .mpi: "mpi"
        }
    }
}
