import PolicyCore
import PolicyJSON
import Testing

@testable import PolicyFlyte

/// Every node of the real flytekit package, resolved with no platform configuration and the
/// `gpu-default-template` PodTemplate that `infer` names.
@Suite("Resolving the real flytekit demo package")
struct DemoResolutionTests {
    struct Expected: Sendable, CustomStringConvertible {
        var workflow: String
        var node: String
        var task: String
        var interruptible: Bool
        var nodeSelector: [String: String]
        /// `key=value:effect` of every toleration, in order.
        var tolerations: [String]
        /// `key op values` of every required node selector requirement.
        var affinity: [String]
        /// Primary container `requests` and `limits` as `name=quantity`.
        var requests: [String: String]
        var limits: [String: String]
        var description: String { "\(workflow) \(node)" }
    }

    static let wf = "demo.workflows.training_wf"
    static let gpuTrain = ["cpu": "2", "memory": "8Gi", "nvidia.com/gpu": "1"]
    static let gpuTrainLimits = ["cpu": "4", "memory": "16Gi", "nvidia.com/gpu": "1"]
    static let defaults = ["cpu": "1", "memory": "1Gi"]
    static let featurizeAffinity = ["node-pool In cpu-large,cpu-xlarge"]

    static let expected: [Expected] = [
        Expected(
            workflow: wf, node: "n0", task: "demo.workflows.load_data", interruptible: true, nodeSelector: [:], tolerations: [], affinity: [],
            requests: ["cpu": "500m", "memory": "1Gi"], limits: ["cpu": "1", "memory": "2Gi"]),
        Expected(
            workflow: wf, node: "n1", task: "demo.workflows.featurize", interruptible: false, nodeSelector: [:], tolerations: [],
            affinity: featurizeAffinity, requests: ["cpu": "8", "memory": "32Gi"], limits: ["cpu": "8", "memory": "32Gi"]),
        Expected(
            workflow: wf, node: "n2", task: "demo.workflows.train_model", interruptible: false, nodeSelector: ["gpu-type": "nvidia-tesla-v100"],
            tolerations: ["gpu=true:NoSchedule"], affinity: [], requests: gpuTrain, limits: gpuTrainLimits),
        Expected(
            workflow: wf, node: "n3", task: "demo.workflows.train_model", interruptible: false, nodeSelector: ["gpu-type": "nvidia-a100"],
            tolerations: ["gpu=preemptible:NoSchedule"], affinity: [], requests: gpuTrain, limits: gpuTrainLimits),
        Expected(
            workflow: wf, node: "n4", task: "demo.workflows.train_model", interruptible: false, nodeSelector: ["gpu-type": "nvidia-tesla-v100"],
            tolerations: ["gpu=true:NoSchedule"], affinity: [], requests: ["cpu": "16", "memory": "64Gi", "nvidia.com/gpu": "4"],
            limits: ["cpu": "16", "memory": "64Gi", "nvidia.com/gpu": "4"]),
        Expected(
            workflow: wf, node: "n5", task: "demo.workflows.infer", interruptible: false, nodeSelector: ["pool": "gpu-inference"],
            tolerations: ["nvidia.com/gpu=:NoSchedule", "k8s.amazonaws.com/accelerator=nvidia-tesla-t4:NoSchedule"],
            affinity: ["k8s.amazonaws.com/accelerator In nvidia-tesla-t4"], requests: ["cpu": "1", "memory": "24Gi", "nvidia.com/gpu": "1"],
            limits: ["cpu": "1", "memory": "24Gi", "nvidia.com/gpu": "1"]),
        Expected(
            workflow: wf, node: "n6", task: "demo.workflows.load_data", interruptible: false, nodeSelector: [:], tolerations: [], affinity: [],
            requests: ["cpu": "500m", "memory": "1Gi"], limits: ["cpu": "1", "memory": "2Gi"]),
        Expected(
            workflow: wf, node: "n7", task: "demo.workflows.map_square_6b3bd0353da5de6e84d7982921ead2b3-arraynode", interruptible: false,
            nodeSelector: [:], tolerations: [], affinity: [], requests: defaults, limits: defaults),
        Expected(
            workflow: "demo.workflows.branching_wf", node: "n0-n0", task: "demo.workflows.featurize", interruptible: false, nodeSelector: [:],
            tolerations: [], affinity: featurizeAffinity, requests: ["cpu": "32", "memory": "128Gi"], limits: ["cpu": "32", "memory": "128Gi"]),
        Expected(
            workflow: "demo.workflows.branching_wf", node: "n0-n1", task: "demo.workflows.square", interruptible: false, nodeSelector: [:],
            tolerations: [], affinity: [], requests: defaults, limits: defaults),
        Expected(
            workflow: "demo.workflows.parent_wf", node: "n0-n0-n0", task: "demo.workflows.featurize", interruptible: false, nodeSelector: [:],
            tolerations: [], affinity: featurizeAffinity, requests: ["cpu": "32", "memory": "128Gi"], limits: ["cpu": "32", "memory": "128Gi"]),
        Expected(
            workflow: "demo.workflows.parent_wf", node: "n0-n0-n1", task: "demo.workflows.square", interruptible: false, nodeSelector: [:],
            tolerations: [], affinity: [], requests: defaults, limits: defaults),
    ]

    static let outcome: FlyteResolver.Outcome? = try? Demo.resolver().resolve(try Demo.bundle())

