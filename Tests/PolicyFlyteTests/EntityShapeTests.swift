import Foundation
import PolicyJSON
import Testing

@testable import PolicyFlyte

/// The other shapes flyteidl entities arrive in: proto field names (`preserving_proto_field_name`)
/// and compiled workflow closures (`flytectl get workflow -o json`), checked against the
/// lowerCamelCase fixture.
@Suite("flyteidl JSON shapes")
struct EntityShapeTests {
    /// snake_case for every flyteidl field name; pod specs (Struct) keep Kubernetes' own names.
    static func protoNames(_ value: JSONValue, insideStruct: Bool = false) -> JSONValue {
        switch value {
        case .object(let object):
            if insideStruct { return value }
            return .object(
                JSONObject(
                    object.entries.map { key, member in
                        let isStruct = key == "podSpec" || key == "labels" || key == "annotations" || key == "config"
                        return (FlyteJSONReader.snakeCase(key), protoNames(member, insideStruct: isStruct))
                    }))
        case .array(let elements):
            return .array(elements.map { protoNames($0, insideStruct: insideStruct) })
        default:
            return value
        }
    }

    static func resolved(_ bundle: FlyteBundle) throws -> [String] {
        let outcome = try Demo.resolver().resolve(bundle)
        return outcome.nodes.map { node in
            "\(node.identity.workflow ?? "") \(node.identity.node ?? "") \(JSONValue.object(node.pod.spec).compactText)"
        }
    }

    @Test func protoFieldNamesDecodeTheSame() throws {
        let camel = try Demo.bundle()
        var snake = FlyteBundle()
        let folder = Vectors.fixtures.appendingPathComponent("flytekit/json")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted() where name.hasSuffix(".json") {
            let bytes = try #require(FileManager.default.contents(atPath: folder.appendingPathComponent(name).path))
            let value = try JSONDocument.parse(Array(bytes), source: name).rootNode.value
            snake.append(try FlyteEntityDecoder.decode(Self.protoNames(value), source: EntitySource(file: name)))
        }
        #expect(snake.tasks.map(\.template) == camel.tasks.map(\.template))
        #expect(snake.workflows.map(\.template) == camel.workflows.map(\.template))
        #expect(try Self.resolved(snake) == Self.resolved(camel))
    }

    @Test func compiledWorkflowClosureResolvesLikeThePackage() throws {
        let camel = try Demo.bundle()
        let folder = Vectors.fixtures.appendingPathComponent("flytekit/json")
        func template(_ file: String) throws -> JSONValue {
            let bytes = try #require(FileManager.default.contents(atPath: folder.appendingPathComponent(file).path))
            return try JSONDocument.parse(Array(bytes), source: file).rootNode.value
        }
        let parent = try template("10_demo.workflows.parent_wf_2.json")
        let tasks = try ["03_demo.workflows.featurize_1.json", "04_demo.workflows.square_1.json"].map { try template($0)["template"] ?? .null }
        let closure: JSONValue = [
            "id": ["resourceType": "WORKFLOW", "project": "ml", "domain": "production", "name": "demo.workflows.parent_wf", "version": "v1"],
            "closure": [
                "compiledWorkflow": [
                    "primary": ["template": parent["template"] ?? .null, "connections": [:]],
                    "subWorkflows": .array((parent["subWorkflows"]?.array ?? []).map { ["template": $0] }),
                    "tasks": .array(tasks.map { ["template": $0] }),
                ]
            ],
        ]
        let bundle = try FlyteEntityDecoder.decode(closure, source: EntitySource(file: "flytectl.json"))
        #expect(bundle.workflows.map(\.template.id.name) == ["demo.workflows.parent_wf"])
        #expect(bundle.tasks.count == 2)
        let fromClosure = try Self.resolved(bundle)
        let fromPackage = try Self.resolved(camel).filter { $0.hasPrefix("demo.workflows.parent_wf ") }
        #expect(fromClosure == fromPackage)
        #expect(fromClosure.count == 2)
    }
}
