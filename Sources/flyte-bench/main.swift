import BenchSupport
import Foundation
import PolicyCore
import PolicyFlyte
import PolicyIO
import PolicyJSON

// flyte-bench: resolving and checking a synthetic Flyte package (see bench/flyte.sh).
//
//   flyte-bench [--workflows W] [--nodes N] [--policies DIR] [--mix distributed|plain] [--jobs N]
//
// The package is generated as flyteidl protobuf JSON (one WorkflowSpec per workflow, one TaskSpec
// per task), shaped like flytekit's output: container tasks and pod-template tasks, node
// overrides of the pod template, of resources and of the accelerator, interruptible nodes,
// branches. The `distributed` mix (the default) makes 18 of the 60 tasks plugin tasks shaped
// like flytekit's plugins write them (PyTorch master and workers, a Ray head with a GPU worker
// group and the submitter, Dask job runner, scheduler and workers); `plain` keeps them
// container tasks, the mix of earlier runs. Phases, timed separately:
//   decode    jansson parse + flyteidl entity decoding of every document
//   resolve   propeller's pod building for every node, with a platform config and PodTemplate
//   subjects and evaluate
//             resolved pods -> typed Pod + Subject (jansson tree for assert paths), evaluated
//             by the policies of --policies (default policies/) run by run, as `check` does

let arguments = CommandLine.arguments
func option(_ name: String, _ fallback: String) -> String {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return fallback }
    return arguments[index + 1]
}
let workflowCount = Int(option("--workflows", "1000")) ?? 1000
let nodesPerWorkflow = Int(option("--nodes", "20")) ?? 20
let policyPath = option("--policies", "policies")
let mix = option("--mix", "distributed")
guard mix == "distributed" || mix == "plain" else {
    FileHandle.standardError.write(Data("--mix is distributed or plain, not '\(mix)'\n".utf8))
    exit(2)
}

var random = Generator()
let gpuTypes = ["nvidia-a100", "nvidia-h100-80gb", "nvidia-tesla-v100", "nvidia-t4"]
let taskCount = 60

func args(_ name: String) -> String {
    #"["pyflyte-execute","--inputs","{{.input}}","--output-prefix","{{.outputPrefix}}","--resolver","flytekit.core.python_auto_container.default_task_resolver","--","task-module","bench.workflows","task-name","\#(name)"]"#
}

/// A plugin task in the shape flytekit's plugins write (flytekitplugins-kfpytorch, -ray, -dask
/// 1.16), on a container target.
func pluginTaskJSON(_ index: Int, name: String) -> String? {
    let container =
        #""container":{"image":"ghcr.io/acme/ml:1.0","args":\#(args(name)),"resources":{"requests":[{"name":"CPU","value":"1"},{"name":"MEMORY","value":"2Gi"}]}}"#
    let head =
        #"{"template":{"id":{"resourceType":"TASK","name":"\#(name)"},"metadata":{"runtime":{"type":"FLYTE_SDK","version":"1.16.31"},"retries":{}},"#
    switch index % 10 {
    case 2:
        return head
            + #""type":"pytorch","taskTypeVersion":1,\#(container),"custom":{"masterReplicas":{"resources":{"requests":[{"name":"CPU","value":"2"},{"name":"MEMORY","value":"8Gi"}]},"replicas":1.0},"workerReplicas":{"resources":{"limits":[{"name":"GPU","value":"2"}],"requests":[{"name":"CPU","value":"8"},{"name":"MEMORY","value":"32Gi"},{"name":"GPU","value":"2"}]},"image":"ghcr.io/acme/torch-worker:2.3","replicas":4.0}}}}"#
    case 5:
        return head
            + #""type":"ray",\#(container),"custom":{"rayCluster":{"workerGroupSpec":[{"groupName":"gpu-group","k8sPod":{"podSpec":{"containers":[{"name":"ray-worker","resources":{"limits":{"nvidia.com/gpu":"1"},"requests":{"nvidia.com/gpu":"1"}}}],"tolerations":[{"operator":"Equal","key":"gpu","effect":"NoSchedule","value":"true"}],"nodeSelector":{"gpu-type":"nvidia-a100"}},"metadata":{},"primaryContainerName":"primary"},"minReplicas":2.0,"replicas":2.0,"maxReplicas":8.0,"enableAutoscaling":true}],"headGroupSpec":{"k8sPod":{"podSpec":{"containers":[],"nodeSelector":{"pool":"cpu-large"}},"metadata":{},"primaryContainerName":"primary"}}}}}}"#
    case 8:
        return head
            + #""type":"dask",\#(container),"custom":{"workers":{"resources":{"limits":[{"name":"CPU","value":"8"},{"name":"MEMORY","value":"32Gi"}],"requests":[{"name":"CPU","value":"4"},{"name":"MEMORY","value":"16Gi"}]},"numberOfWorkers":5.0},"scheduler":{"resources":{"requests":[{"name":"CPU","value":"2"},{"name":"MEMORY","value":"4Gi"}]}}}}}"#
    default:
        return nil
    }
}

