import Foundation
import PolicyCore
import PolicyFlyte
import PolicyJSON
import Synchronization
import Testing

@testable import PolicyIO

/// What reaching the inputs can go wrong with, said rather than passed over (issue 17).
@Suite("reading inputs: bounds, standard input and folder walks")
struct InputFilesTests {
    static func folder() throws -> URL {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("fp-walk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return root
    }

    static func write(_ text: String, _ url: URL) throws {
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    static let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n"

    @Test func emptyStandardInputIsAnErrorNotAPass() {
        for blank in [[UInt8](), Array(" \n\t\n".utf8)] {
            #expect {
                try InputFiles.collect(["-"], readStdin: { () throws(InputError) in blank })
            } throws: { error in
                "\(error)".contains("standard input is empty; the command that should have produced it may have failed")
            }
        }
    }

    /// `check - <&-`: Foundation's FileHandle traps on a closed descriptor; the reader reports it.
    @Test func aClosedDescriptorIsAnError() {
        var pipeEnds: [Int32] = [0, 0]
        #expect(pipe(&pipeEnds) == 0)
        close(pipeEnds[0])
        close(pipeEnds[1])
        #expect {
            try InputFiles.readAll(pipeEnds[0], name: "<stdin>", maxBytes: 1024)
        } throws: { error in
            "\(error)" == "<stdin>: cannot be read: it is closed."
        }
    }

    @Test func anEndlessInputStopsAtTheBound() {
        #expect {
            try InputFiles.read("/dev/zero", maxBytes: 1 << 20)
        } throws: { error in
            "\(error)" == "/dev/zero: larger than 1 MiB, the input size bound; raise it with --max-input-size if the input is real."
        }
        // A regular file over the bound is refused before it is read.
        #expect(throws: InputError.self) { try InputFiles.read(#filePath, maxBytes: 100) }
        #expect((try? InputFiles.read(#filePath, maxBytes: 1 << 20))?.isEmpty == false)
    }

    @Test func hiddenEntriesAreNamedAndLinkedFoldersFollowedOnce() throws {
        let root = try Self.folder()
        try Self.write(Self.pod, root.appendingPathComponent("a/pod.yaml"))
        try Self.write(Self.pod, root.appendingPathComponent(".chainsaw-test/pod.yaml"))
        try Self.write(Self.pod, root.appendingPathComponent(".hidden.yaml"))
        try Self.write("not an input", root.appendingPathComponent(".editorconfig"))
        let outside = try Self.folder()
        try Self.write(Self.pod, outside.appendingPathComponent("linked.yaml"))
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("b").path, withDestinationPath: outside.path)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("a/loop").path, withDestinationPath: root.path)

        var notices: [String] = []
        let files = try InputFiles.collect([root.path], notices: &notices)
        #expect(files.map { $0.name.replacingOccurrences(of: root.path, with: "") } == ["/a/pod.yaml", "/b/linked.yaml"])
        #expect(notices.count == 2, "\(notices)")
        #expect(
            notices.first
                == "\(root.path): skipped 2 hidden entries (\(root.path)/.chainsaw-test, \(root.path)/.hidden.yaml); name them on the command line to check them"
        )
        #expect(notices.last == "\(root.path): \(root.path)/a/loop leads back to a folder already read (a symbolic link loop); read once")
    }
}

/// What a file is, by its name first and its bytes second, and what it looks like when it is
/// not what was expected (issue 17).
@Suite("input detection")
struct InputDetectionTests {
    static let pod = "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: x}]}\n"

    static func read(_ name: String, _ bytes: [UInt8]) throws -> [Subject] {
        guard case .manifests(let outcome) = try FlyteInputs.read(InputFile(name: name, bytes: bytes), manifests: ManifestReader()) else {
            Issue.record("\(name) was not read as manifests")
            return []
        }
        return outcome.subjects
    }

