import Foundation
import PolicyCore
import PolicyJSON
import Testing

@testable import PolicyIO
@testable import PolicyYAML

@Suite("YAML reader")
struct YAMLTests {
    @Test("documents, anchors, merge keys and YAML 1.1 scalars")
    func documents() throws {
        let text = """
            # comment
            base: &base {cpu: 500m, memory: 1Gi}
            limits:
              <<: *base
              cpu: "1"
            flags: [yes, no, on, off, true, ~, null, "yes"]
            numbers: [0755, 0x1F, 1_000, 1.5, 1e3, .5, -2]
            text: [1.2.3, 1e, "0755", 'single']
            ---
            second: doc
            ---
            """
        let documents = try YAMLReader.documents(Array(text.utf8), source: "t.yaml")
        #expect(documents.count == 3)
        let first = documents[0].value
        #expect(first["limits"] == ["cpu": "1", "memory": "1Gi"] || first["limits"]?["cpu"] == "1")
        #expect(first["limits"]?["memory"] == "1Gi")
        #expect(first["flags"] == [true, false, true, false, true, nil, nil, "yes"])
        #expect(first["numbers"] == [.integer(493), .integer(31), .integer(1000), .real(1.5), .real(1000), .real(0.5), .integer(-2)])
        #expect(first["text"] == ["1.2.3", "1e", "0755", "single"])
        #expect(documents[1].value == ["second": "doc"])
        #expect(documents[0].line == 2)
        #expect(documents[1].line == 10)
        #expect(documents[2].value == .null)
    }

    static let invalid: [(String, Int, String)] = [
        ("a: [1, 2\nb: 3\n", 2, "flow sequence"),
        ("a: 1\na: 2\n", 2, "appears twice"),
        ("a: *nothing\n", 1, "names no anchor"),
        ("a:\n  - b\n - c\n", 3, ""),
        ("? [a]\n: b\n", 1, "scalar"),
    ]

    @Test("malformed YAML names the line", arguments: invalid)
    func malformed(text: String, line: Int, reason: String) {
        #expect {
            _ = try YAMLReader.documents(Array(text.utf8), source: "bad.yaml")
        } throws: { error in
            guard let error = error as? YAMLError else { return false }
            return error.source == "bad.yaml" && error.line == line && (reason.isEmpty || error.reason.contains(reason))
        }
    }

    @Test("alias bombs and deep nesting hit the limits instead of memory")
    func limits() {
        var bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
        var previous = "a"
        for level in 1...9 {
            let name = "l\(level)"
            bomb += "\(name): &\(name) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = name
        }
        #expect(throws: YAMLError.self) { _ = try YAMLReader.documents(Array(bomb.utf8), source: "bomb.yaml") }
        let deep = String(repeating: "[", count: 300) + String(repeating: "]", count: 300)
        #expect(throws: YAMLError.self) { _ = try YAMLReader.documents(Array(deep.utf8), source: "deep.yaml") }
    }

    /// The limit counts what aliases repeat, not what the stream writes out: a large stream
    /// without anchors (a 10,000-pod `kubectl get -o yaml`) was refused as an alias bomb.
    @Test func onlyAliasesCountAgainstTheAliasLimit() throws {
        let limits = YAMLLimits(maxAliasValues: 25)
        let plain = "items:\n" + (0..<200).map { "- {name: p\($0), image: x}\n" }.joined()
        #expect(try YAMLReader.documents(Array(plain.utf8), source: "big.yaml", limits: limits).first?.value["items"]?.array?.count == 200)
        let repeated = "base: &b {a: 1, b: 2}\n" + (0..<10).map { "k\($0): *b\n" }.joined()
        #expect {
            try YAMLReader.documents(Array(repeated.utf8), source: "aliases.yaml", limits: limits)
        } throws: { error in
            "\(error)".contains("aliases repeat more than 25 values")
        }
    }

    /// A mapping of n keys is built in time linear in n (it was quadratic: 80k keys took 130 s).
    /// Not timed here (bench/yaml.sh measures it); this checks what is built.
    @Test func aLargeMappingKeepsEveryKeyInOrder() throws {
        let text = "data:\n" + (0..<20_000).map { "  key\($0): v\($0)\n" }.joined()
        let data = try #require(try YAMLReader.documents(Array(text.utf8), source: "cm.yaml").first?.value["data"]?.object)
        #expect(data.count == 20_000)
        #expect(data.entries.first?.key == "key0" && data.entries.last?.key == "key19999")
        #expect(data["key12345"] == .string("v12345"))
    }
}