@MainActor func taskJSON(_ index: Int) -> String {
    let name = "bench.workflows.task_\(index)"
    if mix == "distributed", let plugin = pluginTaskJSON(index, name: name) { return plugin }
    if index % 3 == 0 {
        let gpu = random.pick(gpuTypes)
        return """
            {"template":{"id":{"resourceType":"TASK","name":"\(name)"},"type":"python-task","metadata":{"runtime":{"type":"FLYTE_SDK","version":"1.16.31"},"retries":{},"interruptible":\(index % 2 == 0)},
             "config":{"primary_container_name":"primary"},
             "k8sPod":{"metadata":{"labels":{"team":"vision"}},"podSpec":{"containers":[{"name":"primary","image":"ghcr.io/acme/ml:1.0","args":\(args(name)),
               "resources":{"requests":{"cpu":"2","memory":"8Gi","gpu":"1"},"limits":{"cpu":"4","memory":"16Gi","gpu":"1"}}},
               {"name":"sidecar","image":"envoyproxy/envoy:v1.29","resources":{"requests":{"cpu":"100m","memory":"128Mi"}}}],
              "nodeSelector":{"gpu-type":"\(gpu)"},"tolerations":[{"key":"gpu","operator":"Equal","value":"true","effect":"NoSchedule"}]}}}}
            """
    }
    let accelerator = index % 5 == 1 ? #","extendedResources":{"gpuAccelerator":{"device":"nvidia-tesla-a100"}}"# : ""
    let gpu = index % 5 == 1 ? #",{"name":"GPU","value":"1"}"# : ""
    return """
        {"template":{"id":{"resourceType":"TASK","name":"\(name)"},"type":"python-task","metadata":{"runtime":{"type":"FLYTE_SDK","version":"1.16.31"},"retries":{}},
         "container":{"image":"ghcr.io/acme/ml:1.0","args":\(args(name)),
          "resources":{"requests":[{"name":"CPU","value":"\(random.pick(["500m", "1", "2"]))"},{"name":"MEMORY","value":"\(random.pick(["1Gi", "2Gi", "4Gi"]))"}\(gpu)],
                       "limits":[{"name":"CPU","value":"2"},{"name":"MEMORY","value":"4Gi"}]}}\(accelerator)}}
        """
}

@MainActor func nodeJSON(_ id: String, _ random: inout Generator) -> String {
    let task = "bench.workflows.task_\(random.next(taskCount))"
    var overrides = "{}"
    switch random.next(10) {
    case 0, 1:
        overrides = """
            {"podTemplate":{"metadata":{},"primaryContainerName":"primary","podSpec":{"containers":[{"name":"primary","image":"ghcr.io/acme/ml:1.0",
             "resources":{"requests":{"cpu":"2","memory":"8Gi","gpu":"1"},"limits":{"cpu":"4","memory":"16Gi","gpu":"1"}}}],
             "nodeSelector":{"gpu-type":"\(random.pick(gpuTypes))"},"tolerations":[{"key":"gpu","operator":"Equal","value":"preemptible","effect":"NoSchedule"}]}}}
            """
    case 2, 3:
        overrides =
            #"{"resources":{"requests":[{"name":"CPU","value":"16"},{"name":"MEMORY","value":"64Gi"}],"limits":[{"name":"CPU","value":"16"},{"name":"MEMORY","value":"64Gi"}]}}"#
    case 4:
        overrides = #"{"extendedResources":{"gpuAccelerator":{"device":"nvidia-tesla-t4"}}}"#
    default: break
    }
    let interruptible = random.next(4) == 0 ? #","interruptible":true"# : ""
    return
        #"{"id":"\#(id)","metadata":{"name":"n","retries":{}\#(interruptible)},"taskNode":{"referenceId":{"resourceType":"TASK","name":"\#(task)"},"overrides":\#(overrides)}}"#
}

@MainActor func workflowJSON(_ index: Int) -> String {
    var nodes: [String] = []
    var produced = 0
    while produced < nodesPerWorkflow {
        if produced + 2 <= nodesPerWorkflow, random.next(8) == 0 {
            let then = nodeJSON("n0", &random)
            let otherwise = nodeJSON("n1", &random)
            nodes.append(
                #"{"id":"n\#(nodes.count)","metadata":{"name":"branch"},"branchNode":{"ifElse":{"case":{"thenNode":\#(then)},"elseNode":\#(otherwise)}}}"#
            )
            produced += 2
        } else {
            nodes.append(nodeJSON("n\(nodes.count)", &random))
            produced += 1
        }
    }
    return
        #"{"template":{"id":{"resourceType":"WORKFLOW","name":"bench.workflows.wf_\#(index)"},"metadata":{},"nodes":[\#(nodes.joined(separator: ","))],"metadataDefaults":{}}}"#
}

