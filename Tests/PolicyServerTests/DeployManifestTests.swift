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

    @Test func webhooksCannotLockTheClusterOrTheirOwnNamespace() throws {
        let configuration = try Self.named("ValidatingWebhookConfiguration", in: "webhook.yaml")
        let webhooks = try #require(configuration["webhooks"]?.array)
        #expect(webhooks.count == 2)
        for webhook in webhooks {
            let name = webhook["name"]?.string ?? "?"
            #expect(webhook["sideEffects"]?.string == "None", "\(name)")
            #expect(webhook["admissionReviewVersions"] == .array(["v1"]), "\(name)")
            #expect(webhook["failurePolicy"]?.string == "Fail", "\(name)")
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

    @Test func deploymentIsHardenedAndHighlyAvailable() throws {
        let deployment = try Self.named("Deployment", in: "deployment.yaml")
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
        #expect(try Self.named("PodDisruptionBudget", in: "deployment.yaml")["spec"]?["minAvailable"] == .integer(1))
        #expect(try Self.named("Service", in: "deployment.yaml")["spec"]?["ports"]?.array?.first?["port"] == .integer(443))
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