@Suite("manifest inputs")
struct ManifestTests {
    func read(_ text: String, name: String = "m.yaml", namespace: String? = nil) throws -> ManifestReader.Outcome {
        try ManifestReader(defaultNamespace: namespace).read(InputFile(name: name, bytes: Array(text.utf8)))
    }

    /// Kinds are keyed by API group too (a Volcano `batch.volcano.sh` Job is not a `batch` Job).
    static let workloads: [(String, String, String, String)] = [
        ("v1", "Pod", "spec: {containers: [{name: c, image: x}]}", ""),
        ("v1", "PodTemplate", "template: {spec: {containers: [{name: c, image: x}]}}", "/template"),
        ("apps/v1", "Deployment", "spec: {template: {spec: {containers: [{name: c, image: x}]}}}", "/spec/template"),
        ("apps/v1", "StatefulSet", "spec: {template: {spec: {containers: [{name: c, image: x}]}}}", "/spec/template"),
        ("apps/v1", "DaemonSet", "spec: {template: {spec: {containers: [{name: c, image: x}]}}}", "/spec/template"),
        ("apps/v1", "ReplicaSet", "spec: {template: {spec: {containers: [{name: c, image: x}]}}}", "/spec/template"),
        ("batch/v1", "Job", "spec: {template: {spec: {containers: [{name: c, image: x}]}}}", "/spec/template"),
        (
            "batch/v1", "CronJob", "spec: {jobTemplate: {spec: {template: {spec: {containers: [{name: c, image: x}]}}}}}",
            "/spec/jobTemplate/spec/template"
        ),
        ("kubeflow.org/v1", "Notebook", "spec: {template: {spec: {containers: [{name: c, image: x}]}}}", "/spec/template"),
        ("argoproj.io/v1alpha1", "Rollout", "spec: {template: {spec: {containers: [{name: c, image: x}]}}}", "/spec/template"),
        ("apps.openshift.io/v1", "DeploymentConfig", "spec: {template: {spec: {containers: [{name: c, image: x}]}}}", "/spec/template"),
    ]

    @Test("every workload kind yields its pod template", arguments: workloads)
    func workload(apiVersion: String, kind: String, body: String, pointer: String) throws {
        let outcome = try read("apiVersion: \(apiVersion)\nkind: \(kind)\nmetadata: {name: w, namespace: ns}\n\(body)\n")
        #expect(outcome.subjects.count == 1)
        #expect(outcome.subjects.first?.kind == kind)
        #expect(outcome.subjects.first?.apiVersion == apiVersion)
        #expect(outcome.subjects.first?.namespace == "ns")
        #expect(outcome.subjects.first?.source.podPointer.description == pointer)
        #expect(outcome.subjects.first?.pod.spec.containers.first?.image == "x")
    }

    @Test("lists, JSON arrays, AdmissionReviews and skipped kinds")
    func containers() throws {
        let list = #"{"kind": "List", "items": [{"kind": "Pod", "spec": {"containers": [{"name": "a"}]}}, {"kind": "Service"}]}"#
        let outcome = try read(list, name: "l.json", namespace: "default-ns")
        #expect(outcome.subjects.count == 1)
        #expect(outcome.subjects.first?.namespace == "default-ns")
        #expect(outcome.skippedKinds == ["Service"])
        let review =
            #"{"kind": "AdmissionReview", "apiVersion": "admission.k8s.io/v1", "request": {"uid": "1", "object": {"kind": "Pod", "metadata": {"namespace": "n"}, "spec": {"containers": [{"name": "a"}]}}}}"#
        #expect(try read(review, name: "r.json").subjects.count == 1)
        let array = #"[{"kind": "Pod", "spec": {}}, {"kind": "Pod", "spec": {}}]"#
        #expect(try read(array, name: "a.json").subjects.count == 2)
    }

    static let bad: [(String, String)] = [
        ("kind: Pod\nspec: {containers: [{name: c, resources: {limits: {memory: 1GB}}}]}\n", "/spec/containers/0/resources/limits/memory"),
        ("kind: Pod\nspec: {nodeSelector: {gpu: [a]}}\n", "/spec/nodeSelector/gpu"),
        ("apiVersion: apps/v1\nkind: Deployment\nspec: {template: {spec: {tolerations: {key: a}}}}\n", "/spec/template/spec/tolerations"),
        ("apiVersion: apps/v1\nkind: Deployment\nspec: {}\n", "/spec/template"),
        // Without an apiVersion a Job is read as batch's: a Volcano Job is then refused, not passed.
        ("kind: Job\nspec: {tasks: [{template: {spec: {containers: [{name: c, image: x}]}}}]}\n", "/spec/template"),
        ("metadata: {name: x}\n", "no 'kind'"),
        ("{\"apiVersion\": \"flyte-policy/v1\", \"kind\": \"Policy\"}", "--policies"),
        ("{\"kind\": \"Pod\",}", "invalid JSON"),
        ("kind: Pod\nspec: [\n", "invalid YAML"),
    ]

