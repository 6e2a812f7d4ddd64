import Foundation
import PolicyCore
import PolicyJSON

@testable import PolicyFlyte

/// Reading and comparing the Flyte test vectors (Tests/Fixtures/flyte-vectors, FORMAT.md).
enum Vectors {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var line: Int
        var operation: String
        var platform: JSONValue?
        var input: JSONObject
        var expect: JSONObject?
        var expectError: String?
        var description: String { "\(name) (line \(line))" }
    }

    static func load(_ file: String) -> [Case] {
        let url = fixtures.appendingPathComponent("flyte-vectors").appendingPathComponent(file)
        guard let data = FileManager.default.contents(atPath: url.path),
            let document = try? JSONDocument.parse(Array(data), source: file)
        else { return [] }
        return (document.rootNode.value["cases"]?.array ?? []).compactMap { raw -> Case? in
            guard let object = raw.object, let name = object["name"]?.string, let operation = object["operation"]?.string else { return nil }
            return Case(
                name: name, line: Int(object["line"]?.number ?? 0), operation: operation, platform: object["platform"],
                input: object["input"]?.object ?? [:], expect: object["expect"]?.object, expectError: object["expectError"]?.string)
        }
    }

    static func config(_ platform: JSONValue?) throws -> PlatformConfig {
        guard let platform else { return PlatformConfig() }
        return try PlatformConfig.decode(platform, source: "vector").config
    }

    // MARK: - Paths

    /// Evaluates one `expect` key against the result; returns a mismatch description or nil.
    static func check(_ key: String, _ expected: JSONValue, in result: JSONObject) -> String? {
        if key == "envNamesDistinctInEachContainer" {
            let distinct = (result["podSpec"]?["containers"]?.array ?? []).allSatisfy { container in
                let names = (container["env"]?.array ?? []).compactMap { $0["name"]?.string }
                return Set(names).count == names.count
            }
            return (distinct == (expected.bool ?? true)) ? nil : "env names are not distinct"
        }
        if key.hasPrefix("len("), key.hasSuffix(")") {
            let value = resolve(String(key.dropFirst(4).dropLast()), in: result)
            let count: Int =
                switch value {
                case .array(let elements)?: elements.count
                case .object(let object)?: object.count
                default: 0
                }
            return count == Int(expected.number ?? -1) ? nil : "\(key) is \(count), expected \(expected.compactText)"
        }
        if key.hasPrefix("notNull("), key.hasSuffix(")") {
            let value = resolve(String(key.dropFirst(8).dropLast()), in: result)
            let present = value != nil && value != .null
            return present == (expected.bool ?? true) ? nil : "\(key) is \(present)"
        }
        let actual = resolve(key, in: result)
        if expected == .null {
            return (actual == nil || actual == .null) ? nil : "\(key) is \(actual?.compactText ?? "absent"), expected null"
        }
        return matches(expected, actual) ? nil : "\(key) is \(actual?.compactText ?? "absent"), expected \(expected.compactText)"
    }

    /// `podSpec.tolerations[1].key`, `podSpec.nodeSelector['a/b']`.
    static func resolve(_ path: String, in result: JSONObject) -> JSONValue? {
        var current: JSONValue? = .object(result)
        var rest = Substring(path)
        while !rest.isEmpty {
            if rest.hasPrefix(".") { rest = rest.dropFirst(); continue }
            if rest.hasPrefix("['") {
                guard let end = rest.range(of: "']") else { return nil }
                let key = String(rest[rest.index(rest.startIndex, offsetBy: 2)..<end.lowerBound])
                current = current?[key]
                rest = rest[end.upperBound...]
            } else if rest.hasPrefix("[") {
                guard let end = rest.firstIndex(of: "]"), let index = Int(rest[rest.index(after: rest.startIndex)..<end]) else { return nil }
                current = current?.array.flatMap { index < $0.count ? $0[index] : nil }
                rest = rest[rest.index(after: end)...]
            } else {
                let end = rest.firstIndex { $0 == "." || $0 == "[" } ?? rest.endIndex
                current = current?[String(rest[..<end])]
                rest = rest[end...]
            }
        }
        return current
    }

    // MARK: - Comparison

    /// Absent, "", 0, false, [] and {} are all "unset" in Kubernetes JSON.
    static func isUnset(_ value: JSONValue?) -> Bool {
        guard let value else { return true }
        if let object = value.object { return object.allSatisfy { isUnset($0.value) } }
        return Mergo.isEmpty(value)
    }

    static func matches(_ expected: JSONValue, _ actual: JSONValue?) -> Bool {
        if isUnset(expected) { return isUnset(actual) || (expected.string == "0" && quantityEqual("0", actual)) }
        guard let actual else { return false }
        switch (expected, actual) {
        case (.object(let left), .object(let right)):
            let keys = Set(left.keys).union(right.keys)
            return keys.allSatisfy { key in
                guard let wanted = left[key] else { return isUnset(right[key]) }
                return matches(wanted, right[key])
            }
        case (.array(let left), .array(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { matches($0, $1) }
        case (.string(let left), _):
            return actual.string == left || quantityEqual(left, actual)
        default:
            return expected.jsonEquals(actual)
        }
    }

    static func quantityEqual(_ text: String, _ actual: JSONValue?) -> Bool {
        guard let other = actual?.string ?? actual?.number.map({ JSONValue.format(real: $0) }),
            let left = try? Quantity(parsing: text), let right = try? Quantity(parsing: other)
        else { return false }
        return left == right
    }

    // MARK: - Flyte values from vector JSON

    static func resources(_ value: JSONValue?) throws -> ContainerResources {
        try ContainerResources(json: value, at: "")
    }

    static func extendedResources(_ value: JSONValue?) throws -> ExtendedResources? {
        guard let value, value != .null else { return nil }
        return try FlyteEntityDecoder.extendedResources(FlyteJSONReader(value, source: "vector"))
    }

    static func json(_ resources: ExtendedResources) -> JSONValue {
        var object = JSONObject()
        if let gpu = resources.gpuAccelerator {
            var accelerator: JSONObject = ["device": .string(gpu.device)]
            if let size = gpu.partitionSize { accelerator["partitionSize"] = .string(size) }
            if let flag = gpu.unpartitioned { accelerator["unpartitioned"] = .bool(flag) }
            object["gpuAccelerator"] = .object(accelerator)
        }
        if let memory = resources.sharedMemory {
            object["sharedMemory"] = [
                "mountPath": .string(memory.mountPath), "mountName": .string(memory.mountName), "sizeLimit": .string(memory.sizeLimit),
            ]
        }
        return .object(object)
    }

    static func store(_ value: JSONValue?) throws -> PodTemplateStore {
        var store = PodTemplateStore(defaultNamespace: value?["defaultNamespace"]?.string ?? "")
        for template in value?["podTemplates"]?.array ?? [] {
            store.add(try PodTemplateStore.PodTemplate(manifest: template.object ?? [:]))
        }
        return store
    }
}
