// Per-request CPU cost of the webhook without the network: one AdmissionReview, timed in
// process, phase by phase. bench/webhook.sh runs it beside the wrk runs, so the HTTP figures
// can be read against what one request costs on one core.
//
//   admission-bench --review FILE [--policies DIR] [--iterations N]
//
// Phases, each the best of three runs of N iterations:
//   parse     jansson json_loadb of the body only (the floor set by the JSON library)
//   handle    AdmissionHandler.handle: parse, decode the pod, evaluate, build the response
import BenchSupport
import Foundation
import PolicyCore
import PolicyIO
import PolicyJSON
import PolicyServer

let arguments = CommandLine.arguments
func value(_ name: String) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}
guard let reviewPath = value("--review") else {
    FileHandle.standardError.write(Data("usage: admission-bench --review FILE [--policies DIR] [--iterations N]\n".utf8))
    exit(2)
}
let iterations = value("--iterations").flatMap(Int.init) ?? 20_000
guard let body = FileManager.default.contents(atPath: reviewPath).map(Array.init) else {
    FileHandle.standardError.write(Data("admission-bench: cannot read \(reviewPath)\n".utf8))
    exit(2)
}
let policies: PolicySet
do {
    policies = try PolicyFiles.load([value("--policies") ?? "policies"])
} catch {
    FileHandle.standardError.write(Data("admission-bench: \(error)\n".utf8))
    exit(2)
}

let handler = AdmissionHandler()
let today = CalendarDay(secondsSince1970: Int64(Date().timeIntervalSince1970))
let first = handler.handle(body: body, policies: policies, today: today)
guard first.verdict != .invalid else {
    FileHandle.standardError.write(Data("admission-bench: \(reviewPath) is not a valid AdmissionReview: \(first.error ?? "")\n".utf8))
    exit(2)
}

var sink = 0
let parse = best {
    for _ in 0..<iterations {
        if let document = try? JSONDocument.parse(body, source: "review") { sink &+= document.rootNode.isNull ? 0 : 1 }
    }
}
let handle = best {
    for _ in 0..<iterations { sink &+= handler.handle(body: body, policies: policies, today: today).findings.count }
}
func perRequest(_ seconds: Double) -> String { String(format: "%.1f", seconds / Double(iterations) * 1e6) }
print(
    "request: \(reviewPath) (\(body.count) bytes), verdict \(first.verdict.rawValue), \(first.findings.count) findings, \(policies.policies.count) policies"
)
print(
    "ADMISSION parse_us=\(perRequest(parse)) handle_us=\(perRequest(handle)) handle_per_core_rps=\(Int(Double(iterations) / handle)) iterations=\(iterations) sink=\(sink % 10)"
)