    @Test("unreadable manifests are errors that name file and pointer", arguments: bad)
    func errors(text: String, expected: String) {
        #expect {
            _ = try read(text)
        } throws: { error in
            "\(error)".contains(expected) && "\(error)".contains("m.yaml")
        }
    }

    @Test("a gzip archive is refused with a clear reason, not parsed as YAML")
    func gzip() {
        #expect {
            _ = try ManifestReader().read(InputFile(name: "pkg.tgz", bytes: [0x1F, 0x8B, 0x08, 0x00]))
        } throws: { error in
            "\(error)".contains("pkg.tgz") && "\(error)".contains("gzip archive")
        }
    }

    @Test("folders are walked recursively and in sorted order")
    func folders() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fp-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("b/c"), withIntermediateDirectories: true)
        for name in ["b/c/z.yaml", "a.json", "b/y.yml", "notes.md", ".hidden.yaml"] {
            try Data("kind: Pod\n".utf8).write(to: root.appendingPathComponent(name))
        }
        let files = try InputFiles.collect([root.path])
        #expect(files.map { String($0.name.dropFirst(root.path.count + 1)) } == ["a.json", "b/c/z.yaml", "b/y.yml"])
        #expect(throws: InputError.self) { try InputFiles.collect([root.appendingPathComponent("missing").path]) }
    }
}

/// Custom resources that embed pods, by API group and kind (issue 17): each pod template is a
/// subject with its role and replica count, and a kind nobody knows that holds containers is
/// said, with the flag that reads it.
@Suite("pods inside custom resources")
struct CustomResourceTests {
    static let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/custom-resources/operators.yaml").path

    static func read(_ workloads: WorkloadKinds = .builtIn) throws -> ManifestReader.Outcome {
        try ManifestReader(workloads: workloads).read(InputFile(name: "operators.yaml", bytes: try InputFiles.read(file)))
    }

