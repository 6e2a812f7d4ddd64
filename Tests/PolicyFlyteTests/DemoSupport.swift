import Foundation
import PolicyCore
import PolicyJSON

@testable import PolicyFlyte

/// The real flytekit fixture (examples/flyte/src/demo/workflows.py, flytekit 1.16.31) as
/// protobuf JSON, and the PodTemplate its `infer` task names.
enum Demo {
    /// Every entity of a fixture folder of protobuf JSON (`flytekit/json` is the demo package).
    static func bundle(folder name: String = "flytekit/json") throws -> FlyteBundle {
        let folder = Vectors.fixtures.appendingPathComponent(name)
        var bundle = FlyteBundle()
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }.sorted()
        for name in names {
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path) else { continue }
            let value = try JSONDocument.parse(Array(data), source: name).rootNode.value
            bundle.append(try FlyteEntityDecoder.decode(value, source: EntitySource(file: name)))
        }
        return bundle
    }

    static let gpuTemplate: JSONObject = [
        "metadata": ["name": "gpu-default-template", "namespace": "flyte"],
        "template": [
            "metadata": ["labels": ["pool": "gpu"]],
            "spec": [
                "containers": [["name": "default", "image": "ignored"], ["name": "primary", "resources": ["limits": ["memory": "24Gi"]]]],
                "tolerations": [["key": "nvidia.com/gpu", "operator": "Exists", "effect": "NoSchedule"]],
                "nodeSelector": ["pool": "gpu-inference"],
            ],
        ],
    ]

    static func resolver(platform: PlatformConfig = PlatformConfig()) throws -> FlyteResolver {
        var store = PodTemplateStore(defaultNamespace: "flyte")
        store.add(try PodTemplateStore.PodTemplate(manifest: gpuTemplate))
        return FlyteResolver(builder: PodBuilder(config: platform, templates: store), context: FlyteContext(project: "ml", domain: "production"))
    }
}
