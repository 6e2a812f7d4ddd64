import BenchSupport
import Foundation
import PolicyCore
import PolicyJSON

// policy-bench: measures the core engine on generated pods and rules (see bench/run.sh).
//
//   policy-bench [--pods N] [--rules M] [--emit DIR]
//
// Phases, timed separately on the same input, one pod at a time:
//   parse       jansson's json_loadb of every pod document, then freeing it (the baseline)
//   decode      parse + building the typed Pod and Subject
//   end to end  parse + decode + every rule, through ReportBuilder as `check` runs it
// Evaluation is end to end minus decode.
// With --emit DIR it also writes pods.json, policies.json and rules.rego so that
// bench/compare-rego.sh evaluates the very same pods and rules with regopy, and pods-list.json
// (the pods as one Kubernetes List) for bench/check-formats.sh.

let arguments = CommandLine.arguments
func option(_ name: String, _ fallback: Int) -> Int {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count, let value = Int(arguments[index + 1]) else { return fallback }
    return value
}
let podCount = option("--pods", 20_000)
let ruleCount = option("--rules", 30)
let emitDirectory: String? = arguments.firstIndex(of: "--emit").flatMap { $0 + 1 < arguments.count ? arguments[$0 + 1] : nil }

// MARK: - Pods

var random = Generator()
let gpuTypes = ["nvidia-a100", "nvidia-h100-80gb", "nvidia-tesla-v100", "nvidia-t4", "nvidia-l4"]
let registries = ["ghcr.io/acme/ml", "ghcr.io/acme/features", "cr.flyte.org/flyteorg/flytekit", "docker.io/library/python", "quay.io/other/tool"]
let tags = [":1.0", ":2024.11", ":latest", "", "@sha256:4b1f2c9a7e5d3b8f0a6c2e4d1b9f7a5c3e8d0b2f4a6c8e1d3b5f7a9c2e4d6b8f"]
let cpus = ["500m", "1", "2", "4", "8", "16", "48"]
let memories = ["512Mi", "1Gi", "4Gi", "16Gi", "64Gi", "300Gi"]

