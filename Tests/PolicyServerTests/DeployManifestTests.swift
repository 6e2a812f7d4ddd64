import Foundation
import PolicyCore
import PolicyJSON
import PolicyYAML
import Testing

@testable import PolicyServer

/// What an operator applies from `deploy/` keeps the promises admission.md makes: the webhook
/// can never lock the cluster, the policies shipped are the ones in `policies/`, and the
/// certificate script makes a pair the server serves and the API server's name checks accept.
struct DeployManifestTests {
    static let deploy = AdmissionFixtures.root.appendingPathComponent("deploy")

    static func documents(_ name: String) throws -> [JSONValue] {
        let url = deploy.appendingPathComponent(name)
        let bytes = try [UInt8](Data(contentsOf: url))
        return try YAMLReader.documents(bytes, source: url.path).map(\.value)
    }

    static func named(_ kind: String, in file: String) throws -> JSONValue {
        try #require(try documents(file).first { $0["kind"]?.string == kind }, "no \(kind) in deploy/\(file)")
    }

    /// Where the objects are read: the files of `deploy/` one by one, or what `kubectl
    /// kustomize` renders of the base or of the example overlay (when kubectl is installed).
    enum Source: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case files, base, overlay

        var testDescription: String { rawValue }

        /// The sources this machine can read: kustomize needs kubectl.
        static var available: [Source] {
            FileManager.default.isExecutableFile(atPath: "/usr/bin/kubectl") ? allCases : [.files]
        }

