import Foundation
import PolicyCore
import PolicyFlyte
import PolicyJSON
import Testing

@testable import PolicyIO

/// The real `pyflyte package` archive read natively (gzip, tar, protobuf), compared with the
/// protobuf JSON that flytekit's own `MessageToJson` wrote for the same entities.
@Suite("pyflyte packages and flyteidl inputs")
struct FlyteInputTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let packagePath = root.appendingPathComponent("examples/flyte/demo.tgz").path
    static let jsonFolder = root.appendingPathComponent("Tests/Fixtures/flytekit/json").path

    static func package() throws -> FlyteBundle {
        let file = InputFile(name: "demo.tgz", bytes: try InputFiles.read(packagePath))
        guard case .package(let bundle) = try FlyteInputs.read(file, manifests: ManifestReader()) else {
            Issue.record("demo.tgz was not read as a package")
            return FlyteBundle()
        }
        return bundle
    }

    static func jsonBundle() throws -> FlyteBundle {
        var bundle = FlyteBundle()
        for path in try InputFiles.collect([jsonFolder]) {
            guard case .entities(let entities) = try FlyteInputs.read(path, manifests: ManifestReader()) else {
                Issue.record("\(path.name) was not read as a flyteidl entity")
                continue
            }
            bundle.append(entities)
        }
        return bundle
    }

    @Test func packageHoldsEveryEntity() throws {
        let bundle = try Self.package()
        #expect(
            bundle.tasks.map(\.template.id.name) == [
                "demo.workflows.train_model", "demo.workflows.load_data", "demo.workflows.infer", "demo.workflows.featurize",
                "demo.workflows.square", "demo.workflows.map_square_6b3bd0353da5de6e84d7982921ead2b3-arraynode",
            ])
        #expect(
            bundle.workflows.map(\.template.id.name) == ["demo.workflows.training_wf", "demo.workflows.branching_wf", "demo.workflows.parent_wf"])
        #expect(bundle.subWorkflows.map(\.template.id.name) == ["demo.workflows.branching_wf"])
        #expect(
            bundle.launchPlans.map(\.plan.workflowId.name) == [
                "demo.workflows.training_wf", "demo.workflows.branching_wf", "demo.workflows.parent_wf",
            ])
        #expect(bundle.tasks.first?.source.member == "00_demo.workflows.train_model_1.pb")
    }

    @Test func protobufAndProtobufJSONDecodeToTheSameEntities() throws {
        let binary = try Self.package()
        let json = try Self.jsonBundle()
        #expect(binary.tasks.count == json.tasks.count)
        for (left, right) in zip(binary.tasks, json.tasks) { #expect(left.template == right.template, "\(left.template.id)") }
        #expect(binary.workflows.count == json.workflows.count)
        for (left, right) in zip(binary.workflows, json.workflows) { #expect(left.template == right.template, "\(left.template.id)") }
        for (left, right) in zip(binary.subWorkflows, json.subWorkflows) { #expect(left.template == right.template) }
        for (left, right) in zip(binary.launchPlans, json.launchPlans) { #expect(left.plan == right.plan) }
        let podSpec = binary.tasks.first?.template.k8sPod?.podSpec
        #expect(podSpec?["nodeSelector"]?["gpu-type"] == "nvidia-tesla-v100")
        #expect(podSpec?["tolerations"]?.array?.first?["value"] == "true")
    }

    @Test func truncatedProtobufNamesTheMemberAndOffset() throws {
        let members = try TarReader.members(try Gzip.decompress(try InputFiles.read(Self.packagePath), source: "demo.tgz"), source: "demo.tgz")
        let member = try #require(members.first { $0.name.hasSuffix("training_wf_2.pb") })
        let cut = Array(member.bytes.prefix(member.bytes.count / 2))
        #expect(throws: InputError.self) { try FlyteInputs.protobuf(cut, source: EntitySource(file: "demo.tgz", member: member.name)) }
        do {
            _ = try FlyteInputs.protobuf(cut, source: EntitySource(file: "demo.tgz", member: member.name))
        } catch {
            let message = error.description
            #expect(message.hasPrefix("demo.tgz:06_demo.workflows.training_wf_2.pb: invalid protobuf"))
            #expect(message.contains("at byte "))
        }
    }

    @Test(arguments: [("truncated", "truncated"), ("corrupt", "corrupt gzip data")])
    func damagedArchivesAreErrors(_ damage: String, _ expected: String) throws {
        var bytes = try InputFiles.read(Self.packagePath)
        if damage == "truncated" {
            bytes.removeLast(40)
        } else {
            for index in 40..<120 { bytes[index] ^= 0x5A }
        }
        do {
            _ = try FlyteInputs.read(InputFile(name: "demo.tgz", bytes: bytes), manifests: ManifestReader())
            Issue.record("a \(damage) archive was accepted")
        } catch {
            #expect(error.description.hasPrefix("demo.tgz: cannot be read"), "\(error)")
            #expect(error.description.contains(expected), "\(error)")
        }
    }

    @Test func aTarWithABadChecksumIsAnError() throws {
        var tar = try Gzip.decompress(try InputFiles.read(Self.packagePath), source: "demo.tgz")
        tar[0] ^= 0x01
        #expect(throws: InputError.self) { try TarReader.members(tar, source: "demo.tar") }
    }

    @Test(arguments: [
        (#"{"template": {"id": {"name": "wf"}, "nodes": "n0"}}"#, "/template/nodes: expected an array, found a string"),
        (
            #"{"template": {"id": {"name": "t"}, "container": {"resources": {"requests": [{"name": "CPUS", "value": "1"}]}}}}"#,
            "/template/container/resources/requests/0/name: unknown resource name 'CPUS' (expected one of UNKNOWN, CPU, GPU, MEMORY, STORAGE, EPHEMERAL_STORAGE)"
        ),
        (#"{"template": {"type": "python-task", "container": {}}}"#, "/template: the task template has no id"),
        (#"{"spec": {"workflowId": {"project": "p"}}}"#, "/spec/workflowId: an identifier needs a name"),
    ])
    func wrongEntitiesAreErrorsWithAPointer(_ json: String, _ expected: String) {
        do {
            _ = try FlyteInputs.read(InputFile(name: "entity.json", bytes: Array(json.utf8)), manifests: ManifestReader())
            Issue.record("accepted \(json)")
        } catch {
            #expect(error.description == "entity.json: \(expected).")
        }
    }

    @Test func platformConfigAcceptsPropellersShapesAndWarnsOnUnknownKeys() throws {
        let yaml = """
            plugins:
              k8s:
                default-cpus: 2
                default-tolerations:
                  key: dedicated
                  operator: Exists
                default-node-selector:
                  - pool: flyte
                  - zone: a
                gpu-resurce-name: amd.com/gpu
            """
        let (config, warnings) = try FlyteInputs.platform(InputFile(name: "propeller.yaml", bytes: Array(yaml.utf8)))
        #expect(config.defaultCPUs == (try Quantity(parsing: "2")))
        #expect(config.defaultTolerations.count == 1)
        #expect(config.defaultNodeSelector.keys == ["pool", "zone"])
        #expect(
            warnings == [
                "propeller.yaml: unknown key 'plugins.k8s.gpu-resurce-name' (did you mean 'gpu-resource-name'?); flytepropeller ignores it too"
            ])
        let bad = "default-memory: lots\n"
        #expect(throws: InputError.self) { try FlyteInputs.platform(InputFile(name: "bad.yaml", bytes: Array(bad.utf8))) }
    }
}
