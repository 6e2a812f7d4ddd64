import Testing

@testable import PolicyCore

@Suite("Toleration matching follows Kubernetes")
struct TolerationMatchingTests {
    static let cases: [(Toleration, Taint, Bool)] = [
        (
            Toleration(key: "gpu", operator: "Equal", value: "true", effect: "NoSchedule"), Taint(key: "gpu", value: "true", effect: "NoSchedule"),
            true
        ),
        // Equal is the default operator.
        (Toleration(key: "gpu", value: "true", effect: "NoSchedule"), Taint(key: "gpu", value: "true", effect: "NoSchedule"), true),
        (
            Toleration(key: "gpu", operator: "Equal", value: "preemptible", effect: "NoSchedule"),
            Taint(key: "gpu", value: "true", effect: "NoSchedule"), false
        ),
        (Toleration(key: "gpu", operator: "Exists", effect: "NoSchedule"), Taint(key: "gpu", value: "anything", effect: "NoSchedule"), true),
        // An empty effect tolerates every effect.
        (Toleration(key: "gpu", operator: "Equal", value: "true"), Taint(key: "gpu", value: "true", effect: "NoExecute"), true),
        (
            Toleration(key: "gpu", operator: "Equal", value: "true", effect: "NoExecute"), Taint(key: "gpu", value: "true", effect: "NoSchedule"),
            false
        ),
        (Toleration(operator: "Exists"), Taint(key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule"), true),  // tolerate everything
        (Toleration(operator: "Exists", effect: "NoSchedule"), Taint(key: "x", effect: "NoExecute"), false),
        (Toleration(key: "other", operator: "Exists"), Taint(key: "gpu", effect: "NoSchedule"), false),
        (Toleration(key: "gpu", operator: "Bogus", value: "true"), Taint(key: "gpu", value: "true", effect: "NoSchedule"), false),
    ]

    @Test(arguments: cases)
    func tolerates(toleration: Toleration, taint: Taint, expected: Bool) {
        #expect(toleration.tolerates(taint) == expected)
    }
}

@Suite("nodeSelector check")
struct NodeSelectorCheckTests {
    static let rule = #""nodeSelector": {"required": ["gpu-type"], "allowed": {"gpu-type": ["nvidia-a100", "nvidia-h100*"]}}"#

    @Test("a disallowed nodeSelector value is reported at its pointer")
    func disallowedSelector() throws {
        let findings = try Fixtures.findings(policy: Fixtures.policy(rule: Self.rule), pod: Fixtures.gpuPodV100)
        #expect(findings.map(\.path) == ["/spec/nodeSelector/gpu-type"])
        #expect(findings.first?.message.contains("nvidia-tesla-v100") == true)
    }

    @Test("an allowed value written as required node affinity passes")
    func affinityPasses() throws {
        #expect(try Fixtures.findings(policy: Fixtures.policy(rule: Self.rule), pod: Fixtures.gpuPodA100Affinity).isEmpty)
    }

    static let affinityCases: [(String, [String])] = [
        // One term pins an allowed value, the other is unconstrained: the pod can run anywhere.
        (
            #"[{"matchExpressions": [{"key": "gpu-type", "operator": "In", "values": ["nvidia-a100"]}]}, {"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]}]"#,
            ["/spec/nodeSelector"]
        ),
        // In with one allowed and one disallowed value.
        (
            #"[{"matchExpressions": [{"key": "gpu-type", "operator": "In", "values": ["nvidia-h100-80gb", "nvidia-t4"]}]}]"#,
            ["/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchExpressions/0/values/1"]
        ),
        // NotIn and Exists do not pin the value.
        (
            #"[{"matchExpressions": [{"key": "gpu-type", "operator": "NotIn", "values": ["nvidia-t4"]}]}]"#,
            [
                "/spec/nodeSelector",
                "/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchExpressions/0",
            ]
        ),
        (
            #"[{"matchExpressions": [{"key": "gpu-type", "operator": "Exists"}]}]"#,
            [
                "/spec/nodeSelector",
                "/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/0/matchExpressions/0",
            ]
        ),
        // Both terms pin allowed values.
        (
            #"[{"matchExpressions": [{"key": "gpu-type", "operator": "In", "values": ["nvidia-a100"]}]}, {"matchExpressions": [{"key": "gpu-type", "operator": "In", "values": ["nvidia-h100"]}]}]"#,
            []
        ),
    ]

    @Test("required node affinity terms are ORed", arguments: affinityCases)
    func affinity(terms: String, paths: [String]) throws {
        let pod = """
            {"spec": {"affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": \(terms)}}},
                      "containers": [{"name": "c", "image": "x", "resources": {"limits": {"nvidia.com/gpu": 1}}}]}}
            """
        let findings = try Fixtures.findings(policy: Fixtures.policy(rule: Self.rule), pod: pod)
        #expect(findings.map(\.path.description) == paths)
    }

    @Test("forbidden and allowedKeys look at selecting keys")
    func keys() throws {
        let rule =
            #""nodeSelector": {"forbidden": ["node-role.kubernetes.io/*"], "allowedKeys": ["gpu-type", "node-role.kubernetes.io/*", "topology.kubernetes.io/zone"]}"#
        let pod = """
            {"spec": {"nodeSelector": {"node-role.kubernetes.io/control-plane": "", "team": "a"},
                      "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [
                        {"matchExpressions": [{"key": "node-role.kubernetes.io/master", "operator": "DoesNotExist"}]}]}}},
                      "containers": [{"name": "c", "image": "x"}]}}
            """
        let findings = try Fixtures.findings(policy: Fixtures.policy(rule: rule), pod: pod)
        #expect(findings.map(\.path) == ["/spec/nodeSelector/node-role.kubernetes.io~1control-plane", "/spec/nodeSelector/team"])
    }
}

@Suite("tolerations check")
struct TolerationsCheckTests {
    @Test("a required taint that no toleration tolerates is reported")
    func required() throws {
        let rule = #""tolerations": {"required": [{"key": "gpu", "value": "true", "effect": "NoSchedule"}]}"#
        #expect(try Fixtures.findings(policy: Fixtures.policy(rule: rule), pod: Fixtures.gpuPodV100).isEmpty)
        let findings = try Fixtures.findings(policy: Fixtures.policy(rule: rule), pod: Fixtures.gpuPodA100Affinity)
        #expect(findings.map(\.path) == ["/spec/tolerations"])
        #expect(findings.first?.message.contains("gpu=preemptible:NoSchedule") == true)
    }

    static let patternCases: [(String, String, Bool)] = [
        (#"{"wildcard": true}"#, #"{"operator": "Exists"}"#, true),
        (#"{"wildcard": true}"#, #"{"key": "gpu", "operator": "Exists"}"#, false),
        (#"{"key": "gpu"}"#, #"{"key": "gpu", "value": "true", "effect": "NoSchedule"}"#, true),
        (#"{"key": "gpu", "value": "pre*"}"#, #"{"key": "gpu", "value": "preemptible", "effect": "NoSchedule"}"#, true),
        (#"{"key": "gpu", "value": "pre*"}"#, #"{"key": "gpu", "value": "true"}"#, false),
        (#"{"operator": "Equal"}"#, #"{"key": "gpu", "value": "true"}"#, true),  // Equal is the default
        (#"{"effect": "NoSchedule"}"#, #"{"key": "gpu", "operator": "Exists"}"#, false),
        (
            #"{"key": "node.kubernetes.io/*", "effect": "NoExecute"}"#,
            #"{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300}"#, true
        ),
    ]

    @Test("forbidden patterns match field by field", arguments: patternCases)
    func forbidden(pattern: String, toleration: String, matches: Bool) throws {
        let rule = #""tolerations": {"forbidden": [\#(pattern)]}"#
        let pod = #"{"spec": {"tolerations": [\#(toleration)], "containers": [{"name": "c", "image": "x"}]}}"#
        let findings = try Fixtures.findings(policy: Fixtures.policy(rule: rule), pod: pod)
        #expect(findings.map(\.path) == (matches ? ["/spec/tolerations/0"] : []))
    }

    @Test("every toleration must match an allowed pattern")
    func allowed() throws {
        let rule = #""tolerations": {"allowed": [{"key": "gpu", "value": "true"}, {"key": "spot"}]}"#
        let pod =
            #"{"spec": {"tolerations": [{"key": "gpu", "value": "true"}, {"key": "gpu", "value": "x"}, {"key": "spot", "operator": "Exists"}], "containers": [{"name": "c"}]}}"#
        let findings = try Fixtures.findings(policy: Fixtures.policy(rule: rule), pod: pod)
        #expect(findings.map(\.path) == ["/spec/tolerations/1"])
    }
}

@Suite("resources check")
struct ResourcesCheckTests {
    static let pod = """
        {"spec": {
          "initContainers": [
            {"name": "fetch", "resources": {"requests": {"cpu": "6", "memory": "1Gi"}, "limits": {"cpu": "6", "memory": "1Gi"}}},
            {"name": "proxy", "restartPolicy": "Always", "resources": {"requests": {"cpu": "500m", "memory": "256Mi"}, "limits": {"memory": "256Mi"}}}
          ],
          "containers": [
            {"name": "primary", "resources": {"requests": {"cpu": "2", "memory": "8Gi"}, "limits": {"cpu": "4", "memory": "16Gi", "nvidia.com/gpu": "1"}}},
            {"name": "sidecar", "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}, "limits": {"cpu": "200m", "memory": "256Mi"}}}
          ],
          "overhead": {"cpu": "250m"}}}
        """

    static let cases: [(String, [String])] = [
        (#"{"max": {"limits": {"memory": "8Gi"}}}"#, ["/spec/containers/0/resources/limits/memory"]),
        (#"{"max": {"limits": {"memory": "16Gi"}}}"#, []),
        (#"{"max": {"limits": {"memory": "16384Mi"}}}"#, []),  // 16Gi == 16384Mi exactly
        (#"{"max": {"limits": {"cpu": "8"}}}"#, ["/spec/initContainers/1/resources/limits/cpu"]),  // the sidecar has no cpu limit: unbounded
        (#"{"max": {"requests": {"nvidia.com/gpu": 0}}}"#, ["/spec/containers/0/resources/limits/nvidia.com~1gpu"]),  // request defaults to the limit
        (#"{"max": {"limits": {"nvidia.com/gpu": 1}}}"#, []),  // a missing GPU limit means none, not unbounded
        (#"{"min": {"requests": {"cpu": "200m"}}}"#, ["/spec/containers/1/resources/requests/cpu"]),
        (#"{"containers": "primary", "min": {"requests": {"cpu": "200m"}}}"#, []),
        (#"{"containers": ["side*"], "max": {"requests": {"cpu": "50m"}}}"#, ["/spec/containers/1/resources/requests/cpu"]),
        (#"{"initContainers": false, "require": ["limits.cpu"]}"#, []),
        (#"{"require": ["limits.cpu"]}"#, ["/spec/initContainers/1/resources/limits"]),
        (#"{"maxLimitRequestRatio": {"memory": 2}}"#, []),
        (
            #"{"maxLimitRequestRatio": {"memory": 1.5}}"#,
            ["/spec/containers/0/resources/limits/memory", "/spec/containers/1/resources/limits/memory"]
        ),
        (#"{"maxLimitRequestRatio": {"cpu": 2}}"#, ["/spec/initContainers/1/resources/limits/cpu"]),
        // Pod scope: requests = max(6 + 0.5 (sidecar before it? no: after), 2 + 0.1 + 0.5) + 0.25 overhead.
        (#"{"scope": "pod", "max": {"requests": {"cpu": "6250m"}}}"#, []),
        (#"{"scope": "pod", "max": {"requests": {"cpu": "6249m"}}}"#, ["/spec"]),
        (#"{"scope": "pod", "max": {"limits": {"memory": "100Gi"}}}"#, []),
        (#"{"scope": "pod", "max": {"limits": {"cpu": "100"}}}"#, ["/spec"]),  // the sidecar has no cpu limit
    ]

    @Test("container and pod scope", arguments: cases)
    func resources(check: String, paths: [String]) throws {
        let findings = try Fixtures.findings(policy: Fixtures.policy(rule: #""resources": \#(check)"#), pod: Self.pod)
        #expect(findings.map(\.path.description) == paths)
    }

    /// The words are made when read: each names the amount as written, the bound and who.
    static let explanations: [(check: String, detail: String, value: String?, allowed: String?)] = [
        (#"{"max": {"limits": {"memory": "8Gi"}}}"#, "container 'primary' limits memory to 16Gi, above the maximum 8Gi", "16Gi", "<= 8Gi"),
        (#"{"max": {"requests": {"cpu": "3"}}}"#, "container 'fetch' requests 6 of cpu, above the maximum 3", "6", "<= 3"),
        (#"{"initContainers": false, "max": {"limits": {"cpu": "8"}}, "containers": ["primary"]}"#, "", nil, nil),
        (
            #"{"containers": ["proxy"], "max": {"limits": {"cpu": "8"}}}"#, "container 'proxy' has no cpu limit (unbounded); the maximum is 8",
            "unbounded", "<= 8"
        ),
        (
            #"{"containers": ["sidecar"], "min": {"requests": {"cpu": "200m"}}}"#, "container 'sidecar' requests 100m of cpu, below the minimum 200m",
            "100m", ">= 200m"
        ),
        (
            #"{"containers": ["sidecar"], "min": {"requests": {"ephemeral-storage": "1Gi"}}}"#,
            "container 'sidecar' requests nothing of ephemeral-storage, below the minimum 1Gi", "nothing", ">= 1Gi"
        ),
        (
            #"{"containers": ["sidecar"], "min": {"limits": {"memory": "1Gi"}}}"#,
            "container 'sidecar' limits memory to 256Mi, below the minimum 1Gi", "256Mi", ">= 1Gi"
        ),
        (#"{"containers": ["proxy"], "require": ["limits.cpu"]}"#, "container 'proxy' must set limits.cpu", nil, "limits.cpu"),
        (
            #"{"containers": ["primary"], "maxLimitRequestRatio": {"memory": 1.5}}"#,
            "container 'primary' limits memory to 16Gi for a request of 8Gi, a ratio above 1.5", "16Gi/8Gi", "<= 1.5"
        ),
        (#"{"scope": "pod", "max": {"requests": {"cpu": "6"}}}"#, "the pod requests 6250m of cpu, above the maximum 6", "6250m", "<= 6"),
    ]

    @Test(arguments: explanations)
    func explanation(_ example: (check: String, detail: String, value: String?, allowed: String?)) throws {
        let subject = try Fixtures.subject(Self.pod)
        let set = try Fixtures.policies(Fixtures.policy(rule: #""resources": \#(example.check)"#))
        let violations = try #require(set.policies.first?.rules.first).check.evaluate(subject)
        guard !example.detail.isEmpty else {
            #expect(violations.isEmpty)
            return
        }
        try #require(violations.count == 1)
        #expect(violations[0].detail == example.detail)
        #expect(violations[0].value == example.value)
        #expect(violations[0].allowed == example.allowed)
    }

    @Test("requests within limits")
    func withinLimits() throws {
        let pod = #"{"spec": {"containers": [{"name": "c", "resources": {"requests": {"cpu": "2"}, "limits": {"cpu": "1500m"}}}]}}"#
        let findings = try Fixtures.findings(policy: Fixtures.policy(rule: #""resources": {"requestsWithinLimits": true}"#), pod: pod)
        #expect(findings.map(\.path) == ["/spec/containers/0/resources/requests/cpu"])
    }

    @Test("a malformed quantity in a pod is an error with its path, never a pass")
    func malformedPodQuantity() {
        let pod = #"{"spec": {"containers": [{"name": "c", "resources": {"limits": {"memory": "16 GiB"}}}]}}"#
        #expect {
            _ = try Fixtures.subject(pod)
        } throws: { error in
            (error as? PodDecodingError)?.pointer == "/spec/containers/0/resources/limits/memory"
        }
    }
}

@Suite("images check")
struct ImagesCheckTests {
    static let cases: [(String, String, Int)] = [
        ("ghcr.io/acme/ml:1.0", #"{"allowedRegistries": ["ghcr.io/acme"]}"#, 0),
        ("ghcr.io/acme-evil/ml:1.0", #"{"allowedRegistries": ["ghcr.io/acme"]}"#, 1),
        ("ghcr.io/acme/team/ml:1.0", #"{"allowedRegistries": ["ghcr.io/acme/*"]}"#, 0),
        ("nginx", #"{"allowedRegistries": ["docker.io/library"]}"#, 0),
        ("nginx", #"{"forbiddenTags": ["latest"]}"#, 1),
        ("nginx:latest", #"{"forbiddenTags": ["latest"]}"#, 1),
        ("nginx@sha256:abc", #"{"forbiddenTags": ["latest"]}"#, 0),
        ("localhost:5000/ml:dev", #"{"allowedRegistries": ["localhost:5000"], "forbiddenTags": ["dev*"]}"#, 1),
        ("ghcr.io/acme/ml:1.0", #"{"requireDigest": true}"#, 1),
        ("ghcr.io/acme/ml:1.0@sha256:0123", #"{"requireDigest": true}"#, 0),
    ]

    @Test(arguments: cases)
    func images(image: String, check: String, count: Int) throws {
        let pod = #"{"spec": {"containers": [{"name": "c", "image": "\#(image)"}]}}"#
        let findings = try Fixtures.findings(policy: Fixtures.policy(rule: #""images": \#(check)"#), pod: pod)
        #expect(findings.count == count)
        #expect(findings.allSatisfy { $0.path == "/spec/containers/0/image" && $0.container == "c" })
    }

    /// The words are made when read, from the container the violation keeps: each problem must
    /// still name the image, the offending value and what was allowed.
    static let explanations: [(image: String?, check: String, detail: String, value: String?, allowed: String?)] = [
        (nil, #"{"requireDigest": true}"#, "container 'c' has no image", nil, nil),
        ("ghcr.io//ml", #"{"requireDigest": true}"#, "container 'c' has the malformed image reference 'ghcr.io//ml'", "ghcr.io//ml", nil),
        (
            "quay.io/x/ml:1", #"{"allowedRegistries": ["ghcr.io/acme", "cr.flyte.org/*"]}"#,
            "image quay.io/x/ml:1 is not from an approved registry (allowed: ghcr.io/acme, cr.flyte.org/*)", "quay.io/x/ml:1",
            "ghcr.io/acme, cr.flyte.org/*"
        ),
        ("nginx", #"{"forbiddenTags": ["latest"]}"#, "image nginx uses the forbidden tag 'latest' (no tag means latest)", "latest", nil),
        ("nginx:dev-3", #"{"forbiddenTags": ["dev*"]}"#, "image nginx:dev-3 uses the forbidden tag 'dev-3'", "dev-3", nil),
        (
            "ghcr.io/acme/ml:1.0", #"{"requireDigest": true}"#, "image ghcr.io/acme/ml:1.0 is not pinned by digest (@sha256:...)",
            "ghcr.io/acme/ml:1.0", "name@sha256:<digest>"
        ),
    ]

    @Test(arguments: explanations)
    func explanation(_ example: (image: String?, check: String, detail: String, value: String?, allowed: String?)) throws {
        let image = example.image.map { #", "image": "\#($0)""# } ?? ""
        let pod =
            #"{"spec": {"initContainers": [{"name": "setup", "image": "ghcr.io/acme/setup@sha256:00"}], "containers": [{"name": "c"\#(image)}]}}"#
        let subject = try Fixtures.subject(pod)
        let set = try Fixtures.policies(Fixtures.policy(rule: #""images": \#(example.check)"#))
        let violations = try #require(set.policies.first?.rules.first).check.evaluate(subject)
        try #require(violations.count == 1)
        #expect(violations[0].path == "/spec/containers/0/image")
        #expect(violations[0].container == "c")
        #expect(violations[0].detail == example.detail)
        #expect(violations[0].value == example.value)
        #expect(violations[0].allowed == example.allowed)
    }

    @Test("image references normalize like the container runtime")
    func references() {
        #expect(ImageReference("nginx")?.name == "docker.io/library/nginx")
        #expect(ImageReference("nginx")?.registry == "docker.io")
        #expect(ImageReference("nginx")?.repository == "library/nginx")
        #expect(ImageReference("ghcr.io/acme/team/ml:1@sha256:ab")?.repository == "acme/team/ml")
        #expect(ImageReference("ghcr.io/acme/team/ml:1@sha256:ab")?.tag == "1")
        #expect(ImageReference("ghcr.io/acme/team/ml:1@sha256:ab")?.digest == "sha256:ab")
        #expect(ImageReference("envoyproxy/envoy:v1.29")?.name == "docker.io/envoyproxy/envoy")
        #expect(ImageReference("localhost:5000/a/b:1")?.registry == "localhost:5000")
        #expect(ImageReference("ghcr.io/acme/ml")?.effectiveTag == "latest")
        #expect(ImageReference("a//b") == nil)
        #expect(ImageReference("/a/b") == nil)
        #expect(ImageReference("a/b/") == nil)
        #expect(ImageReference("ghcr.io/acme/") == nil)
        #expect(ImageReference("nginx:") == nil)
        #expect(ImageReference("nginx@sha256") == nil)
        let pinned = ImageReference("localhost:5000/team/app:2.1@sha256:abc")
        #expect(pinned?.registry == "localhost:5000")
        #expect(pinned?.repository == "team/app")
        #expect(pinned?.tag == "2.1")
        #expect(pinned?.digest == "sha256:abc")
        #expect(ImageReference("quay.io/x@sha256:def")?.effectiveTag == nil)
        #expect(ImageReference("library/python:3.12")?.name == "docker.io/library/python")
        #expect(ImageReference("has space") == nil)
    }

    /// Containers share their fields' storage; setting one must not reach other copies.
    @Test("a container copy is an independent value, and setting the image parses it again")
    func containerCopies() {
        let original = Container(name: "main", image: "ghcr.io/acme/ml:1.0", kind: .initContainer, index: 2)
        var changed = original
        changed.image = "python"
        changed.name = "renamed"
        changed.restartPolicy = "Always"
        #expect(original.name == "main")
        #expect(original.image == "ghcr.io/acme/ml:1.0")
        #expect(original.imageReference?.tag == "1.0")
        #expect(!original.isSidecar)
        #expect(changed.name == "renamed")
        #expect(changed.imageReference?.name == "docker.io/library/python")
        #expect(changed.imageReference?.effectiveTag == "latest")
        #expect(changed.isSidecar)
        #expect(changed.pointer == "/spec/initContainers/2")
        changed.image = "bad image"
        #expect(changed.imageReference == nil)
    }
}

@Suite("assert check")
struct AssertCheckTests {
    static let pod = """
        {"metadata": {"labels": {"app.kubernetes.io/name": "trainer"}},
         "spec": {"hostNetwork": false,
                  "containers": [{"name": "a", "securityContext": {"privileged": true}, "resources": {"limits": {"memory": "4Gi"}}},
                                 {"name": "b", "resources": {"limits": {"memory": "64Gi"}}}]}}
        """

    static let cases: [(String, [String])] = [
        (
            #"{"path": "spec.containers[*].securityContext.privileged", "op": "notEquals", "value": true}"#,
            ["/spec/containers/0/securityContext/privileged"]
        ),
        (#"{"path": "pod.spec.hostNetwork", "op": "equals", "value": false}"#, []),
        (#"{"path": "spec.containers[*].securityContext", "op": "exists"}"#, ["/spec/containers/1/securityContext"]),
        (#"{"path": "spec.containers[*].securityContext", "op": "exists", "quantifier": "any"}"#, []),
        (#"{"path": "spec.dnsPolicy", "op": "exists"}"#, ["/spec/dnsPolicy"]),
        (#"{"path": "spec.dnsPolicy", "op": "equals", "value": "Default"}"#, []),
        (#"{"path": "spec.dnsPolicy", "op": "equals", "value": "Default", "required": true}"#, ["/spec/dnsPolicy"]),
        (
            #"{"path": "spec.containers[*].resources.limits.memory", "op": "lessOrEqual", "value": "32Gi"}"#,
            ["/spec/containers/1/resources/limits/memory"]
        ),
        (#"{"path": "spec.containers[*].resources.limits.memory", "op": "greaterOrEqual", "value": "4096Mi"}"#, []),
        (#"{"path": "spec.containers[*].name", "op": "in", "value": ["a", "b"]}"#, []),
        (#"{"path": "spec.containers[*].name", "op": "notIn", "value": ["b"]}"#, ["/spec/containers/1/name"]),
        (#"{"path": "spec.containers[*].name", "op": "matches", "value": "[a-z]+(-[a-z0-9]+)*"}"#, []),
        (#"{"path": "spec.containers[0].name", "op": "matches", "value": "b|c"}"#, ["/spec/containers/0/name"]),
        (#"{"path": "metadata.labels['app.kubernetes.io/name']", "op": "glob", "value": "train*"}"#, []),
        (#"{"path": "spec.containers[*].securityContext.privileged", "op": "absent"}"#, ["/spec/containers/0/securityContext/privileged"]),
        // The Flyte identity is not in the pod: a finding about it is about the whole pod.
        (#"{"path": "flyte.project", "op": "exists"}"#, [""]),
        // required over [*]: container b lacks securityContext.privileged (issue 17: it passed
        // because container a has it); with quantifier any, one element is enough.
        (
            #"{"path": "spec.containers[*].securityContext.privileged", "op": "equals", "value": true, "required": true}"#,
            ["/spec/containers/1/securityContext"]
        ),
        (#"{"path": "spec.containers[*].securityContext.privileged", "op": "equals", "value": true, "required": true, "quantifier": "any"}"#, []),
    ]

    @Test(arguments: cases)
    func assertions(check: String, paths: [String]) throws {
        let findings = try Fixtures.findings(policy: Fixtures.policy(rule: #""assert": \#(check)"#), pod: Self.pod)
        #expect(findings.map(\.path.description) == paths)
    }

    @Test("a malformed quantity is a violation, never a pass")
    func malformedQuantity() throws {
        let pod = #"{"spec": {"containers": [{"name": "a", "env": [{"name": "X", "value": "lots"}]}]}}"#
        let check = #"{"path": "spec.containers[*].env[*].value", "op": "lessOrEqual", "value": "1"}"#
        let findings = try Fixtures.findings(policy: Fixtures.policy(rule: #""assert": \#(check)"#), pod: pod)
        #expect(findings.count == 1)
        #expect(findings.first?.message.contains("not a valid quantity") == true)
    }
}

@Suite("linear-time regular expressions")
struct LinearRegexTests {
    static let cases: [(String, String, Bool)] = [
        ("abc", "abc", true), ("abc", "abcd", false), ("a.c", "axc", true), ("a*", "", true), ("a+", "", false),
        ("(ab)+", "ababab", true), ("(ab)+", "ababa", false), ("[a-c]{2,3}", "abc", true), ("[a-c]{2,3}", "abcd", false),
        ("[^0-9]+", "abc", true), ("[^0-9]+", "a1", false), ("\\d{3}-\\d{4}", "555-1234", true), ("x|y|z", "y", true),
        ("^gpu-(a100|h100)$", "gpu-h100", true), ("(?:ab)?c", "c", true), ("\\.", ".", true), ("\\.", "a", false),
        ("a{2}", "aa", true), ("a{2,}", "aaaaa", true), ("ghcr\\.io/acme/.*", "ghcr.io/acme/ml:1.0", true),
        // The classic catastrophic-backtracking pattern stays linear.
        ("(a+)+b", String(repeating: "a", count: 5000), false),
    ]

    @Test(arguments: cases)
    func matching(pattern: String, text: String, expected: Bool) throws {
        #expect(try LinearRegex(pattern).matches(text) == expected)
    }

    @Test(
        "unsupported or hostile patterns are refused at load time",
        arguments: ["(a", "a)", "\\1", "(?=a)", "*a", "a{5,2}", "(((a{1000}){1000}){1000})", "[z-a]"])
    func refused(pattern: String) {
        #expect(throws: LinearRegex.ParseError.self) { try LinearRegex(pattern) }
    }
}