    @Test func everyTemplateIsASubjectWithItsGroup() throws {
        let outcome = try Self.read()
        let shown = outcome.subjects.map { subject in
            "\(subject.apiVersion) \(subject.kind) \(subject.role?.label ?? "-") \(subject.replicas.map(String.init) ?? "-") \(subject.source.podPointer) "
                + subject.pod.spec.containers.map { $0.image ?? "" }.joined(separator: ",")
        }
        #expect(
            shown == [
                "kubeflow.org/v1 PyTorchJob master 1 /spec/pytorchReplicaSpecs/Master/template ghcr.io/acme/torch:2.3",
                "kubeflow.org/v1 PyTorchJob worker 4 /spec/pytorchReplicaSpecs/Worker/template ghcr.io/acme/torch:2.3",
                "ray.io/v1 RayCluster head - /spec/headGroupSpec/template rayproject/ray:2.9.0",
                "ray.io/v1 RayCluster worker-group:gpu 6 /spec/workerGroupSpecs/0/template rayproject/ray:2.9.0-gpu",
                "ray.io/v1 RayJob head - /spec/rayClusterSpec/headGroupSpec/template rayproject/ray:2.9.0",
                "ray.io/v1 RayJob worker-group:cpu 3 /spec/rayClusterSpec/workerGroupSpecs/0/template rayproject/ray:2.9.0",
                "ray.io/v1 RayJob submitter - /spec/submitterPodTemplate rayproject/ray:2.9.0",
                "sparkoperator.k8s.io/v1beta2 SparkApplication driver 1 /spec/driver ghcr.io/acme/spark:3.5",
                "sparkoperator.k8s.io/v1beta2 SparkApplication executor 8 /spec/executor ghcr.io/acme/spark:3.5",
                "argoproj.io/v1alpha1 Workflow - - /spec/templates/1 golang:1.22",
                "argoproj.io/v1alpha1 Workflow - - /spec/templates/2 python:3.12",
                "serving.knative.dev/v1 Service - - /spec/template nginx:latest",
                "batch.volcano.sh/v1alpha1 Job - - /spec/tasks/0/template ghcr.io/acme/mpi:1",
                "batch.volcano.sh/v1alpha1 Job - - /spec/tasks/1/template ghcr.io/acme/mpi:1",
            ])
        #expect(outcome.skippedKinds == ["Service"])
        #expect(
            outcome.unreadPods.first?.hasSuffix(
                "acme.io/Trainer custom holds containers at /spec/runner/template/spec that were not checked: flyte-policy does not know this kind; add --workload acme.io/Trainer=/spec/runner/template to read them"
            ) == true)
    }

    /// The Spark operator's pods: scheduling from the SparkPodSpec over the application's,
    /// resources from cores and memory with Spark 3.5's overhead (Python: 0.4, or the factor set).
    @Test func sparkPodsAreBuiltAsTheOperatorBuildsThem() throws {
        let spark = try Self.read().subjects.filter { $0.kind == "SparkApplication" }
        let driver = try #require(spark.first?.pod.spec)
        let executor = try #require(spark.last?.pod.spec)
        #expect(driver.nodeSelector.map(\.value) == ["spark"])
        #expect(spark.first?.specNode?["serviceAccountName"]?.string == "spark")
        // 4g + max(0.4 x 4096, 384) = 5734Mi; 1 core.
        #expect(driver.containers.first?.resources.requests["memory"] == (try Quantity(parsing: "5734Mi")))
        #expect(driver.containers.first?.resources.requests["cpu"] == (try Quantity(parsing: "1")))
        // 16g + 0.2 x 16384 = 19660Mi; 4 cores; the GPU as a limit; the executor's toleration.
        #expect(executor.containers.first?.resources.limits["memory"] == (try Quantity(parsing: "19660Mi")))
        #expect(executor.containers.first?.resources.limits["nvidia.com/gpu"] == (try Quantity(parsing: "1")))
        #expect(executor.tolerations.map(\.key) == ["spot"])
    }

    @Test func argoStepsTakeTheWorkflowsSettingsUnderTheirOwn() throws {
        let argo = try Self.read().subjects.filter { $0.kind == "Workflow" }
        #expect(argo.map { $0.pod.spec.nodeSelector.map(\.value) } == [["ci"], ["reports"]])
        #expect(argo.first?.specNode?["containers"]?[0]?["securityContext"]?["privileged"]?.bool == true)
    }

    /// A workflow whose only template is steps that name templates held elsewhere (a
    /// WorkflowTemplate) runs no container here: it is reported with the kinds holding no pod.
    @Test func anArgoWorkflowWithoutContainersIsSaidNotPassed() throws {
        let yaml = """
            apiVersion: argoproj.io/v1alpha1
            kind: Workflow
            metadata: {name: calls-only}
            spec:
              entrypoint: main
              templates:
                - name: main
                  steps:
                    - - name: build
                        templateRef: {name: shared, template: build}
            """
        let outcome = try ManifestReader().read(InputFile(name: "calls.yaml", bytes: Array(yaml.utf8)))
        #expect(outcome.subjects.isEmpty)
        #expect(outcome.skippedKinds == ["Workflow"])
    }

    /// A custom resource's groups form one job for `scope: job` bounds: the PyTorchJob's master
    /// and 4 workers of 8 GPUs use 40.
    @Test func theGroupsOfOneObjectAreOneJob() throws {
        let subjects = try Self.read().subjects.filter { $0.kind == "PyTorchJob" }
        let policy =
            #"{"apiVersion": "flyte-policy/v1", "kind": "Policy", "metadata": {"name": "job-size"}, "spec": {"rules": [{"name": "gpus", "resources": {"scope": "job", "max": {"limits": {"nvidia.com/gpu": 32}}}}]}}"#
        let report = Evaluator(
            policies: try PolicyLoader.load(files: [("p.json", Array(policy.utf8))]), today: CalendarDay(year: 2026, month: 12, day: 1)
        ).report(subjects)
        #expect(
            report.findings.map { "\(report.subjects[$0.subjectIndex].role?.label ?? "") \($0.message)" } == [
                "worker gpus: the PyTorchJob ddp limits nvidia.com/gpu to 40 in total (master 1 x 8, worker 4 x 8), above the maximum 32; worker contributes most at /spec/containers/0/resources/limits/nvidia.com~1gpu"
            ])
    }

    @Test func aUserNamedKindIsRead() throws {
        var workloads = WorkloadKinds.builtIn
        workloads.add(try WorkloadKinds.parse("acme.io/Trainer=/spec/runner/template"))
        let outcome = try Self.read(workloads)
        #expect(outcome.unreadPods.isEmpty)
        #expect(outcome.subjects.last.map { "\($0.kind) \($0.source.podPointer)" } == "Trainer /spec/runner/template")
        #expect(throws: InputError.self) { try WorkloadKinds.parse("acme.io/Trainer") }
        #expect(throws: InputError.self) { try WorkloadKinds.parse("acme.io/trainer=/spec/template") }
    }
}

