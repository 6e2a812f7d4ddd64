import Foundation
import PolicyCore
import PolicyJSON
import Testing

@testable import PolicyFlyte

/// Cases transcribed from the plugins' own tests at flyteorg/flyte v1.16.8
/// (`flyteplugins/go/tasks/plugins/k8s/...`), each naming its file and line, plus propeller's
/// task-type dispatch (`flytepropeller/pkg/controller/nodes/task/handler.go` `Setup`).
@Suite("Flyte plugins: vectors from their tests, and task-type dispatch")
struct PluginVectorTests {
    /// Resolves one task (flyteidl protobuf JSON) at node `n0`, with node resource overrides
    /// and flyteadmin task-resource defaults (requests) and limits.
    static func resolve(
        _ taskJSON: String, overrides: FlyteResources? = nil, platform: ContainerResources = ContainerResources(),
        config: PlatformConfig = PlatformConfig()
    ) throws -> (nodes: [ResolvedNode], notice: String?) {
        let value = try JSONDocument.parse(Array(taskJSON.utf8), source: "task").rootNode.value
        let task = try #require(try FlyteEntityDecoder.decode(value, source: EntitySource(file: "task")).tasks.first?.template)
        var config = config
        config.taskResources = platform
        var node = TaskNodeOverrides()
        node.resources = overrides
        let resolver = FlyteResolver(builder: PodBuilder(config: config))
        let identity = FlyteIdentity(workflow: "wf", task: task.id.name, node: "n0", taskType: task.type, interruptible: false)
        return try resolver.resolveTask(
            task, overrides: node, identity: identity, source: EntitySource(file: "task"), nodeName: "n0", workflowName: "wf")
    }

    static func task(type: String, version: Int = 1, custom: String, resources: String = "{}") -> String {
        """
        {"id": {"resourceType": "TASK", "name": "t"}, "type": "\(type)", "taskTypeVersion": \(version),
         "container": {"image": "image://", "args": ["pyflyte-execute"], "resources": \(resources)}, "custom": \(custom)}
        """
    }

    static func resources(_ node: ResolvedNode) -> (requests: [String: String], limits: [String: String]) {
        let object = node.pod.spec["containers"]?.array?.first?["resources"]?.object ?? [:]
        func list(_ key: String) -> [String: String] {
            Dictionary(uniqueKeysWithValues: (object[key]?.object ?? [:]).entries.map { ($0.key, $0.value.string ?? "") })
        }
        return (list("requests"), list("limits"))
    }

    static func quantities(_ map: [String: String]) throws -> [String: Quantity] {
        try map.mapValues { try Quantity(parsing: $0) }
    }

    /// pytorch_test.go:841 TestBuildResourcePytorchV1: the deprecated fields and `common` give
    /// the same job; group resources replace the node's override; master restart policy Always.
    @Test(arguments: [
        #"{"masterReplicas": {"image": "master:1", "restartPolicy": "RESTART_POLICY_ALWAYS", "resources": {"requests": [{"name": "CPU", "value": "250m"}, {"name": "MEMORY", "value": "250Mi"}], "limits": [{"name": "CPU", "value": "500m"}, {"name": "MEMORY", "value": "500Mi"}]}}, "workerReplicas": {"replicas": 100, "resources": {"requests": [{"name": "CPU", "value": "1024m"}, {"name": "MEMORY", "value": "1Gi"}], "limits": [{"name": "CPU", "value": "2048m"}, {"name": "MEMORY", "value": "2Gi"}]}}}"#,
        #"{"masterReplicas": {"common": {"image": "master:1", "restartPolicy": 2, "resources": {"requests": [{"name": "CPU", "value": "250m"}, {"name": "MEMORY", "value": "250Mi"}], "limits": [{"name": "CPU", "value": "500m"}, {"name": "MEMORY", "value": "500Mi"}]}}}, "workerReplicas": {"common": {"replicas": 100.0, "resources": {"requests": [{"name": "CPU", "value": "1024m"}, {"name": "MEMORY", "value": "1Gi"}], "limits": [{"name": "CPU", "value": "2048m"}, {"name": "MEMORY", "value": "2Gi"}]}}}}"#,
    ])
    func pytorchVersion1(_ custom: String) throws {
        let override = FlyteResources(
            requests: [.init(name: "CPU", value: "1000m"), .init(name: "MEMORY", value: "1Gi")],
            limits: [.init(name: "CPU", value: "2"), .init(name: "MEMORY", value: "2Gi")])
        let nodes = try Self.resolve(Self.task(type: "pytorch", custom: custom), overrides: override).nodes
        #expect(nodes.map { $0.role?.label ?? "" } == ["master", "worker"])
        #expect(nodes.map { $0.replicas ?? -1 } == [1, 100])
        #expect(nodes[0].pod.spec["containers"]?.array?.first?["image"]?.string == "master:1")
        #expect(nodes[1].pod.spec["containers"]?.array?.first?["image"]?.string == "image://")
        #expect(try Self.quantities(Self.resources(nodes[0]).requests) == Self.quantities(["cpu": "250m", "memory": "250Mi"]))
        #expect(try Self.quantities(Self.resources(nodes[0]).limits) == Self.quantities(["cpu": "500m", "memory": "500Mi"]))
        #expect(try Self.quantities(Self.resources(nodes[1]).requests) == Self.quantities(["cpu": "1024m", "memory": "1Gi"]))
        #expect(try Self.quantities(Self.resources(nodes[1]).limits) == Self.quantities(["cpu": "2048m", "memory": "2Gi"]))
        #expect(nodes.map { $0.pod.spec["restartPolicy"]?.string ?? "" } == ["Always", "Never"])
        #expect(nodes.allSatisfy { $0.pod.spec["containers"]?.array?.first?["name"]?.string == "pytorch" })
    }

