import Foundation
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
        #expect(notices.first == "\(root.path): skipped 2 hidden entries (\(root.path)/.chainsaw-test, \(root.path)/.hidden.yaml); name them on the command line to check them")
        #expect(notices.last == "\(root.path): \(root.path)/a/loop leads back to a folder already read (a symbolic link loop); read once")
    }
}