        func object(_ kind: String, file: String) throws -> JSONValue {
            switch self {
            case .files: return try DeployManifestTests.named(kind, in: file)
            case .base, .overlay:
                let folder = self == .base ? DeployManifestTests.deploy : AdmissionFixtures.root.appendingPathComponent("examples/deploy-overlay")
                let rendered = try TestServer.run("/usr/bin/kubectl", ["kustomize", folder.path])
                try #require(rendered.status == 0, "kubectl kustomize \(folder.path): \(rendered.stderr)")
                let objects = try YAMLReader.documents(Array(rendered.stdout.utf8), source: "kubectl kustomize").map(\.value)
                return try #require(objects.first { $0["kind"]?.string == kind }, "no \(kind) in the rendered \(rawValue)")
            }
        }
    }

    @Test(arguments: Source.available)
    func webhooksCannotLockTheClusterOrTheirOwnNamespace(source: Source) throws {
        let configuration = try source.object("ValidatingWebhookConfiguration", file: "webhook.yaml")
        let webhooks = try #require(configuration["webhooks"]?.array)
        #expect(webhooks.count == 2)
        for webhook in webhooks {
            let name = webhook["name"]?.string ?? "?"
            #expect(webhook["sideEffects"]?.string == "None", "\(name)")
            #expect(webhook["admissionReviewVersions"] == .array(["v1"]), "\(name)")
            // The example overlay shows how a staging cluster relaxes this; the base never does.
            #expect(webhook["failurePolicy"]?.string == (source == .overlay ? "Ignore" : "Fail"), "\(name)")
            if case .integer(let timeout)? = webhook["timeoutSeconds"] {
                #expect((1...10).contains(timeout), "\(name)")
            } else {
                Issue.record("\(name) has no timeoutSeconds")
            }
            #expect(webhook["clientConfig"]?["service"]?["namespace"]?.string == "flyte-policy")
            #expect(webhook["clientConfig"]?["service"]?["path"]?.string == "/validate")
            let excluded =
                webhook["namespaceSelector"]?["matchExpressions"]?.array?.first {
                    $0["key"]?.string == "kubernetes.io/metadata.name" && $0["operator"]?.string == "NotIn"
                }?["values"]?.array?.compactMap { $0.string } ?? []
            #expect(excluded.contains("kube-system") && excluded.contains("flyte-policy"), "\(name) excludes only \(excluded)")
        }
        // Only the pods propeller makes are sent to the pod webhook.
        let podSelector = webhooks.first?["objectSelector"]?["matchExpressions"]?.array?.first
        #expect(podSelector?["key"]?.string == FlyteLabels.executionID)
        #expect(podSelector?["operator"]?.string == "Exists")
    }

    @Test(arguments: Source.available)
    func deploymentIsHardenedAndHighlyAvailable(source: Source) throws {
        let deployment = try source.object("Deployment", file: "deployment.yaml")
        #expect(deployment["metadata"]?["namespace"]?.string == "flyte-policy")
        if case .integer(let replicas)? = deployment["spec"]?["replicas"] { #expect(replicas >= 2) } else { Issue.record("no replicas") }
        let pod = try #require(deployment["spec"]?["template"]?["spec"])
        #expect(pod["securityContext"]?["runAsNonRoot"]?.bool == true)
        #expect(pod["affinity"]?["podAntiAffinity"] != nil)
        let container = try #require(pod["containers"]?.array?.first)
        #expect(container["securityContext"]?["readOnlyRootFilesystem"]?.bool == true)
        #expect(container["securityContext"]?["allowPrivilegeEscalation"]?.bool == false)
        #expect(container["readinessProbe"]?["httpGet"]?["path"]?.string == "/readyz")
        #expect(container["livenessProbe"]?["httpGet"]?["path"]?.string == "/healthz")
        #expect(container["resources"]?["limits"]?["memory"] != nil)
        // The flags point at the mounted volumes.
        let arguments = container["args"]?.array?.compactMap { $0.string } ?? []
        let mounts = container["volumeMounts"]?.array?.compactMap { $0["mountPath"]?.string } ?? []
        for flag in ["--policies=", "--tls-cert=", "--tls-key="] {
            let path = try #require(arguments.first { $0.hasPrefix(flag) }).dropFirst(flag.count)
            #expect(mounts.contains { path.hasPrefix($0) }, "\(flag)\(path) is not under a mounted volume")
        }
        // One replica out at a time whatever the autoscaler made, which never goes below two.
        #expect(try source.object("PodDisruptionBudget", file: "deployment.yaml")["spec"]?["maxUnavailable"] == .integer(1))
        #expect(try source.object("Service", file: "deployment.yaml")["spec"]?["ports"]?.array?.first?["port"] == .integer(443))
        let autoscaler = try source.object("HorizontalPodAutoscaler", file: "hpa.yaml")["spec"]
        #expect(autoscaler?["scaleTargetRef"]?["kind"]?.string == "Deployment")
        #expect(autoscaler?["scaleTargetRef"]?["name"] == deployment["metadata"]?["name"])
        if case .integer(let least)? = autoscaler?["minReplicas"], case .integer(let most)? = autoscaler?["maxReplicas"] {
            #expect(least >= 2 && most > least)
        } else {
            Issue.record("the autoscaler has no replica bounds")
        }
        #expect(autoscaler?["metrics"]?.array?.first?["resource"]?["name"]?.string == "cpu")
        #expect(container["resources"]?["requests"]?["cpu"] != nil, "CPU autoscaling needs a CPU request")
        #expect(container["image"]?.string?.contains("flyte-policy:") == true)
    }

    /// `kubectl kustomize deploy/` renders exactly the objects of the files it lists.
    @Test(.enabled(if: Source.available.contains(.base)))
    func kustomizeRendersEveryFileOfTheBase() throws {
        let listed = try #require(try Self.documents("kustomization.yaml").first?["resources"]?.array?.compactMap { $0.string })
        let files = try listed.flatMap { try Self.documents($0) }.map { "\($0["kind"]?.string ?? "") \($0["metadata"]?["name"]?.string ?? "")" }
        let rendered = try TestServer.run("/usr/bin/kubectl", ["kustomize", Self.deploy.path])
        try #require(rendered.status == 0, "\(rendered.stderr)")
        let objects = try YAMLReader.documents(Array(rendered.stdout.utf8), source: "kubectl kustomize").map(\.value)
            .map { "\($0["kind"]?.string ?? "") \($0["metadata"]?["name"]?.string ?? "")" }
        #expect(objects.sorted() == files.sorted())
        #expect(files.contains("HorizontalPodAutoscaler flyte-policy"))
    }

    /// `deploy/make-policies-configmap.sh` must be re-run when a policy changes.
    @Test func configMapCarriesExactlyThePoliciesFolderAndLoads() throws {
        let configMap = try Self.named("ConfigMap", in: "policies-configmap.yaml")
        let data = try #require(configMap["data"]?.object)
        let folder = AdmissionFixtures.root.appendingPathComponent("policies")
        // Every policy file below policies/ (the Pod Security Standards folders too), suites left out.
        var paths: [String: String] = [:]
        for relative in FileManager.default.subpaths(atPath: folder.path) ?? [] where relative.hasSuffix(".json") && !relative.contains("tests/") {
            paths[(relative as NSString).lastPathComponent] = folder.appendingPathComponent(relative).path
        }
        let names = paths.keys.sorted()
        #expect(names.contains("pod-security-baseline.json"))
        #expect(data.keys.sorted() == names, "deploy/policies-configmap.yaml is stale: run deploy/make-policies-configmap.sh")
        for name in names {
            let onDisk = try String(contentsOfFile: paths[name] ?? "", encoding: .utf8)
            #expect(data[name]?.string == onDisk, "\(name) differs from policies/\(name): run deploy/make-policies-configmap.sh")
        }
        let files = data.keys.sorted().map { (name: $0, contents: Array((data[$0]?.string ?? "").utf8)) }
        #expect(try PolicyLoader.load(files: files).policies.count >= 5)
    }

    @Test func certificateScriptMakesAPairTheServerServesUnderTheServiceName() throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("flyte-policy-certs-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        let script = try TestServer.run("/bin/bash", [Self.deploy.appendingPathComponent("make-certs.sh").path, "--no-apply", "--out", out.path])
        #expect(script.status == 0, "\(script.stderr)")
        let server = try TestServer { configuration in
            configuration.certificatePath = out.appendingPathComponent("tls.crt").path
            configuration.keyPath = out.appendingPathComponent("tls.key").path
        }
        defer { server.stop() }
        let ca = out.appendingPathComponent("ca.crt").path
        let answer = try server.curl(
            "/validate", body: AdmissionFixtures.review(AdmissionFixtures.pod()), caFile: ca, host: "flyte-policy.flyte-policy.svc")
        #expect(answer.code == 200, "\(answer.stderr)")
        // The caBundle written into the webhook configuration is that CA.
        let webhook = try String(contentsOf: out.appendingPathComponent("webhook.yaml"), encoding: .utf8)
        let caBase64 = try Data(contentsOf: URL(fileURLWithPath: ca)).base64EncodedString()
        #expect(webhook.components(separatedBy: "caBundle: \"\(caBase64)\"").count == 3)
    }
}
