import Synchronization
import Testing

@testable import PolicyCore

/// A ``SpoolOutput`` in memory, which can be made to refuse writes.
private final class MemoryOutput: SpoolOutput {
    private let state = Mutex<(bytes: [UInt8], refusing: Bool)>(([], false))

    func refuse() { state.withLock { $0.refusing = true } }

    func write(_ bytes: [UInt8]) -> Bool {
        state.withLock { state in
            guard !state.refusing else { return false }
            state.bytes += bytes
            return true
        }
    }

    var offset: Int64? { state.withLock { Int64($0.bytes.count) } }

    func truncate(to offset: Int64) -> Bool {
        state.withLock { state in
            guard offset <= state.bytes.count else { return false }
            state.bytes.removeLast(state.bytes.count - Int(offset))
            return true
        }
    }

    func read(at offset: Int64, count: Int) -> [UInt8]? {
        state.withLock { state in
            guard offset >= 0, Int(offset) + count <= state.bytes.count else { return nil }
            return Array(state.bytes[Int(offset)..<(Int(offset) + count)])
        }
    }
}

/// A report written part by part and put together at the end is the report written whole, in
/// every format (the CLI tests check the same on a large List in one namespace; here the pods
/// span three namespaces, so the PolicyReport is a List of reports).
@Suite("reports spooled part by part")
struct ReportSpoolTests {
    static let today = CalendarDay(year: 2026, month: 11, day: 24)

    static func subjects() throws -> [Subject] {
        let pods = [
            (Fixtures.gpuPodV100, "ml-production"), (Fixtures.gpuPodA100Affinity, "ml-production"),
            (#"{"metadata": {"name": "web"}, "spec": {"containers": [{"name": "c", "image": "nginx:latest"}]}}"#, "ml-dev"),
            (Fixtures.gpuPodV100, "web"), (Fixtures.gpuPodA100Affinity, "ml-dev"),
        ]
        var subjects = try pods.map { try Fixtures.subject($0.0, namespace: $0.1) }
        // Notes on subjects of two parts: JSON's notes, SARIF's note results, GitHub's notices.
        for index in [1, 4] {
            subjects[index].notes = [
                SubjectNote(
                    container: "c", path: "/spec/containers/0/resources/requests/cpu", message: "Flyte will lower requests.cpu from 16 to 8",
                    layer: "node override at wf node n\(index)")
            ]
        }
        return subjects
    }

    /// Spools the subjects two at a time, the last part taken in its turn (``ReportSpool/take(_:)``).
    static func spool(_ format: ReportFormat, _ set: PolicySet, output: any SpoolOutput) throws -> (ReportSpool, Report) {
        let evaluator = Evaluator(policies: set, today: today)
        let subjects = try subjects()
        let spool = ReportSpool(format: format, context: ReportContext(policies: set, timestamp: 1_800_000_000), output: output, inPlace: false)
        spool.begin()
        var outcomes = RuleOutcomes(policies: set)
        for start in stride(from: 0, to: subjects.count, by: 2) {
            let part = evaluator.part(Array(subjects[start..<min(subjects.count, start + 2)]))
            let kept = start + 2 < subjects.count ? spool.write(spool.render(part)) : spool.take(part)
            #expect(kept.subjects.isEmpty && kept.findings.isEmpty)
            outcomes.append(contentsOf: kept.outcomes)
        }
        var rest = Report(subjects: [], findings: [], notices: ["a notice"])
        rest.spooled = spool.summary
        rest.ruleOutcomes = outcomes
        return (spool, rest)
    }

    @Test(arguments: ReportFormat.allCases)
    func assembledIsWhole(format: ReportFormat) throws {
        let set = try Fixtures.policies(RuleOutcomeTests.policySet)
        var whole = Evaluator(policies: set, today: Self.today).report(try Self.subjects())
        whole.notices = ["a notice"]
        let context = ReportContext(policies: set, timestamp: 1_800_000_000)
        var expected: [UInt8] = []
        #expect(
            format.render(whole, context: context) {
                expected += $0; return true
            })

        let (spool, rest) = try Self.spool(format, set, output: MemoryOutput())
        #expect(!spool.failed)
        #expect(rest.summary == whole.summary && whole.summary.findings > 0 && whole.summary.notes == 2)
        var assembled: [UInt8] = []
        #expect(
            format.spooled.assemble(rest, spooled: spool.spooled, context: context) {
                assembled += $0; return true
            })
        #expect(String(decoding: assembled, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        if format == .policyreport { #expect(String(decoding: expected, as: UTF8.self).contains(#""kind": "List""#)) }
    }

    @Test("an output that refuses a part fails the spool, and the part is not counted")
    func refusedWrite() throws {
        let set = try Fixtures.policies(RuleOutcomeTests.policySet)
        let output = MemoryOutput()
        output.refuse()
        let (spool, _) = try Self.spool(.json, set, output: output)
        #expect(spool.failed)
        #expect(spool.summary.subjects == 0)
    }

    @Test("a rollback forgets the parts written since the mark")
    func rollback() throws {
        let set = try Fixtures.policies(RuleOutcomeTests.policySet)
        let output = MemoryOutput()
        let (spool, _) = try Self.spool(.sarif, set, output: output)
        #expect(spool.summary.subjects == 5 && output.offset ?? 0 > 0)
        spool.rollback()
        #expect(spool.summary.subjects == 0 && output.offset == 0)
        #expect(spool.spooled.index.keys.isEmpty && !spool.failed)
    }
}