    static func error(_ name: String, _ bytes: [UInt8]) -> String {
        do {
            _ = try FlyteInputs.read(InputFile(name: name, bytes: bytes), manifests: ManifestReader())
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    /// PowerShell's `kubectl get pod -o yaml > pod.yaml` writes UTF-16 with a byte order mark;
    /// kubectl reads it, and so does check.
    @Test func utf16WithAByteOrderMarkIsRead() throws {
        for littleEndian in [true, false] {
            var bytes: [UInt8] = littleEndian ? [0xFF, 0xFE] : [0xFE, 0xFF]
            for unit in Self.pod.utf16 { bytes += littleEndian ? [UInt8(unit & 0xFF), UInt8(unit >> 8)] : [UInt8(unit >> 8), UInt8(unit & 0xFF)] }
            #expect(try Self.read("pod.yaml", bytes).map(\.name) == ["p"])
        }
        #expect(try Self.read("pod.yaml", [0xEF, 0xBB, 0xBF] + Array(Self.pod.utf8)).map(\.name) == ["p"])
    }

    @Test func concatenatedJSONDocumentsAreEachRead() throws {
        let one = #"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a"}, "spec": {"containers": [{"name": "c", "image": "x"}]}}"#
        let two = one.replacingOccurrences(of: "\"a\"", with: "\"b\"")
        #expect(try Self.read("pods.json", Array((one + "\n" + two + "\n").utf8)).map(\.name) == ["a", "b"])
        #expect(try Self.read("-", Array((one + two).utf8)).map(\.name) == ["a", "b"])
        #expect(try Self.read("pods.json", Array((one + "\n" + two + "\n").utf8)).map { $0.source.line } == [1, 2])
    }

    @Test func aHelmTemplateIsNamedAsOne() {
        let template =
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n    {{- include \"chart.labels\" . | nindent 4 }}\n"
        #expect(
            Self.error("deployment.yaml", Array(template.utf8)).contains(
                "looks like a Helm or Go template ({{ ... }}), not a manifest: render it first"))
        #expect(Self.error("deployment.yaml", Array("{{- if .Values.enabled }}\n{\"a\": 1}\n".utf8)).contains("render it first"))
    }

    /// A text name is never taken for protobuf: the message says what is wrong with the text.
    @Test func aTextNameWithBytesThatAreNotTextSaysSo() {
        #expect(
            Self.error("pod.yaml", [0x61, 0x3A, 0x20, 0xC3, 0x28, 0x0A])
                == "pod.yaml: is not UTF-8 text (an invalid byte at offset 3); save it as UTF-8.")
        #expect(Self.error("pod.json", [0x7B, 0x00, 0x7D]) == "pod.json: is not text: byte 1 is NUL (a binary file with a text name?).")
        #expect(!Self.error("pod.yaml", Array("a: b\n\u{0C}c: d\n".utf8)).contains("protobuf"))
    }
}

/// A large `List` is split into its items by a byte scanner and parsed, evaluated and located
/// chunk by chunk on several threads (issue 20); what it makes must be what reading it whole
/// and evaluating it afterwards makes.
@Suite("parallel List reading")
struct ParallelListTests {
    /// `count` pods, some a Deployment (a pod below `/spec/template`), some over several lines
    /// and some on one line after the end of the item before it (whose last line holds
    /// non-ASCII text, so columns count characters), with strings holding brackets and quotes.
    static func list(_ count: Int) -> InputFile {
        var text = #"{"apiVersion": "v1", "items": ["#
        for index in 0..<count {
            let lineBreak = index % 4 == 1 ? "" : "\n "
            let containers =
                #"{"containers": [{"name": "c", "image": "img:\#(index)",\#(lineBreak)  "resources": {"limits": {"cpu": "\#(index % 7)"}}, "command": ["é"]}]}"#
            if index > 0 { text += index % 2 == 0 ? ",\n " : ", " }
            text +=
                index % 3 == 0
                ? #"{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d\#(index)"},\#(lineBreak) "spec": {"template": {"metadata": {"labels": {"a": "x,]}\"{["}}, "spec": \#(containers)}}}"#
                : #"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p\#(index)", "labels": {"a": "x,]}\"{["}},\#(lineBreak) "spec": \#(containers)}"#
        }
        text += #"], "kind": "List", "metadata": {}}"#
        return InputFile(name: "list.json", bytes: Array(text.utf8))
    }

    /// Findings on present values (an image, a limit), on an absent one (a memory limit, placed
    /// at its nearest written parent) and on the pod as a whole.
    static func evaluator() throws -> Evaluator {
        let policy = #"""
            {"apiVersion": "flyte-policy/v1", "kind": "Policy", "metadata": {"name": "p"}, "spec": {"rules": [
              {"name": "registry", "images": {"allowedRegistries": ["ghcr.io"]}},
              {"name": "cpu", "resources": {"max": {"limits": {"cpu": "3"}}}},
              {"name": "memory", "resources": {"require": ["limits.memory"]}}]}}
            """#
        let policies = try PolicyLoader.load(files: [("p.json", Array(policy.utf8))])
        return Evaluator(policies: policies, today: CalendarDay(year: 2026, month: 12, day: 1))
    }

    /// The report in every format, positions included.
    static func rendered(_ report: Report) throws -> String {
        var context = ReportContext(policies: try evaluator().policies)
        context.jobs = 3
        return ReportFormat.allCases.map { format in
            var bytes: [UInt8] = []
            _ = format.render(report, context: context) { chunk in
                bytes += chunk
                return true
            }
            return String(decoding: bytes, as: UTF8.self)
        }.joined(separator: "\n---\n")
    }

    /// The report of reading `file` whole, evaluating it, then locating findings in its text.
    static func wholeReport(_ file: InputFile) throws -> Report {
        var report = try evaluator().report(try ManifestReader().read(file).subjects)
        FindingLocator.locate(&report) { _ in file.bytes.array }
        return report
    }

    @Test func itemsReadInParallelAreTheItemsReadWhole() throws {
        let file = Self.list(100)
        let split = try #require(JSONListSplitter.split(file.bytes.array))
        #expect(split.items.count == 100)
        let parallel = try #require(ListPipeline.read(file, manifests: ManifestReader(), jobs: 3)).manifests
        let whole = try ManifestReader().read(file)
        #expect(
            parallel.subjects.map { "\($0.name) \($0.source) \($0.source.podPointer) \($0.pod.spec.containers.first?.image ?? "")" }
                == whole.subjects.map { "\($0.name) \($0.source) \($0.source.podPointer) \($0.pod.spec.containers.first?.image ?? "")" })
        #expect(parallel.subjects.last?.source.podPointer == "/items/99/spec/template")
    }

    /// Evaluated and located chunk by chunk, on any number of threads, the report is the one
    /// of reading the text whole: same findings, same order, same lines and columns (first-line
    /// columns of an item included).
    @Test(arguments: [1, 2, 3, 8])
    func itemsEvaluatedAsReadMakeTheReportOfTheWholeText(jobs: Int) throws {
        let file = Self.list(293)  // several chunks of `itemsPerChunk`, more subjects than a text piece
        let whole = try Self.wholeReport(file)
        let list = try #require(ListPipeline.read(file, manifests: ManifestReader(), jobs: jobs, evaluator: try Self.evaluator()))
        #expect(list.manifests.subjects.isEmpty)
        var builder = ReportBuilder(evaluator: try Self.evaluator())
        builder.append(try #require(list.evaluated))
        let report = builder.finish()
        #expect(report.findings.count == whole.findings.count)
        #expect(report.findings.count > 3 * 200)
        #expect(report.findings.allSatisfy { $0.position != nil })
        #expect(try Self.rendered(report) == Self.rendered(whole))
        // The text report is rendered in pieces of consecutive subjects on several threads.
        #expect(report.subjects.count > TextReport.subjectsPerPiece)
        var pieces: [UInt8] = []
        #expect(
            TextReport.render(report, style: TextReport.Style(), jobs: 3) { chunk in
                pieces += chunk
                return true
            })
        #expect(String(decoding: pieces, as: UTF8.self) == TextReport.render(report))
        // Items that start after the end of the one before are placed after it on that line.
        #expect(report.findings.contains { ($0.position?.column ?? 0) > 200 })
    }

    /// A large file is mapped, not read, and the pipeline gives its pages back as it goes: the
    /// report is the one of the same bytes in memory, and bytes given back read again the same.
    @Test(arguments: [1, 3])
    func aMappedFileMakesTheSameReport(jobs: Int) throws {
        let inMemory = Self.list(293)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("mapped-\(getpid())-\(jobs).json").path
        try Data(inMemory.bytes.array).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let bytes = try InputFiles.load(path, mappedFrom: 1)
        #expect(bytes.isMapped)
        #expect(try !InputFiles.load(path, mappedFrom: InputFiles.mappedBytes).isMapped)  // below the size that is mapped
        #expect(try !InputFiles.load(path).isMapped)  // not asked to map
        let mapped = InputFile(name: "list.json", bytes: bytes)
        let list = try #require(ListPipeline.read(mapped, manifests: ManifestReader(), jobs: jobs, evaluator: try Self.evaluator()))
        var builder = ReportBuilder(evaluator: try Self.evaluator())
        builder.append(try #require(list.evaluated))
        #expect(try Self.rendered(builder.finish()) == Self.rendered(Self.wholeReport(inMemory)))
        bytes.release(0..<bytes.count)
        #expect(bytes.array == inMemory.bytes.array)
        #expect(throws: InputError.self) { try InputFiles.load(path, maxBytes: 1000, mappedFrom: 1) }
    }

    /// A long run says how far it is, in item order whatever the threads' order.
    @Test func progressIsToldInItemOrder() throws {
        let told = Mutex<[String]>([])
        let file = Self.list(293)
        _ = try #require(
            ListPipeline.read(file, manifests: ManifestReader(), jobs: 3, evaluator: try Self.evaluator()) { line in told.withLock { $0.append(line) }
            })
        #expect(told.withLock { $0 } == [64, 128, 192, 256, 293].map { "list.json: \($0) of 293 items read and checked" })
    }

    /// What is not a List, or a List with an item that does not parse, is read whole (which
    /// positions the error in the file).
    @Test func anythingElseIsReadWhole() throws {
        #expect(JSONListSplitter.split(Array(#"[{"kind": "Pod"}]"#.utf8)) == nil)
        #expect(
            ListPipeline.read(
                InputFile(name: "o.json", bytes: Array(#"{"kind": "Pod", "items": [1, 2, 3, 4, 5, 6]}"#.utf8)), manifests: ManifestReader(), jobs: 2)
                == nil)
        var broken = Self.list(300)
        broken.bytes = InputBytes(
            Array(String(decoding: broken.bytes.array, as: UTF8.self).replacingOccurrences(of: #""name": "p250""#, with: #""name": p250"#).utf8))
        #expect(ListPipeline.read(broken, manifests: ManifestReader(), jobs: 2, evaluator: try Self.evaluator()) == nil)
        #expect(throws: InputError.self) { try FlyteInputs.read(broken, manifests: ManifestReader()) }
    }
}

/// A large multi-document YAML stream is cut into runs of documents that are parsed,
/// evaluated and located chunk by chunk (issue 20): the report must be the one of reading the
/// stream whole, document numbers and lines included.
@Suite("parallel YAML stream reading")
struct ParallelYAMLTests {
    /// `count` documents: pods and Deployments in block style, some with comments and empty
    /// documents between them, one a List of two pods, one closed by `...`.
    static func stream(_ count: Int) -> InputFile {
        var text = "# generated\n"
        for index in 0..<count {
            text += index == 0 ? "" : "---\n"
            if index % 50 == 7 { text += "# nothing here\n---\n" }
            switch index % 4 {
            case 0:
                text += """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata: {name: d\(index)}
                    spec:
                      template:
                        spec:
                          containers:
                          - name: c
                            image: img:\(index)
                            resources: {limits: {cpu: "\(index % 7)"}}

                    """
            case 1:
                text += """
                    apiVersion: v1
                    kind: List
                    items:
                    - {apiVersion: v1, kind: Pod, metadata: {name: a\(index)}, spec: {containers: [{name: c, image: "img:\(index)"}]}}
                    - apiVersion: v1
                      kind: Pod
                      metadata: {name: b\(index)}
                      spec:
                        containers:
                        - {name: c, image: ghcr.io/x, resources: {limits: {cpu: "9"}}}
                    ...

                    """
            default:
                text += """
                    apiVersion: v1
                    kind: Pod
                    metadata:
                      name: "p\(index)"
                      labels: {a: "x: ---"}
                    spec:
                      containers:
                      - name: c
                        image: img:\(index)
                        command: ["é", "---"]
                        resources:
                          limits: {cpu: "\(index % 7)"}

                    """
            }
        }
        return InputFile(name: "stream.yaml", bytes: Array(text.utf8))
    }

    @Test(arguments: [1, 2, 3])
    func documentsEvaluatedAsReadMakeTheReportOfTheWholeStream(jobs: Int) throws {
        let file = Self.stream(800)  // about 200 KB: several chunks of `yamlBytesPerChunk`
        let whole = try ParallelListTests.wholeReport(file)
        let stream = try #require(
            ListPipeline.readDocuments(file, manifests: ManifestReader(), jobs: jobs, evaluator: try ParallelListTests.evaluator()))
        var builder = ReportBuilder(evaluator: try ParallelListTests.evaluator())
        builder.append(try #require(stream.evaluated))
        let report = builder.finish()
        #expect(report.subjects.map { "\($0.source) \($0.source.document ?? 0)" } == whole.subjects.map { "\($0.source) \($0.source.document ?? 0)" })
        #expect(report.findings.count == whole.findings.count)
        #expect(report.findings.count > 500)
        #expect(report.findings.allSatisfy { $0.position != nil })
        #expect(try ParallelListTests.rendered(report) == ParallelListTests.rendered(whole))
        // Without an evaluator, the pods as read whole.
        let read = try #require(ListPipeline.readDocuments(file, manifests: ManifestReader(), jobs: jobs)).manifests
        #expect(
            read.subjects.map { "\($0.name) \($0.source) \($0.source.podPointer)" }
                == whole.subjects.map { "\($0.name) \($0.source) \($0.source.podPointer)" })
    }

    /// A document that does not parse sends the stream through the usual path, whose error
    /// names its line in the file.
    @Test func aBrokenDocumentIsReadWhole() throws {
        var broken = Self.stream(300)
        broken.bytes = InputBytes(
            Array(String(decoding: broken.bytes.array, as: UTF8.self).replacingOccurrences(of: "name: \"p250\"", with: "name: [p250").utf8))
        #expect(ListPipeline.readDocuments(broken, manifests: ManifestReader(), jobs: 2, evaluator: try ParallelListTests.evaluator()) == nil)
        #expect(throws: InputError.self) { try FlyteInputs.read(broken, manifests: ManifestReader(), jobs: 2) }
    }
}

/// The members of a large package archive are decoded on several threads (issue 20): the
/// bundle is the one of decoding them one by one, and a damaged member is the same error.
@Suite("parallel package decoding")
struct ParallelPackageTests {
    /// An uncompressed tar of the demo package's members, each copied under several names.
    static func package(copies: Int, broken: Bool) throws -> [UInt8] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("fp-package-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let unpacked = folder.appendingPathComponent("unpacked")
        let members = folder.appendingPathComponent("members")
        try FileManager.default.createDirectory(at: unpacked, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: members, withIntermediateDirectories: true)
        try Self.tar(["-xzf", "examples/flyte/demo.tgz", "-C", unpacked.path])
        let names = try FileManager.default.contentsOfDirectory(atPath: unpacked.path).filter { $0.hasSuffix(".pb") }.sorted()
        for copy in 0..<copies {
            for name in names {
                try FileManager.default.copyItem(
                    at: unpacked.appendingPathComponent(name), to: members.appendingPathComponent(String(format: "%02d_%@", copy, name)))
            }
        }
        if broken { try Data([0xFF, 0xFF, 0xFF]).write(to: members.appendingPathComponent("02_broken.pb")) }
        let archive = folder.appendingPathComponent("package.tar")
        try Self.tar(["-cf", archive.path, "-C", members.path, "."])
        return [UInt8](try Data(contentsOf: archive))
    }

    static func tar(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/tar")
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "tar \(arguments)")
    }

    static func summary(_ bundle: FlyteBundle) -> [String] {
        bundle.tasks.map { "task \($0.source) \($0.template.id.name)" } + bundle.workflows.map { "workflow \($0.source) \($0.template.id.name)" }
            + bundle.launchPlans.map { "plan \($0.source) \($0.plan.id.name)" }
    }

    @Test func membersDecodedInParallelAreTheSerialBundle() throws {
        let package = try Self.package(copies: 4, broken: false)
        let serial = try FlyteInputs.archive(package, source: "package.tar", jobs: 1)
        #expect(Self.summary(serial).count >= 32)
        for jobs in [2, 3, 8] {
            #expect(Self.summary(try FlyteInputs.archive(package, source: "package.tar", jobs: jobs)) == Self.summary(serial))
        }
        let broken = try Self.package(copies: 4, broken: true)
        let serialError = #expect(throws: InputError.self) { try FlyteInputs.archive(broken, source: "package.tar", jobs: 1) }
        let parallelError = #expect(throws: InputError.self) { try FlyteInputs.archive(broken, source: "package.tar", jobs: 3) }
        #expect(serialError.map { "\($0)" } == parallelError.map { "\($0)" })
        #expect(serialError.map { "\($0)" }?.contains("02_broken.pb") == true)
    }
}
