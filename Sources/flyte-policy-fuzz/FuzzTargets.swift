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
    case json, quantity, yaml, tgz, pb, admission, http

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
    static let target: FuzzTarget = {
        let name = ProcessInfo.processInfo.environment["FLYTE_POLICY_FUZZ_TARGET"] ?? ""
        guard let target = FuzzTarget(rawValue: name) else {
            FileHandle.standardError.write(Data("set FLYTE_POLICY_FUZZ_TARGET to one of: \(FuzzTarget.allCases.map(\.rawValue).joined(separator: ", "))\n".utf8))
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
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

@_cdecl("flyte_policy_fuzz_main")
public func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    var count = argc
    var arguments = argv
    return LLVMFuzzerRunDriver(&count, &arguments) { data, size in fuzzOneInput(data, size) }
}
