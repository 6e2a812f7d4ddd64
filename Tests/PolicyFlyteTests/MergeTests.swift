import PolicyJSON
import Testing

@testable import PolicyFlyte

/// mergo's `WithOverride` + `WithAppendSlice` over Kubernetes JSON, on the cases Flyte's own
/// tests do not pin (README-pod.md: "No test covers both sides having entries").
@Suite("mergo semantics")
struct MergeTests {
    @Test func listsAppendBaseFirst() {
        let template: JSONObject = ["tolerations": [["key": "from-template"]], "nodeSelector": ["pool": "a", "zone": "1"]]
        let pod: JSONObject = ["tolerations": [["key": "from-pod"]], "nodeSelector": ["pool": "b"]]
        let merged = Mergo.merge(template, pod)
        #expect(merged["tolerations"]?.array?.compactMap { $0["key"]?.string } == ["from-template", "from-pod"])
        #expect(merged["nodeSelector"] == ["pool": "b", "zone": "1"])
    }

    @Test(arguments: [
        // Plain Kubernetes values: an empty overlay value never clears the base.
        ("hostNetwork", JSONValue.bool(true), JSONValue.bool(false), JSONValue.bool(true)),
        ("schedulerName", "custom", "", "custom"),
        // Pointer fields: an explicit false or 0 is a value and overrides.
        ("privileged", JSONValue.bool(true), JSONValue.bool(false), JSONValue.bool(false)),
        ("runAsUser", JSONValue.integer(1000), JSONValue.integer(0), JSONValue.integer(0)),
    ])
    func emptyValues(_ field: String, _ base: JSONValue, _ overlay: JSONValue, _ expected: JSONValue) {
        let merged = Mergo.merge(JSONObject([(field, base)]), JSONObject([(field, overlay)]))
        #expect(merged[field] == expected)
    }

    @Test func templateContainersAreNeverAddedOnTheirOwn() throws {
        let builder = PodBuilder()
        let template: JSONObject = [
            "containers": [
                ["name": "default", "env": [["name": "A"]]], ["name": "unrelated", "image": "x"], ["name": "sidecar", "image": "proxy:1"],
            ]
        ]
        let base: JSONObject = ["containers": [["name": "main", "image": "ml:1"], ["name": "sidecar"]]]
        let merged = try builder.mergeBasePodSpecOntoTemplate(
            template: template, base: base, primaryContainerName: "main", primaryInitContainerName: "")
        let containers = merged["containers"]?.array ?? []
        #expect(containers.compactMap { $0["name"]?.string } == ["main", "sidecar"])
        #expect(containers.first?["env"]?.array?.count == 1)
        #expect(containers.last?["image"] == "proxy:1")
    }
}