/// Quantities in manifests read as Kubernetes reads them (issue 17; `Quantity.UnmarshalJSON`
/// and go-yaml's plain-scalar resolution).
@Suite("quantities in manifests")
struct ManifestQuantityTests {
    static func requests(_ yamlOrJSON: String) throws -> [String] {
        let outcome = try ManifestReader().read(InputFile(name: "q", bytes: Array(yamlOrJSON.utf8)))
        let list = try #require(outcome.subjects.first?.pod.spec.containers.first?.resources.requests)
        return list.map { "\($0.key)=\($0.value.canonical)" }
    }

    @Test func spacesAreTrimmedAndNullIsZero() throws {
        #expect(
            try Self.requests(
                "apiVersion: v1\nkind: Pod\nspec: {containers: [{name: c, image: x, resources: {requests: {cpu: ' 500m ', memory: ~, ephemeral-storage: }}}]}\n"
            )
                == ["cpu=500m", "memory=0", "ephemeral-storage=0"])
    }

    /// `_1` is a string to go-yaml (a plain scalar's type follows its first character), so
    /// Kubernetes refuses it as a quantity; reading it as 1 was the one fail-open case.
    @Test func anUnderscoreFirstIsNotANumber() throws {
        #expect(throws: InputError.self) {
            try Self.requests("apiVersion: v1\nkind: Pod\nspec: {containers: [{name: c, image: x, resources: {requests: {cpu: _1}}}]}\n")
        }
        #expect(
            try Self.requests("apiVersion: v1\nkind: Pod\nspec: {containers: [{name: c, image: x, resources: {requests: {cpu: 1_000}}}]}\n") == [
                "cpu=1k"
            ])
    }

    @Test func integersAbove2To53AreExact() throws {
        #expect(
            try Self.requests(
                #"{"apiVersion": "v1", "kind": "Pod", "spec": {"containers": [{"name": "c", "image": "x", "resources": {"requests": {"memory": 9007199254740993}}}]}}"#
            )
                == ["memory=9007199254740993"])
    }
}

/// Findings carry the line and column of the offending value (issue 17: they pointed at the
/// document's first line, 14-23 lines away in samples).
@Suite("finding positions")
struct FindingPositionTests {
    static let yaml = """
        # a comment
        apiVersion: v1
        kind: Service
        metadata: {name: s}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: trainer
        spec:
          template:
            spec:
              nodeSelector:
                gpu-type: nvidia-tesla-v100
              containers:
                - name: main
                  image: "nginx:latest"
        """

    @Test func yamlValuesAreLocated() {
        let found = YAMLLocator.positions(
            in: Array(Self.yaml.utf8), wanted: [2: ["/spec/template/spec/nodeSelector/gpu-type", "/spec/template/spec/containers/0/image", "/nope"]])
        #expect(found[2]?["/spec/template/spec/nodeSelector/gpu-type"].map { "\($0.line):\($0.column)" } == "14:19")
        #expect(found[2]?["/spec/template/spec/containers/0/image"].map { "\($0.line):\($0.column)" } == "17:18")
        #expect(found[2]?["/nope"] == nil)
    }

    /// Streams where the events and the tree differ in shape: aliases, merge keys, flow style,
    /// escaped keys, empty and `null` documents, multi-line scalars.
    static let eventShapes: [(yaml: String, wanted: [Int: Set<String>])] = [
        (yaml, [2: ["/spec/template/spec/nodeSelector/gpu-type", "/spec/template/spec/containers/0/image", "/nope", "/kind"]]),
        (
            """
            base: &base {cpu: "1", memory: 1Gi}
            limits:
              <<: *base
              cpu: "2"
            list: [*base, {a: b}]
            """, [1: ["/limits/cpu", "/limits/memory", "/limits/<<", "/list/0", "/list/0/cpu", "/list/1/a", "/base/memory"]]
        ),
        (
            """
            ---
            ---
            null
            ---
            "nvidia.com/gpu": 1
            plain: |
              two
              lines
            after: x
            ---
            - a
            - - b
              - c
            """, [1: ["", "/nvidia.com~1gpu", "/plain", "/after"], 2: ["/1/1", "/0", "/2"], 3: [""]]
        ),
    ]