func podJSON(_ index: Int, _ random: inout Generator) -> String {
    let gpu = random.next(10) < 4
    var tolerations: [String] = []
    if gpu {
        tolerations.append(
            random.pick([
                #"{"key":"gpu","operator":"Equal","value":"true","effect":"NoSchedule"}"#,
                #"{"key":"gpu","operator":"Equal","value":"preemptible","effect":"NoSchedule"}"#,
            ]))
    }
    if random.next(20) == 0 { tolerations.append(#"{"operator":"Exists"}"#) }
    tolerations.append(#"{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}"#)
    var containers: [String] = []
    for c in 0..<(1 + random.next(3)) {
        let cpu = random.pick(cpus)
        let memory = random.pick(memories)
        let gpuResource = gpu && c == 0 ? #","nvidia.com/gpu":"\#(1 + random.next(2))""# : ""
        let privileged = random.next(25) == 0 ? "true" : "false"
        containers.append(
            """
            {"name":"\(c == 0 ? "primary" : "sidecar-\(c)")","image":"\(random.pick(registries))\(random.pick(tags))",
             "args":["pyflyte-execute","--inputs","s3://bucket/metadata/propeller/ml-production-f3a9c1/n\(index)/data/inputs.pb","--output-prefix","s3://bucket/metadata/n\(index)"],
             "env":[{"name":"FLYTE_INTERNAL_PROJECT","value":"ml"},{"name":"FLYTE_INTERNAL_DOMAIN","value":"production"},{"name":"FLYTE_ATTEMPT_NUMBER","value":"0"}],
             "resources":{"requests":{"cpu":"\(cpu)","memory":"\(memory)"\(gpuResource)},"limits":{"cpu":"\(cpu)","memory":"\(memory)"\(gpuResource)}},
             "securityContext":{"privileged":\(privileged),"runAsNonRoot":true},
             "terminationMessagePolicy":"FallbackToLogsOnError"}
            """)
    }
    let selector = gpu ? #""nodeSelector":{"gpu-type":"\#(random.pick(gpuTypes))","node-pool":"gpu"},"# : #""nodeSelector":{"node-pool":"cpu"},"#
    return """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"f3a9c1-n\(index)-0","namespace":"ml-production",
         "labels":{"project":"ml","domain":"production","workflow-name":"pipelines-train-training-wf","node-id":"n\(index)","interruptible":"false"},
         "annotations":{"cluster-autoscaler.kubernetes.io/safe-to-evict":"false"}},
         "spec":{"restartPolicy":"Never",\(selector)"tolerations":[\(tolerations.joined(separator: ","))],
         "containers":[\(containers.joined(separator: ","))],"serviceAccountName":"default","schedulerName":"default-scheduler"}}
        """
}

let pods = (0..<podCount).map { Array(podJSON($0, &random).utf8) }
let totalBytes = pods.reduce(0) { $0 + $1.count }

// MARK: - Rules (the same seven kinds, cycled with different parameters)

struct GeneratedRule {
    var json: String
    var rego: String
}

func rule(_ index: Int) -> GeneratedRule {
    let name = "rule-\(index)"
    switch index % 7 {
    case 0:
        return GeneratedRule(
            json:
                #"{"name":"\#(name)","when":{"resources":["nvidia.com/gpu"]},"nodeSelector":{"required":["gpu-type"],"allowed":{"gpu-type":["nvidia-a100","nvidia-h100*"]}}}"#,
            rego: """
                violation contains {"rule": "\(name)", "path": "/spec/nodeSelector/gpu-type"} if {
                    uses_gpu
                    value := object.get(input.spec, ["nodeSelector", "gpu-type"], "")
                    not allowed_gpu(value)
                }
                """)
    case 1:
        return GeneratedRule(
            json:
                #"{"name":"\#(name)","when":{"resources":["nvidia.com/gpu"]},"tolerations":{"required":[{"key":"gpu","value":"true","effect":"NoSchedule"}]}}"#,
            rego: """
                violation contains {"rule": "\(name)", "path": "/spec/tolerations"} if {
                    uses_gpu
                    not tolerates_gpu_taint
                }
                """)
    case 2:
        return GeneratedRule(
            json: #"{"name":"\#(name)","tolerations":{"forbidden":[{"wildcard":true}]}}"#,
            rego: """
                violation contains {"rule": "\(name)", "path": sprintf("/spec/tolerations/%d", [i])} if {
                    t := input.spec.tolerations[i]
                    t.operator == "Exists"
                    object.get(t, "key", "") == ""
                }
                """)
    case 3:
        let cpu = ["8", "16", "32"][index % 3]
        let memory = ["64Gi", "128Gi", "256Gi"][index % 3]
        return GeneratedRule(
            json: #"{"name":"\#(name)","resources":{"max":{"limits":{"cpu":"\#(cpu)","memory":"\#(memory)"}}}}"#,
            rego: """
                violation contains {"rule": "\(name)", "path": sprintf("/spec/containers/%d/resources/limits/cpu", [i])} if {
                    c := input.spec.containers[i]
                    units.parse(c.resources.limits.cpu) > units.parse("\(cpu)")
                }
                violation contains {"rule": "\(name)", "path": sprintf("/spec/containers/%d/resources/limits/memory", [i])} if {
                    c := input.spec.containers[i]
                    units.parse_bytes(c.resources.limits.memory) > units.parse_bytes("\(memory)")
                }
                """)
    case 4:
        return GeneratedRule(
            json: #"{"name":"\#(name)","images":{"allowedRegistries":["ghcr.io/acme","cr.flyte.org/flyteorg"]}}"#,
            rego: """
                violation contains {"rule": "\(name)", "path": sprintf("/spec/containers/%d/image", [i])} if {
                    c := input.spec.containers[i]
                    not startswith(c.image, "ghcr.io/acme/")
                    not startswith(c.image, "cr.flyte.org/flyteorg/")
                }
                """)
    case 5:
        return GeneratedRule(
            json: #"{"name":"\#(name)","images":{"forbiddenTags":["latest"]}}"#,
            rego: """
                violation contains {"rule": "\(name)", "path": sprintf("/spec/containers/%d/image", [i])} if {
                    c := input.spec.containers[i]
                    latest_image(c.image)
                }
                """)
    default:
        return GeneratedRule(
            json: #"{"name":"\#(name)","assert":{"path":"spec.containers[*].securityContext.privileged","op":"notEquals","value":true}}"#,
            rego: """
                violation contains {"rule": "\(name)", "path": sprintf("/spec/containers/%d/securityContext/privileged", [i])} if {
                    input.spec.containers[i].securityContext.privileged == true
                }
                """)
    }
}

let rules = (0..<ruleCount).map(rule)
let policyJSON =
    "["
    + stride(from: 0, to: ruleCount, by: 5).map { start in
        let chunk = rules[start..<min(start + 5, ruleCount)].map(\.json).joined(separator: ",")
        return #"{"apiVersion":"flyte-policy/v1","kind":"Policy","metadata":{"name":"bench-\#(start / 5)"},"spec":{"rules":[\#(chunk)]}}"#
    }.joined(separator: ",") + "]"
let regoModule = """
    package bench

    import rego.v1

    uses_gpu if {
        input.spec.containers[_].resources.limits["nvidia.com/gpu"]
    }

    allowed_gpu(v) if { v == "nvidia-a100" }
    allowed_gpu(v) if { startswith(v, "nvidia-h100") }

    tolerates_gpu_taint if {
        t := input.spec.tolerations[_]
        t.key == "gpu"
        object.get(t, "operator", "Equal") == "Equal"
        t.value == "true"
        object.get(t, "effect", "") == "NoSchedule"
    }
    tolerates_gpu_taint if {
        t := input.spec.tolerations[_]
        t.key == "gpu"
        t.operator == "Exists"
    }

    latest_image(image) if { endswith(image, ":latest") }
    latest_image(image) if {
        not contains(image, "@")
        parts := split(image, "/")
        not contains(parts[count(parts) - 1], ":")
    }

    \(rules.map(\.rego).joined(separator: "\n\n"))
    """

let policySet: PolicySet
do {
    policySet = try PolicyLoader.load(files: [("bench-policies.json", Array(policyJSON.utf8))])
} catch {
    FileHandle.standardError.write(Data("policy-bench: generated policies do not load: \(error)\n".utf8))
    exit(2)
}

if let emitDirectory {
    try? FileManager.default.createDirectory(atPath: emitDirectory, withIntermediateDirectories: true)
    let podsArray = "[" + pods.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ",\n") + "]\n"
    _ = FileManager.default.createFile(atPath: emitDirectory + "/pods.json", contents: Data(podsArray.utf8))
    // The same pods as one Kubernetes List, the way `check` reads a cluster dump (bench/check-formats.sh).
    let podsList = #"{"apiVersion": "v1", "kind": "List", "items": "# + podsArray + "}\n"
    _ = FileManager.default.createFile(atPath: emitDirectory + "/pods-list.json", contents: Data(podsList.utf8))
    _ = FileManager.default.createFile(atPath: emitDirectory + "/policies.json", contents: Data(policyJSON.utf8))
    _ = FileManager.default.createFile(atPath: emitDirectory + "/rules.rego", contents: Data(regoModule.utf8))
}

// MARK: - Timing

/// One pod through the engine's front half, as `check` and the webhook read it.
func decodeSubject(_ bytes: [UInt8]) -> Subject? {
    guard let document = try? JSONDocument.parse(bytes, source: "bench") else { return nil }
    let root = document.rootNode
    guard let decoded = try? Pod(metadata: root["metadata"], spec: root["spec"]) else { return nil }
    return Subject(pod: decoded, metadataNode: root["metadata"], specNode: root["spec"], source: SubjectSource(file: "bench"))
}

var sink = 0
let parseTime = best {
    for pod in pods {
        if let document = try? JSONDocument.parse(pod, source: "bench") { sink &+= document.rootNode.count }
    }
}

let decodeTime = best {
    for pod in pods {
        if let subject = decodeSubject(pod) { sink &+= subject.pod.spec.containers.count }
    }
}

// The whole pipeline the way `check` runs it: each pod is parsed, decoded and evaluated, then
// its parsed JSON and pod are released; the report keeps findings and each pod's identity.
let evaluator = Evaluator(policies: policySet, today: CalendarDay(year: 2026, month: 11, day: 24))
// Every run's report is kept until the end: a `check` run exits with its report alive, so
// tearing one down is no part of the pipeline.
var reports: [Report] = []
var reportBytes = Int.max
let endToEnd = best {
    let heapBefore = heapBytesInUse()
    defer { reportBytes = min(reportBytes, heapBytesInUse() - heapBefore) }
    var builder = ReportBuilder(evaluator: evaluator)
    builder.reserveCapacity(pods.count)
    for pod in pods {
        if let subject = decodeSubject(pod) { builder.add(subject) }
    }
    reports.append(builder.finish())
}
let report = reports.last ?? Report(subjects: [], findings: [])
let findingCount = report.findings.count
let subjectCount = report.subjects.count
let evaluateTime = endToEnd - decodeTime

let evaluations = Double(subjectCount * ruleCount)
let overhead = (endToEnd - parseTime) / parseTime
let output = """
    policy-bench: \(subjectCount) pods (\(totalBytes / max(subjectCount, 1)) bytes each on average), \(ruleCount) rules, \(findingCount) findings
      jansson parse only:        \(String(format: "%8.1f", parseTime * 1000)) ms  (\(String(format: "%.1f", Double(totalBytes) / parseTime / 1e6)) MB/s)
      parse + decode:            \(String(format: "%8.1f", decodeTime * 1000)) ms
      evaluate \(ruleCount) rules:         \(String(format: "%8.1f", evaluateTime * 1000)) ms  (end to end minus parse + decode)
      end to end:                \(String(format: "%8.1f", endToEnd * 1000)) ms  = \(String(format: "%.0f", Double(subjectCount) / endToEnd)) pods/s
      per (pod, rule):           \(String(format: "%8.3f", evaluateTime / evaluations * 1e6)) us  = \(String(format: "%.0f", evaluations / evaluateTime)) evaluations/s (one core)
      share in JSON parsing:     \(String(format: "%7.1f", parseTime / endToEnd * 100)) %
      report kept in memory:     \(String(format: "%8.1f", Double(reportBytes) / 1e6)) MB  (\(reportBytes / max(subjectCount, 1)) bytes per pod)
      added on top of parsing:   \(String(format: "%7.1f", overhead * 100)) %  (target < 50 %)
    RESULT pods=\(subjectCount) rules=\(ruleCount) parse_ms=\(String(format: "%.2f", parseTime * 1000)) decode_ms=\(String(format: "%.2f", decodeTime * 1000)) eval_ms=\(String(format: "%.2f", evaluateTime * 1000)) per_pod_us=\(String(format: "%.3f", endToEnd / Double(max(subjectCount, 1)) * 1e6)) findings=\(findingCount) report_bytes=\(reportBytes) sink=\(sink % 2)
    """
print(output)
