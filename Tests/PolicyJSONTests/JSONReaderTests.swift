import Testing

@testable import PolicyJSON

/// ``JSONReader`` reads a parsed document and a built value alike, with the same words and the
/// same pointers: every reader of flyte-policy (policies, Flyte entities, baselines) goes through it.
@Suite("typed JSON reads")
struct JSONReaderTests {
    static let text = #"{"name": "train", "gpus": 2, "spot": true, "tags": ["a", 7], "meta": {"a/b": null}, "list": [{"k": 1.5}]}"#

    /// What reading `pointer` as `type` gives: the value's text, or the error's pointer and reason.
    static let cases: [(pointer: String, type: String, expected: String)] = [
        ("/name", "string", "train"),
        ("/name", "bool", "/name: expected true or false, found a string"),
        ("/gpus", "integer", "2"),
        ("/gpus", "string", "/gpus: expected a string, found an integer"),
        ("/spot", "bool", "true"),
        ("/tags", "strings", "/tags/1: expected a string, found an integer"),
        ("/tags", "object", "/tags: expected an object, found an array"),
        ("/meta", "object", "object"),
        ("/meta/a~1b", "string", "/meta/a~1b: expected a string, found null"),
        ("/list/0/k", "integer", "/list/0/k: expected an integer, found a number"),
        ("/list", "elements", "/list/0"),
        ("/name", "elements", "/name: expected an array, found a string"),
    ]

    static func read<V: JSONReadable>(_ root: JSONReader<V>, _ pointer: String, as type: String) -> String {
        var reader = root
        for token in JSONPointer(pointer).tokens {
            if let index = Int(token), reader.value.isArray {
                guard let element = try? reader.elements()[index] else { return "missing \(token)" }
                reader = element
            } else {
                guard let member = reader.member(token) else { return "missing \(token)" }
                reader = member
            }
        }
        do {
            switch type {
            case "string": return try reader.string()
            case "bool": return String(try reader.bool())
            case "integer": return String(try reader.integer())
            case "strings": return try reader.strings().joined(separator: ",")
            case "object": return try reader.object().kind.rawValue
            case "elements": return try reader.elements().map(\.pointer.description).joined(separator: ",")
            default: return "unknown read \(type)"
            }
        } catch {
            return error.description
        }
    }

    @Test(arguments: cases)
    func aParsedNodeAndABuiltValueReadAlike(pointer: String, type: String, expected: String) throws {
        let document = try JSONDocument.parse(Self.text, source: "t")
        #expect(Self.read(JSONReader(document.rootNode), pointer, as: type) == expected)
        #expect(Self.read(JSONReader(document.rootNode.value), pointer, as: type) == expected)
    }

    @Test func optionalMembersReadNullAsAbsent() throws {
        let reader = JSONReader(try JSONDocument.parse(Self.text, source: "t").rootNode)
        let meta = try #require(reader.member("meta"))
        #expect(meta.member("a/b")?.value.isNull == true)
        #expect(meta.optionalMember("a/b") == nil)
        #expect(reader.optionalMember("name")?.pointer == JSONPointer("/name"))
    }

    @Test func membersKeepDocumentOrderAndTheirPointers() throws {
        let reader = JSONReader(try JSONDocument.parse(Self.text, source: "t").rootNode)
        let members = try reader.members()
        #expect(members.map(\.key) == ["name", "gpus", "spot", "tags", "meta", "list"])
        #expect(members.map(\.value.pointer.description) == ["/name", "/gpus", "/spot", "/tags", "/meta", "/list"])
        #expect(JSONReadError(pointer: .root, reason: "r").description == "(document): r")
    }
}
