import Testing

@testable import PolicyJSON

@Suite("path walks over jansson")
struct JSONPathTests {
    static let pod = #"""
        {"containers": [
            {"name": "a", "securityContext": {"privileged": true}},
            {"name": "b"},
            {"name": "c", "securityContext": {"privileged": null}}
         ],
         "labels": {"app.kubernetes.io/name": "x", "a~b": "y"},
         "empty": [], "scalar": 3}
        """#

    /// Every position the walk ends at, as `pointer=value` (`pointer=missing` for nil).
    static func ends(_ steps: [JSONPath.Step], prefix: JSONPointer = .root) throws -> [String] {
        let document = try JSONDocument.parse(pod, source: "pod.json")
        var seen: [String] = []
        document.rootNode.walk(JSONPath(steps), pointerPrefix: prefix) { node, position in
            seen.append("\(position.pointer)=\(node.map(\.scalarText) ?? "missing")")
        }
        return seen
    }

    @Test("every element of an array, and a member of each, in document order; absent members end as missing")
    func everyElement() throws {
        #expect(
            try Self.ends([.member("containers"), .everyChild, .member("securityContext"), .member("privileged")], prefix: "/spec") == [
                "/spec/containers/0/securityContext/privileged=true",
                "/spec/containers/1/securityContext=missing",
                "/spec/containers/2/securityContext/privileged=null",
            ])
    }

    @Test("every member of an object, with '/' and '~' escaped in the pointer")
    func everyMember() throws {
        #expect(try Self.ends([.member("labels"), .everyChild]) == ["/labels/app.kubernetes.io~1name=x", "/labels/a~0b=y"])
    }

    @Test("indices in and out of range, and members of something that is not an object")
    func indicesAndMismatches() throws {
        #expect(try Self.ends([.member("containers"), .element(1), .member("name")]) == ["/containers/1/name=b"])
        #expect(try Self.ends([.member("containers"), .element(7), .member("name")]) == ["/containers/7=missing"])
        #expect(try Self.ends([.member("containers"), .element(-1)]) == ["/containers/-1=missing"])
        #expect(try Self.ends([.member("scalar"), .member("x")]) == ["/scalar/x=missing"])
        #expect(try Self.ends([.member("labels"), .element(0)]) == ["/labels/0=missing"])
    }

    @Test("children of a scalar end as missing at the scalar; an empty array ends nothing")
    func everyChildEdges() throws {
        #expect(try Self.ends([.member("scalar"), .everyChild]) == ["/scalar=missing"])
        #expect(try Self.ends([.member("empty"), .everyChild]).isEmpty)
        #expect(try Self.ends([], prefix: "/spec").count == 1)
    }
}
