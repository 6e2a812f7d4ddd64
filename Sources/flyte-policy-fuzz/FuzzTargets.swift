// libFuzzer entry point for every parser that reads outside data. Built only by fuzz/run.sh
// (FLYTE_POLICY_FUZZ=1 adds this target, compiled with -sanitize=fuzzer,address and
// -parse-as-library: libFuzzer supplies main). The target is chosen by FLYTE_POLICY_FUZZ_TARGET.
//
// Every target feeds the bytes to a public entry point and ignores the typed error it may
// throw: the property under test is that no input crashes, hangs or trips the sanitizer.
import Foundation
import PolicyCore
import PolicyIO
import PolicyJSON
import PolicyServer
import PolicyYAML

enum FuzzTarget: String, CaseIterable {
    case json, quantity, yaml, tgz, pb, admission, http, detect, walk

    func run(_ bytes: [UInt8]) {
        switch self {
        case .json:
            // The JSON layer and the policy loader on the same bytes.
            if let document = try? JSONDocument.parse(bytes, source: "fuzz.json") { _ = document.rootNode.members.count }
            _ = try? PolicyLoader.load(files: [("fuzz.json", bytes)])
        case .quantity:
            let text = String(decoding: bytes.prefix(256), as: UTF8.self)
            if let quantity = try? Quantity(parsing: text) { _ = quantity.description }
        case .yaml:
            _ = try? YAMLReader.documents(bytes, source: "fuzz.yaml")
        case .tgz:
            _ = try? FlyteInputs.read(InputFile(name: "fuzz.tgz", bytes: bytes), manifests: ManifestReader())
        case .pb:
            _ = try? FlyteInputs.read(InputFile(name: "fuzz.pb", bytes: bytes), manifests: ManifestReader())
        case .admission:
            _ = Fuzz.handler.handle(body: bytes, policies: Fuzz.policies, today: CalendarDay(year: 2026, month: 11, day: 25))
        case .detect:
            // Document detection as standard input and under text names, then the locators
            // that place findings, over the same bytes.
            for name in ["<stdin>", "fuzz.yaml", "fuzz.json"] {
                _ = try? FlyteInputs.read(InputFile(name: name, bytes: bytes), manifests: ManifestReader())
            }
            // The chunked readers of large Lists and YAML streams, whatever the size.
            let evaluator = Evaluator(policies: Fuzz.policies, today: CalendarDay(year: 2026, month: 11, day: 25))
            _ = ListPipeline.read(InputFile(name: "fuzz.json", bytes: bytes), manifests: ManifestReader(), jobs: 2, evaluator: evaluator)
            _ = ListPipeline.readDocuments(InputFile(name: "fuzz.yaml", bytes: bytes), manifests: ManifestReader(), jobs: 2, evaluator: evaluator)
            let wanted: [Int: Set<String>] = [1: ["/spec", "/spec/containers/0/image", "/metadata/name"], 2: ["/spec"]]
            _ = JSONLocator.positions(in: bytes, wanted: wanted)
            _ = YAMLLocator.positions(in: bytes, wanted: wanted)
        case .walk:
            Fuzz.walk(bytes)
        case .http:
            // Fed in two pieces, to reach the paths that wait for more data.
            var parser = HTTPRequestParser(limits: HTTPLimits(maxHeaderBytes: 4096, maxHeaderCount: 32, maxBodyBytes: 64 * 1024))
            let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
            parser.append(bytes[..<split])
            for _ in 0..<8 { if (try? parser.next()) == nil { return } }
            parser.append(bytes[split...])
            for _ in 0..<64 {
                guard let event = try? parser.next() else { return }
                if case .needMoreData = event { return }
            }
        }
    }
}

enum Fuzz {
    /// Builds a small folder tree from the bytes (each 3-byte entry: kind, parent, name) and
    /// walks it: folders, hidden entries, files with input extensions, links to folders
    /// (loops included).
    static func walk(_ bytes: [UInt8]) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-walk-\(getpid())").path
        try? FileManager.default.removeItem(atPath: root)
        defer { try? FileManager.default.removeItem(atPath: root) }
        var folders = [root]
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let names = ["a", ".hidden", "b.yaml", "c.json", ".d.yaml", "e.tgz", "f", "g.yml"]
        var index = 0
        while index + 2 < bytes.count, folders.count < 64 {
            let parent = folders[Int(bytes[index + 1]) % folders.count]
            let path = parent + "/" + names[Int(bytes[index + 2]) % names.count] + String(index)
            switch bytes[index] % 4 {
            case 0:
                try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
                folders.append(path)
            case 1: FileManager.default.createFile(atPath: path, contents: Data("apiVersion: v1\nkind: Pod\n".utf8))
            case 2: try? FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: folders[Int(bytes[index + 2]) % folders.count])
            default: FileManager.default.createFile(atPath: path, contents: Data(bytes[index...].prefix(64)))
            }
            index += 3
        }
        var notices: [String] = []
        _ = try? InputFiles.collect([root], maxBytes: 1 << 16, notices: &notices)
    }

    static let target: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["FLYTE_POLICY_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(
                Data("set FLYTE_POLICY_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
            exit(2)
        }
        return target
    }()
    static let handler = AdmissionHandler()
    /// The starter policies, so admission inputs meet every check kind.
    static let policies: PolicySet = {
        let folder = ProcessInfo.processInfo.environment["FLYTE_POLICY_FUZZ_POLICIES"] ?? "policies"
        guard let set = try? PolicyFiles.load([folder]) else {
            FileHandle.standardError.write(Data("cannot load the policies in \(folder) (FLYTE_POLICY_FUZZ_POLICIES)\n".utf8))
            exit(2)
        }
        return set
    }()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    Fuzz.target.run(bytes)
    return 0
}

/// SwiftPM links an executable's entry point as `<module>_main`; hand control to libFuzzer's
/// driver from there, with the callback above.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
) -> Int32

@_cdecl("flyte_policy_fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
}