    @Test func everyNodeResolvesWithoutErrors() throws {
        let outcome = try #require(Self.outcome)
        #expect(outcome.errors.isEmpty, "\(outcome.errors)")
        #expect(outcome.nodes.map { "\($0.identity.workflow ?? "") \($0.identity.node ?? "")" } == Self.expected.map(\.description))
    }

    @Test(arguments: expected) func node(_ expected: Expected) throws {
        let outcome = try #require(Self.outcome)
        let node = try #require(outcome.nodes.first { $0.identity.workflow == expected.workflow && $0.identity.node == expected.node })
        let subject = try node.subject()
        let spec = subject.pod.spec
        #expect(node.identity.task == expected.task)
        #expect(node.identity.interruptible == expected.interruptible)
        #expect(subject.namespace == "ml-production")
        #expect(Dictionary(uniqueKeysWithValues: spec.nodeSelector.map { ($0.key, $0.value) }) == expected.nodeSelector)
        #expect(spec.tolerations.map { "\($0.key)=\($0.value):\($0.effect)" } == expected.tolerations)
        let requirements = (spec.requiredNodeSelectorTerms ?? []).flatMap(\.matchExpressions).map {
            "\($0.key) \($0.operator) \($0.values.joined(separator: ","))"
        }
        #expect(requirements == expected.affinity)
        let primary = try #require(subject.primaryContainer)
        for (name, text) in expected.requests {
            #expect(primary.resources.requests[name] == (try Quantity(parsing: text)), "\(expected) requests \(name)")
        }
        for (name, text) in expected.limits {
            #expect(primary.resources.limits[name] == (try Quantity(parsing: text)), "\(expected) limits \(name)")
        }
        #expect(Set(primary.resources.requests.names) == Set(expected.requests.keys))
        #expect(subject.pod.metadata.labels["node-id"] == expected.node)
        #expect(subject.pod.metadata.labels["workflow-name"] == FlyteLabels.sanitize(expected.workflow))
    }

    @Test func provenanceNamesTheOverridingNode() throws {
        let outcome = try #require(Self.outcome)
        let n3 = try #require(outcome.nodes.first { $0.identity.node == "n3" && $0.identity.workflow == Self.wf })
        #expect(n3.pod.provenance["/spec/tolerations/0"] == "node override at demo.workflows.training_wf node n3 (pod template)")
        #expect(n3.pod.provenance["/spec/nodeSelector/gpu-type"] == "node override at demo.workflows.training_wf node n3 (pod template)")
        let n2 = try #require(outcome.nodes.first { $0.identity.node == "n2" && $0.identity.workflow == Self.wf })
        #expect(n2.pod.provenance["/spec/tolerations/0"] == "task pod template of demo.workflows.train_model")
        let n4 = try #require(outcome.nodes.first { $0.identity.node == "n4" && $0.identity.workflow == Self.wf })
        #expect(
            n4.pod.provenance["/spec/containers/0/resources/limits/nvidia.com~1gpu"]
                == "node override at demo.workflows.training_wf node n4 (resources)")
        let n5 = try #require(outcome.nodes.first { $0.identity.node == "n5" && $0.identity.workflow == Self.wf })
        #expect(n5.pod.provenance["/spec/tolerations/0"] == "cluster PodTemplate 'gpu-default-template' (namespace flyte)")
        #expect(n5.pod.provenance["/spec/tolerations/1"]?.hasPrefix("GPU accelerator nvidia-tesla-t4 (node override") == true)
    }

    @Test func missingPodTemplateIsAnErrorNamingTheNode() throws {
        let resolver = FlyteResolver(builder: PodBuilder(), context: FlyteContext(project: "ml", domain: "production"))
        let outcome = resolver.resolve(try Demo.bundle())
        let messages = outcome.errors.map(\.description)
        #expect(messages.count == 1)
        #expect(messages.first?.contains("workflow demo.workflows.training_wf node n5") == true)
        #expect(messages.first?.contains("PodTemplate 'gpu-default-template' does not exist") == true)
    }

    @Test func enclosingNodesDoNotPassTheirInterruptibleFlagDown() throws {
        var bundle = try Demo.bundle()
        // parent_wf's workflow node n0 marked interruptible; the launch plan leaves the execution default.
        let index = try #require(bundle.workflows.firstIndex { $0.template.id.name == "demo.workflows.parent_wf" })
        bundle.workflows[index].template.nodes[0].interruptible = true
        let outcome = try Demo.resolver().resolve(bundle)
        let inner = outcome.nodes.filter { $0.identity.workflow == "demo.workflows.parent_wf" }
        #expect(inner.count == 2)
        #expect(inner.allSatisfy { $0.identity.interruptible == false })
        // The execution's own flag (workflow metadataDefaults, no launch plan override) does reach them.
        var defaults = try Demo.bundle()
        let planless = defaults.workflows.firstIndex { $0.template.id.name == "demo.workflows.parent_wf" } ?? 0
        defaults.workflows[planless].template.interruptible = true
        defaults.launchPlans.removeAll { $0.plan.workflowId.name == "demo.workflows.parent_wf" }
        let nodes = try Demo.resolver().resolve(defaults).nodes.filter { $0.identity.workflow == "demo.workflows.parent_wf" }
        #expect(nodes.count == 2 && nodes.allSatisfy { $0.identity.interruptible == true })
    }
}
