import Testing

@testable import PolicyCore

@Suite("labels and annotations (StringMap)")
struct StringMapTests {
    @Test("decoded labels keep document order and look up by key")
    func decoded() throws {
        let subject = try Fixtures.subject(#"{"metadata": {"labels": {"b": "2", "a": "1", "c": "3"}, "annotations": {}}, "spec": {}}"#)
        #expect(subject.pod.metadata.labels.entries.map(\.key) == ["b", "a", "c"])
        #expect(subject.pod.metadata.labels["a"] == "1")
        #expect(subject.pod.metadata.labels["missing"] == nil)
        #expect(subject.pod.metadata.annotations.isEmpty)
    }

    @Test("setting replaces in place, nil removes, a repeated key keeps the last value")
    func editing() {
        var map: StringMap = ["x": "1", "y": "2"]
        map["x"] = "10"
        map["z"] = "3"
        map["y"] = nil
        #expect(map.entries.map(\.key) == ["x", "z"])
        #expect(map["x"] == "10")
        let repeated = StringMap([(key: "k", value: "first"), (key: "j", value: "j"), (key: "k", value: "last")])
        #expect(repeated.count == 2)
        #expect(repeated["k"] == "last")
        #expect(repeated.entries.first?.key == "k")
    }

    @Test("a label value of the wrong type names its pointer")
    func wrongType() {
        #expect {
            _ = try Fixtures.subject(#"{"metadata": {"labels": {"team": 7}}, "spec": {}}"#)
        } throws: { error in
            (error as? PodDecodingError)?.pointer == "/metadata/labels/team"
        }
    }
}
