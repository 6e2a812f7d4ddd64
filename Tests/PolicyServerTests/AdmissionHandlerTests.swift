import PolicyCore
import PolicyIO
import PolicyJSON
import Testing

@testable import PolicyServer

@Suite struct AdmissionHandlerTests {
    let handler = AdmissionHandler()
    typealias F = AdmissionFixtures

    func decide(_ body: [UInt8], exceptions: Bool = false, onError: OnError = .deny) throws -> AdmissionDecision {
        try AdmissionHandler(onError: onError).handle(body: body, policies: F.policies(exceptions: exceptions), today: F.today)
    }

    @Test func deniesWarnsAndAuditsOnePod() throws {
        let decision = try decide(F.review(F.pod(cpuRequest: nil)))
        #expect(decision.verdict == .deny)
        #expect(decision.response.status == .ok)
        let response = try F.response(decision)
        #expect(response.object?["uid"]?.string == "705ab4f5-6393-11e8-b7cc-42010a800002")
        #expect(response.object?["allowed"]?.bool == false)
        let status = try #require(response.object?["status"]?.object)
        #expect(status["code"] == .integer(403))
        #expect(status["reason"]?.string == "Forbidden")
        #expect(
            status["message"]?.string
                == "flyte-policy denied ml-production/a7xk2m9qpl4rtz8vbn3c-n2-0: [gpu-node-pools/approved-gpu-types] approved-gpu-types: node selector gpu-type=nvidia-tesla-v100 is not allowed (allowed: nvidia-a100) at /spec/nodeSelector/gpu-type"
        )
        let warnings = response.object?["warnings"]?.array?.compactMap(\.string) ?? []
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("[requests-required/cpu-request]") == true)
        let audits = try #require(response.object?["auditAnnotations"]?.object)
        #expect(audits.keys == ["image-audit.registry"])
        #expect(audits["image-audit.registry"]?.string?.contains("docker.io/acme/ml:1.0") == true)
        // The identity came from propeller's labels.
        #expect(decision.flyte?.workflow == "demo-workflows-training-wf")
        #expect(decision.flyte?.namesAreLabelValues == true)
    }

    @Test func allowsACompliantPodWithNothingToSay() throws {
        let decision = try decide(F.review(F.pod(gpuType: "nvidia-a100", image: "ghcr.io/acme/ml:1.0")))
        #expect(decision.verdict == .allow)
        let response = try F.response(decision)
        #expect(response.object?["allowed"]?.bool == true)
        #expect(response.object?["status"] == nil)
        #expect(response.object?["warnings"] == nil)
        #expect(response.object?["auditAnnotations"] == nil)
    }

    /// `match: {workflows: ["demo.workflows.*"]}` is written with Flyte names; the pod label is
    /// `demo-workflows-training-wf`. Without sanitized matching the policy would silently not apply.
    @Test func flyteNamesInPoliciesMatchSanitizedLabels() throws {
        var pod = F.pod(image: "ghcr.io/acme/ml:1.0")
        if case .object(var root) = pod, case .object(var metadata)? = root["metadata"], case .object(var labels)? = metadata["labels"] {
            labels["workflow-name"] = "other-pipeline-wf"
            metadata["labels"] = .object(labels)
            root["metadata"] = .object(metadata)
            pod = .object(root)
        }
        #expect(try decide(F.review(pod)).verdict == .allow)
        #expect(try decide(F.review(F.pod())).verdict == .deny)
    }

    @Test func exceptedFindingsAdmitWithAWarning() throws {
        let decision = try decide(F.review(F.pod(task: "demo-workflows-train-legacy", image: "ghcr.io/acme/ml:1.0")), exceptions: true)
        #expect(decision.verdict == .allow)
        let warnings = try F.response(decision).object?["warnings"]?.array?.compactMap(\.string) ?? []
        #expect(warnings.count == 1)
        #expect(warnings.first?.hasPrefix("excepted by legacy-trainer: [gpu-node-pools/approved-gpu-types]") == true)
        #expect(warnings.allSatisfy { $0.count <= AdmissionHandler.maxWarningLength })
    }

    @Test func dryRunIsEvaluatedTheSameWay() throws {
        let live = try decide(F.review(F.pod()))
        let dry = try decide(F.review(F.pod(), dryRun: true))
        #expect(dry.verdict == .deny)
        #expect(dry.dryRun)
        #expect(try F.response(dry).object?["status"] == F.response(live).object?["status"])
    }

    @Test func v1beta1IsAnsweredInV1beta1() throws {
        let decision = try decide(F.review(F.pod(), version: "admission.k8s.io/v1beta1"))
        let root = try JSONDocument.parse(decision.response.body, source: "response").rootNode
        #expect(root["apiVersion"]?.string == "admission.k8s.io/v1beta1")
        #expect(root["kind"]?.string == "AdmissionReview")
        #expect(root["response"]?["allowed"]?.bool == false)
    }

    static let invalidBodies: [(String, String)] = [
        ("{bad", "the request body is not valid JSON: line 1, column"),
        ("[]", "the body is JSON an array, not an AdmissionReview object"),
        ("{\"kind\":\"Pod\",\"apiVersion\":\"v1\"}", "the body's 'kind' is \"Pod\", expected \"AdmissionReview\""),
        ("{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v2\"}", "the body's 'apiVersion' is \"admission.k8s.io/v2\"; supported"),
        ("{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\"}", "the AdmissionReview has no 'request' object"),
        (
            "{\"kind\":\"AdmissionReview\",\"apiVersion\":\"admission.k8s.io/v1\",\"request\":{\"uid\":7}}",
            "the AdmissionReview request has no 'uid' string"
        ),
        ("", "the request body is not valid JSON"),
    ]

    @Test(arguments: invalidBodies)
    func notAnAdmissionReviewIs400(body: String, message: String) throws {
        let decision = try decide(Array(body.utf8))
        #expect(decision.verdict == .invalid)
        #expect(decision.response.status == .badRequest)
        let error = try JSONDocument.parse(decision.response.body, source: "response").rootNode["error"]?.string ?? ""
        #expect(error.hasPrefix(message), "\(error)")
    }

    /// A malformed quantity cannot be evaluated: denied, saying why, unless --on-error allow.
    @Test func unevaluableObjectsFailClosed() throws {
        let body = F.review(F.pod(memoryLimit: "16 gigs"))
        let closed = try decide(body)
        #expect(closed.verdict == .deny)
        let message = try F.response(closed).object?["status"]?.object?["message"]?.string ?? ""
        #expect(message.contains("cannot be evaluated"))
        #expect(message.contains("/spec/containers/0/resources/limits/memory"))
        #expect(message.contains("--on-error"))

        let open = try decide(body, onError: .allow)
        #expect(open.verdict == .allow)
        let warnings = try F.response(open).object?["warnings"]?.array?.compactMap(\.string) ?? []
        #expect(warnings.first?.hasPrefix("not checked by flyte-policy: the Pod cannot be evaluated") == true)
        #expect(open.error != nil)
    }

    @Test func aCreateWithoutAnObjectFailsClosed() throws {
        #expect(try decide(F.review(nil)).verdict == .deny)
    }

    @Test func deleteAndPodlessKindsAreAdmittedUnchecked() throws {
        #expect(try decide(F.review(nil, operation: "DELETE")).verdict == .allow)
        let configMap: JSONValue = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "x"], "data": ["a": "b"]]
        #expect(try decide(F.review(configMap, kind: "ConfigMap")).verdict == .allow)
    }

    /// PodTemplates (the defaults Flyte uses) and workloads are checked through their template.
    @Test func podTemplatesAndWorkloadsAreCheckedThroughTheirTemplate() throws {
        guard case .object(let pod) = F.pod() else { return }
        let template: JSONValue = ["metadata": pod["metadata"] ?? .null, "spec": pod["spec"] ?? .null]
        let podTemplate: JSONValue = [
            "apiVersion": "v1", "kind": "PodTemplate", "metadata": ["name": "gpu-default", "namespace": "flyte"], "template": template,
        ]
        #expect(try decide(F.review(podTemplate, kind: "PodTemplate")).verdict == .deny)
        let job: JSONValue = ["apiVersion": "batch/v1", "kind": "Job", "metadata": ["name": "j"], "spec": ["template": template]]
        #expect(try decide(F.review(job, kind: "Job")).verdict == .deny)
    }

    /// An update must not be blocked by a violation the pod already had (propeller removing its
    /// finalizer after a policy was tightened); a violation the update introduces is denied.
    @Test func updatesDenyOnlyWhatTheyIntroduce() throws {
        let unchanged = try decide(F.review(F.pod(), operation: "UPDATE", oldObject: F.pod()))
        #expect(unchanged.verdict == .allow)
        let warnings = try F.response(unchanged).object?["warnings"]?.array?.compactMap(\.string) ?? []
        #expect(warnings.contains { $0.hasPrefix("already present before this update: [gpu-node-pools/approved-gpu-types]") })

        let introduced = try decide(F.review(F.pod(), operation: "UPDATE", oldObject: F.pod(gpuType: "nvidia-a100")))
        #expect(introduced.verdict == .deny)
    }

    @Test func warningsAreCappedInLengthAndNumber() {
        var handler = AdmissionHandler()
        handler.maxWarnings = 3
        let long = String(repeating: "x", count: 300)
        let shown = handler.shortened([long, "b", "c", "d", "e"])
        #expect(shown.count == 3)
        #expect(shown[0].count == 120)
        #expect(shown[0].hasSuffix("..."))
        #expect(shown[2] == "flyte-policy: 3 more warnings not shown")
        #expect(handler.shortened(["a", "b", "c"]) == ["a", "b", "c"])
    }

    /// The Pod Security Standards decide at admission as in CI: a pod with a privileged init
    /// container is refused by the baseline level.
    @Test func podSecurityStandardsApplyAtAdmission() throws {
        let folder = AdmissionFixtures.root.appendingPathComponent("policies/pod-security/baseline").path
        let policies = try PolicyFiles.load([folder])
        let pod: JSONValue = [
            "apiVersion": "v1", "kind": "Pod", "metadata": ["name": "p", "namespace": "ml-production"],
            "spec": [
                "initContainers": [["name": "tune", "image": "busybox", "securityContext": ["privileged": true]]],
                "containers": [["name": "main", "image": "x"]],
            ],
        ]
        let decision = AdmissionHandler().handle(body: F.review(pod), policies: policies, today: F.today)
        #expect(decision.verdict == .deny)
        let message = try F.response(decision).object?["status"]?["message"]?.string ?? ""
        #expect(message.contains("[pod-security-baseline/privileged]"), "\(message)")
    }
}
