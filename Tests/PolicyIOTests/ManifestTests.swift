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
}

@Suite("manifest inputs")
struct ManifestTests {
    func read(_ text: String, name: String = "m.yaml", namespace: String? = nil) throws -> ManifestReader.Outcome {
        try ManifestReader(defaultNamespace: namespace).read(InputFile(name: name, bytes: Array(text.utf8)))
    }

    static let workloads: [(String, String, String)] = [
        ("Pod", "spec: {containers: [{name: c, image: x}]}", ""),
        ("PodTemplate", "template: {spec: {containers: [{name: c, image: x}]}}", "/template"),
        ("Deployment", "spec: {template: {spec: {containers: [{name: c, image: x}]}}}", "/spec/template"),
        ("StatefulSet", "spec: {template: {spec: {containers: [{name: c, image: x}]}}}", "/spec/template"),
        ("DaemonSet", "spec: {template: {spec: {containers: [{name: c, image: x}]}}}", "/spec/template"),
        ("ReplicaSet", "spec: {template: {spec: {containers: [{name: c, image: x}]}}}", "/spec/template"),
        ("Job", "spec: {template: {spec: {containers: [{name: c, image: x}]}}}", "/spec/template"),
        ("CronJob", "spec: {jobTemplate: {spec: {template: {spec: {containers: [{name: c, image: x}]}}}}}", "/spec/jobTemplate/spec/template"),
    ]

    @Test("every workload kind yields its pod template", arguments: workloads)
    func workload(kind: String, body: String, pointer: String) throws {
        let outcome = try read("apiVersion: v1\nkind: \(kind)\nmetadata: {name: w, namespace: ns}\n\(body)\n")
        #expect(outcome.subjects.count == 1)
        #expect(outcome.subjects.first?.kind == kind)
        #expect(outcome.subjects.first?.namespace == "ns")
        #expect(outcome.subjects.first?.source.podPointer == pointer)
        #expect(outcome.subjects.first?.pod.spec.containers.first?.image == "x")
    }

    @Test("lists, JSON arrays, AdmissionReviews and skipped kinds")
    func containers() throws {
        let list = #"{"kind": "List", "items": [{"kind": "Pod", "spec": {"containers": [{"name": "a"}]}}, {"kind": "Service"}]}"#
        let outcome = try read(list, name: "l.json", namespace: "default-ns")
        #expect(outcome.subjects.count == 1)
        #expect(outcome.subjects.first?.namespace == "default-ns")
        #expect(outcome.skippedKinds == ["Service"])
        let review = #"{"kind": "AdmissionReview", "apiVersion": "admission.k8s.io/v1", "request": {"uid": "1", "object": {"kind": "Pod", "metadata": {"namespace": "n"}, "spec": {"containers": [{"name": "a"}]}}}}"#
        #expect(try read(review, name: "r.json").subjects.count == 1)
        let array = #"[{"kind": "Pod", "spec": {}}, {"kind": "Pod", "spec": {}}]"#
        #expect(try read(array, name: "a.json").subjects.count == 2)
    }

    static let bad: [(String, String)] = [
        ("kind: Pod\nspec: {containers: [{name: c, resources: {limits: {memory: 1GB}}}]}\n", "/spec/containers/0/resources/limits/memory"),
        ("kind: Pod\nspec: {nodeSelector: {gpu: [a]}}\n", "/spec/nodeSelector/gpu"),
        ("kind: Deployment\nspec: {template: {spec: {tolerations: {key: a}}}}\n", "/spec/template/spec/tolerations"),
        ("kind: Deployment\nspec: {}\n", "/spec/template"),
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