    /// pytorch_test.go:1221 TestBuildResourcePytorchV1WithElastic and :339 (version 0): an
    /// elastic job has workers only.
    @Test func elasticPyTorchHasNoMaster() throws {
        let v1 = try Self.resolve(
            Self.task(
                type: "pytorch",
                custom:
                    #"{"workerReplicas": {"replicas": 2}, "elasticConfig": {"rdzvBackend": "c10d", "minReplicas": 1, "maxReplicas": 2, "nprocPerNode": 4, "maxRestarts": 3}}"#
            )
        ).nodes
        #expect(v1.map { $0.role?.label ?? "" } == ["worker"])
        let v0 = try Self.resolve(
            Self.task(type: "pytorch", version: 0, custom: #"{"workers": 2, "elasticConfig": {"minReplicas": 1, "maxReplicas": 2}}"#)
        ).nodes
        #expect(v0.map { $0.role?.label ?? "" } == ["worker"])
        #expect(v0.first?.replicas == 2)
        // Elastic with no workers leaves the job without pods: said, not passed in silence.
        let empty = try Self.resolve(Self.task(type: "pytorch", custom: #"{"workerReplicas": {"replicas": 0}, "elasticConfig": {}}"#))
        #expect(empty.nodes.isEmpty)
        #expect(empty.notice?.contains("creates a job with no pods") == true)
    }

    /// tensorflow_test.go:347 TestBuildResourceTensorFlow (version 0: every group with replicas)
    /// and tensorflow.go: "number of workers must be greater than 0".
    @Test func tensorflowGroupsAndTheWorkerRule() throws {
        let v0 = try Self.resolve(
            Self.task(type: "tensorflow", version: 0, custom: #"{"workers": 100, "psReplicas": 50, "chiefReplicas": 1, "evaluatorReplicas": 1}"#)
        ).nodes
        #expect(v0.map { "\($0.role?.label ?? "") \($0.replicas ?? 0)" } == ["chief 1", "ps 50", "worker 100", "evaluator 1"])
        #expect(v0.allSatisfy { $0.pod.spec["containers"]?.array?.first?["name"]?.string == "tensorflow" })
        #expect(throws: ResolutionError.pluginRefused(task: "t", plugin: "tensorflow", reason: "number of workers must be greater than 0")) {
            try Self.resolve(Self.task(type: "tensorflow", custom: #"{"chiefReplicas": {"replicas": 1}, "workerReplicas": {"replicas": 0}}"#))
        }
    }

    /// mpi_test.go:330 TestBuildResourceMPI (version 0): launchers at least 1, the worker's
    /// arguments from `worker_spec_command`, its command cleared.
    @Test func mpiVersion0() throws {
        var json = Self.task(type: "mpi", version: 0, custom: #"{"numWorkers": 100, "numLauncherReplicas": 0, "slots": 1}"#)
        json = json.replacingOccurrences(
            of: #""custom""#, with: #""config": {"worker_spec_command": "/usr/sbin/sshd -De -f /home/mpiuser/.sshd_config"}, "custom""#)
        let nodes = try Self.resolve(json).nodes
        #expect(nodes.map { "\($0.role?.label ?? "") \($0.replicas ?? 0)" } == ["launcher 1", "worker 100"])
        #expect(nodes[1].pod.spec["containers"]?.array?.first?["args"] == ["/usr/sbin/sshd", "-De", "-f", "/home/mpiuser/.sshd_config"])
        #expect(nodes[0].pod.spec["containers"]?.array?.first?["args"] == ["pyflyte-execute"])
    }

    /// dask_test.go:460 TestBuildResourcesDaskCustomResoureRequirements: the job runner keeps the
    /// node's resources; scheduler and workers take the group's, memory request from its limit;
    /// the workers' threads and memory limit follow.
    @Test func daskCustomResources() throws {
        let custom = #"""
            {"scheduler": {"resources": {"requests": [{"name": "CPU", "value": "5"}], "limits": [{"name": "CPU", "value": "10"}, {"name": "MEMORY", "value": "15G"}]}},
             "workers": {"numberOfWorkers": 10, "resources": {"requests": [{"name": "CPU", "value": "5"}], "limits": [{"name": "CPU", "value": "10"}, {"name": "MEMORY", "value": "15G"}]}}}
            """#
        let node = FlyteResources(
            requests: [.init(name: "CPU", value: "1")], limits: [.init(name: "CPU", value: "2"), .init(name: "MEMORY", value: "2G")])
        let platform = ContainerResources(
            requests: ResourceList(OrderedMap([("cpu", try Quantity(parsing: "4")), ("memory", try Quantity(parsing: "10G"))])),
            limits: ResourceList(OrderedMap([("cpu", try Quantity(parsing: "10")), ("memory", try Quantity(parsing: "24G"))])))
        let nodes = try Self.resolve(Self.task(type: "dask", version: 0, custom: custom), overrides: node, platform: platform).nodes
        #expect(nodes.map { $0.role?.label ?? "" } == ["job-runner", "scheduler", "worker"])
        #expect(try Self.quantities(Self.resources(nodes[0]).requests) == Self.quantities(["cpu": "1", "memory": "2G"]))
        #expect(try Self.quantities(Self.resources(nodes[0]).limits) == Self.quantities(["cpu": "2", "memory": "2G"]))
        for group in nodes.dropFirst() {
            #expect(try Self.quantities(Self.resources(group).requests) == Self.quantities(["cpu": "5", "memory": "15G"]))
            #expect(try Self.quantities(Self.resources(group).limits) == Self.quantities(["cpu": "10", "memory": "15G"]))
        }
        #expect(
            nodes[2].pod.spec["containers"]?.array?.first?["args"] == [
                "dask-worker", "--name", "$(DASK_WORKER_NAME)", "--nthreads", "10", "--memory-limit", "15G",
            ])
        #expect(nodes[2].replicas == 10)
    }

    /// ray_test.go:172 TestBuildResourceRay: head and worker containers renamed, the worker
    /// group's replicas (its maximum when the cluster autoscales).
    @Test func rayGroups() throws {
        let custom =
            #"{"rayCluster": {"headGroupSpec": {"rayStartParams": {"num-cpus": "1"}}, "workerGroupSpec": [{"groupName": "test-group", "replicas": 3, "minReplicas": 3, "maxReplicas": 5}], "enableAutoscaling": true}}"#
        let nodes = try Self.resolve(Self.task(type: "ray", custom: custom)).nodes
        #expect(nodes.map { $0.role?.label ?? "" } == ["head", "worker-group:test-group", "submitter"])
        #expect(nodes.map { $0.pod.primaryContainerName } == ["ray-head", "ray-worker", "n0-0"])
        #expect(nodes[1].replicas == 5)
        #expect(nodes[0].pod.spec["containers"]?.array?.first?["args"] == nil)
    }

    @Test func badCustomIsAnErrorWithItsPointer() throws {
        #expect(
            throws: ResolutionError.invalidCustom(
                task: "t", pointer: "/custom/workerReplicas/replicas", reason: "expected a 32-bit integer, found 2.5")
        ) {
            try Self.resolve(Self.task(type: "pytorch", custom: #"{"workerReplicas": {"replicas": 2.5}}"#))
        }
        let spark = #"{"mainApplicationFile": "local:///app.py", "sparkConf": {"spark.driver.memory": "4.5g"}}"#
        #expect(
            throws: ResolutionError.invalidCustom(
                task: "t", pointer: "/custom/sparkConf/spark.driver.memory",
                reason: "spark.driver.memory = '4.5g' is not a JVM memory size such as 4g or 512m")
        ) {
            try Self.resolve(Self.task(type: "spark", custom: spark))
        }
        #expect(throws: ResolutionError.self) { try Self.resolve(Self.task(type: "spark", custom: #"{"sparkConf": {}}"#)) }
        #expect(
            throws: ResolutionError.pluginRefused(
                task: "t", plugin: "pytorch", reason: "unsupported task template version 7 (the plugin reads 0 and 1)")
        ) {
            try Self.resolve(Self.task(type: "pytorch", version: 7, custom: "{}"))
        }
    }

    /// Spark on Kubernetes: a JVM application's overhead factor is 0.1 with a 384 MiB minimum;
    /// an explicit overhead, request and limit cores and GPUs with their vendor.
    @Test func sparkResourceFormula() throws {
        let custom = #"""
            {"applicationType": "SCALA", "mainClass": "Main", "sparkConf": {"spark.driver.memory": "2g", "spark.executor.memory": "8192m",
             "spark.executor.memoryOverhead": "1g", "spark.kubernetes.executor.request.cores": "500m", "spark.executor.cores": "2",
             "spark.executor.instances": "3", "spark.executor.resource.gpu.amount": "1", "spark.executor.resource.gpu.vendor": "nvidia.com"}}
            """#
        let nodes = try Self.resolve(Self.task(type: "spark", custom: custom)).nodes
        #expect(try Self.quantities(Self.resources(nodes[0]).requests) == Self.quantities(["cpu": "1", "memory": "2432Mi"]))
        #expect(try Self.quantities(Self.resources(nodes[1]).requests) == Self.quantities(["cpu": "500m", "memory": "9216Mi"]))
        #expect(try Self.quantities(Self.resources(nodes[1]).limits) == Self.quantities(["cpu": "500m", "memory": "9216Mi", "nvidia.com/gpu": "1"]))
        #expect(nodes[1].replicas == 3)
    }

    @Test func dispatchFollowsPropeller() throws {
        let builtIn = PluginDispatch.builtIn
        #expect(builtIn.decide("pytorch") == .registered(.pytorch))
        #expect(builtIn.decide("python-task") == .registered(.container))
        #expect(builtIn.decide("spark") == .registered(.spark))
        #expect(builtIn.decide("sensor") == .connector)
        #expect(builtIn.decide("something-new") == .fallback(.container))
        let small = try PluginDispatch(enabled: [.container, .sidecar], defaultForTaskTypes: [:], connectorTaskTypes: [])
        #expect(small.decide("pytorch") == .fallback(.container))
        #expect(throws: PluginDispatchError.twoDefaultPlugins(.container, .pod)) {
            try PluginDispatch(enabled: [.container, .pod], defaultForTaskTypes: [:], connectorTaskTypes: [])
        }
        #expect(throws: PluginDispatchError.ambiguous(type: "spark", plugins: [.spark, .databricks])) {
            try PluginDispatch(enabled: [.container, .spark, .databricks], defaultForTaskTypes: [:], connectorTaskTypes: [])
        }
        let chosen = try PluginDispatch(
            enabled: [.container, .spark, .databricks], defaultForTaskTypes: ["spark": "databricks"], connectorTaskTypes: [])
        #expect(chosen.decide("spark") == .registered(.databricks))
        #expect(try PluginDispatch(enabled: [.sidecar], defaultForTaskTypes: [:], connectorTaskTypes: []).decide("x") == .unsupported)
    }

    @Test func platformTaskPluginsDecideWhatRuns() throws {
        let file: JSONValue = [
            "tasks": [
                "task-plugins": ["enabled-plugins": ["container", "sidecar", "k8s-array"], "default-for-task-types": ["container": "container"]]
            ],
            "plugins": ["k8s": ["default-cpus": "500m"]],
        ]
        let config = try PlatformConfig.decode(file, source: "propeller.yaml").config
        let (nodes, notice) = try Self.resolve(Self.task(type: "pytorch", custom: #"{"workerReplicas": {"replicas": 4}}"#), config: config)
        #expect(nodes.count == 1 && nodes.first?.role == nil)
        #expect(notice?.contains("its plugin 'pytorch' is not enabled") == true)
        let bigquery = try Self.resolve(#"{"id": {"resourceType": "TASK", "name": "q"}, "type": "bigquery_query_job_task"}"#)
        #expect(bigquery.nodes.isEmpty)
        #expect(bigquery.notice?.contains("runs no pod in the cluster") == true)
        #expect(throws: PlatformConfigError.self) {
            try PlatformConfig.decode(["tasks": ["task-plugins": ["enabled-plugins": ["container", "pytorch-v2"]]]], source: "p.yaml")
        }
        // Other plugins' sections without plugins.k8s keep flyteadmin's task_resources; a misspelt
        // task-plugins key is a warning, never silently the built-in choice.
        let partial = try PlatformConfig.decode(
            [
                "plugins": ["ray": ["serviceAccount": "ray-sa"]], "task_resources": ["limits": ["cpu": "4"]],
                "tasks": ["task-plugins": ["enabled-plugins": ["container"], "default-for-task-type": ["container": "container"]]],
            ], source: "p.yaml")
        #expect(partial.config.rayServiceAccount == "ray-sa")
        #expect(partial.config.taskResources.limits["cpu"] == (try Quantity(parsing: "4")))
        #expect(
            partial.warnings == [
                "p.yaml: unknown key 'tasks.task-plugins.default-for-task-type' (did you mean 'default-for-task-types'?); flytepropeller ignores it too"
            ])
    }
}