    @Test(arguments: eventShapes.indices)
    func recordedEventsPlaceWhatASecondParseFinds(_ index: Int) throws {
        let (yaml, wanted) = Self.eventShapes[index]
        var events: YAMLEvents? = YAMLEvents()
        _ = try YAMLReader.documents(Array(yaml.utf8), source: "t.yaml", recording: &events)
        let recorded = try #require(events)
        let parsed = YAMLLocator.positions(in: Array(yaml.utf8), wanted: wanted)
        let replayed = YAMLLocator.positions(in: recorded, wanted: wanted)
        func text(_ found: [Int: [String: (line: Int, column: Int)]]) -> [String] {
            found.flatMap { document, places in places.map { "\(document) \($0.key) \($0.value.line):\($0.value.column)" } }.sorted()
        }
        #expect(!text(parsed).isEmpty)
        #expect(text(replayed) == text(parsed))
    }

    @Test func jsonValuesAreLocatedInListsAndSequences() {
        let json = """
            [{"kind": "Pod", "spec": {"containers": [{"name": "a", "image": "x"}]}},
             {"kind": "Pod", "spec": {"containers": [{"name": "b\\u00e9", "image": "y"},
                                                     {"name": "c", "image": "z"}]}}]
            {"kind": "Pod", "spec": {"nodeSelector": {"k~/": "v"}}}
            """
        let found = JSONLocator.positions(
            in: Array(json.utf8),
            wanted: [
                2: ["/spec/containers/1/image", "/spec/containers/0/name"], 3: ["/spec/nodeSelector/k~0~1"],
            ])
        #expect(found[2]?["/spec/containers/1/image"].map { "\($0.line):\($0.column)" } == "3:65")
        #expect(found[2]?["/spec/containers/0/name"].map { "\($0.line):\($0.column)" } == "2:51")
        #expect(found[3]?["/spec/nodeSelector/k~0~1"].map { "\($0.line):\($0.column)" } == "4:50")
    }

    /// Values below which nothing is wanted are passed by brackets and strings alone: brackets
    /// and escaped quotes inside their strings must not move what comes after.
    @Test func jsonValuesAfterSkippedOnesAreLocated() {
        let json = """
            {"metadata": {"annotations": {"a": "x]}\\"{[", "b": ["[", {"c": "}"}]}},
             "spec": {"containers": [{"name": "a", "env": [{"name": "E", "value": "]]"}], "image": "x"}],
                      "nodeSelector": {"k": "v"}}}
            """
        let found = JSONLocator.positions(in: Array(json.utf8), wanted: [1: ["/spec/nodeSelector/k", "/spec/containers/0/image", "/metadata"]])
        #expect(found[1]?["/spec/nodeSelector/k"].map { "\($0.line):\($0.column)" } == "3:33")
        #expect(found[1]?["/spec/containers/0/image"].map { "\($0.line):\($0.column)" } == "2:88")
        #expect(found[1]?["/metadata"].map { "\($0.line):\($0.column)" } == "1:14")
    }

    /// A missing value is placed at its nearest written parent.
    @Test func reportsCarryThePosition() throws {
        let file = InputFile(name: "deploy.yaml", bytes: Array(Self.yaml.utf8))
        let outcome = try ManifestReader().read(file)
        let policy =
            #"{"apiVersion": "flyte-policy/v1", "kind": "Policy", "metadata": {"name": "p"}, "spec": {"rules": [{"name": "pools", "nodeSelector": {"allowed": {"gpu-type": ["nvidia-a100"]}}}, {"name": "limits", "resources": {"require": ["limits.cpu"]}}]}}"#
        var report = Evaluator(
            policies: try PolicyLoader.load(files: [("p.json", Array(policy.utf8))]), today: CalendarDay(year: 2026, month: 12, day: 1)
        )
        .report(outcome.subjects)
        FindingLocator.locate(&report) { $0 == "deploy.yaml" ? file.bytes.array : nil }
        #expect(
            report.findings.map { "\($0.path) \($0.position?.description ?? "-")" } == [
                "/spec/nodeSelector/gpu-type 14:19",
                "/spec/containers/0/resources/limits 16:11",
            ])
    }
}