let documents: [[UInt8]] = (0..<taskCount).map { Array(taskJSON($0).utf8) } + (0..<workflowCount).map { Array(workflowJSON($0).utf8) }
let totalBytes = documents.reduce(0) { $0 + $1.count }

var store = PodTemplateStore(defaultNamespace: "flyte")
var platform = PlatformConfig()
platform.resourceTolerations = [("nvidia.com/gpu", [["key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"]])]
platform.interruptibleTolerations = [["key": "lifecycle", "operator": "Equal", "value": "spot", "effect": "NoSchedule"]]
platform.nonInterruptibleNodeSelectorRequirement = ["key": "lifecycle", "operator": "NotIn", "values": ["spot"]]
platform.defaultPodTemplateName = "flyte-default"
do {
    store.add(
        try PodTemplateStore.PodTemplate(manifest: [
            "metadata": ["name": "flyte-default"],
            "template": [
                "spec": [
                    "containers": [["name": "default", "resources": ["limits": ["ephemeral-storage": "20Gi"]]]],
                    "tolerations": [["key": "flyte", "operator": "Exists"]],
                ]
            ],
        ]))
} catch {
    FileHandle.standardError.write(Data("the benchmark's PodTemplate does not load: \(error)\n".utf8))
    exit(2)
}
let policies: PolicySet
do { policies = try PolicyFiles.load([policyPath]) } catch {
    FileHandle.standardError.write(Data("policies do not load: \(error.errors.map(\.description))\n".utf8))
    exit(2)
}

// --jobs N: decode, resolve, subjects and evaluate on N threads, as `check --jobs` runs them
// (a package's members decode apart, in member order).
let jobs = max(1, Int(option("--jobs", "1")) ?? 1)
var bundle = FlyteBundle()
let decodeTime = try seconds {
    let decoded = ParallelMap.map(documents.count, jobs: jobs) { index in
        Result { () throws -> FlyteBundle in
            let value = try JSONDocument.parse(documents[index], source: "doc\(index)").rootNode.value
            return try FlyteEntityDecoder.decode(value, source: EntitySource(file: "doc\(index).json"))
        }
    }
    for result in decoded { bundle.append(try result.get()) }
}
let resolver = FlyteResolver(builder: PodBuilder(config: platform, templates: store), context: FlyteContext(project: "ml", domain: "production"))
var outcome = FlyteResolver.Outcome()
let resolveTime = seconds { outcome = resolver.resolve(bundle, jobs: jobs) }
guard outcome.errors.isEmpty else {
    FileHandle.standardError.write(Data("resolution errors: \(outcome.errors.prefix(3))\n".utf8))
    exit(2)
}
// As `check` runs it: subjects made and evaluated run by run, each pod's JSON freed once
// evaluated.
let evaluator = Evaluator(policies: policies, today: CalendarDay(secondsSince1970: Int64(Date().timeIntervalSince1970)))
var part = ReportPart(outcomes: RuleOutcomes(policies: policies))
var subjectErrors: [NodeResolutionError] = []
let evaluateTime = seconds { (part, subjectErrors) = outcome.evaluated(by: evaluator, jobs: jobs) }
guard subjectErrors.isEmpty else {
    FileHandle.standardError.write(Data("pods that do not decode: \(subjectErrors.prefix(3))\n".utf8))
    exit(2)
}
let pods = outcome.nodes.count
let pluginPods = outcome.nodes.count { $0.role != nil }

let total = decodeTime + resolveTime + evaluateTime
func ms(_ value: Double) -> String { String(format: "%.0f ms", value * 1000) }
print("package:   \(workflowCount) workflows x \(nodesPerWorkflow) nodes, \(taskCount) tasks, \(totalBytes / 1024) KiB of flyteidl JSON")
print(
    "pods:      \(pods) resolved (\(mix) mix: \(pluginPods) of them replica groups of plugin tasks), \(part.findings.count) findings from \(policies.policies.count) policies (\(policies.ruleCount) rules)"
)
print("decode:    \(ms(decodeTime))")
print("resolve:   \(ms(resolveTime))  (\(String(format: "%.1f", resolveTime / Double(max(pods, 1)) * 1e6)) us per pod)")
print("subjects and evaluate: \(ms(evaluateTime))")
print("total:     \(ms(total))  (\(Int(Double(pods) / total)) pods/s end to end, \(jobs == 1 ? "one core" : "\(jobs) threads"))")
