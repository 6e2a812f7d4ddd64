import PolicyJSON
import Testing

@testable import PolicyYAML

/// YAML as kubectl reads it (go-yaml v2's YAML 1.1 resolution), and the writer `resolve` uses.
@Suite("YAML reading") struct YAMLReaderTests {
    static func value(_ text: String) throws -> JSONValue {
        try #require(try YAMLReader.documents(Array("v: \(text)\n".utf8), source: "t.yaml").first?.value["v"])
    }

    /// Plain scalars resolve as go-yaml v2 resolves them; quoted ones stay strings.
    static let scalars: [(String, JSONValue)] = [
        ("yes", .bool(true)), ("Off", .bool(false)), ("y", .bool(true)), ("true", .bool(true)),
        ("0755", .integer(493)), ("0x1F", .integer(31)), ("1_000", .integer(1000)), ("-42", .integer(-42)),
        ("1.5", .real(1.5)), ("6.02e3", .real(6020)), ("~", .null), ("null", .null), ("", .null),
        ("'yes'", .string("yes")), ("\"0755\"", .string("0755")), ("_1", .string("_1")), ("500m", .string("500m")), ("1Gi", .string("1Gi")),
        (".inf", .string(".inf")), (".5", .real(0.5)), ("+1", .integer(1)), ("-0.5", .real(-0.5)), ("0b101", .integer(5)),
        ("v1.2", .string("v1.2")), ("é1", .string("é1")), ("1_0.5", .real(10.5)),
    ]

    @Test(arguments: scalars)
    func plainScalarsResolveLikeGoYAML(text: String, expected: JSONValue) throws {
        #expect(try Self.value(text) == expected)
    }

    @Test func anchorsAliasesAndMergeKeys() throws {
        let text = """
            base: &base {cpu: "1", memory: 1Gi}
            small: *base
            large:
              <<: *base
              cpu: "8"
            """
        let root = try #require(try YAMLReader.documents(Array(text.utf8), source: "m.yaml").first?.value)
        #expect(root["small"] == root["base"])
        #expect(root["large"]?["cpu"] == .string("8"))
        #expect(root["large"]?["memory"] == .string("1Gi"))
    }

    @Test func documentsAreNumberedFromTheirContent() throws {
        let documents = try YAMLReader.documents(Array("# header\n---\na: 1\n---\n\n---\nb: 2\n".utf8), source: "d.yaml")
        // The empty middle document is kept as null (the manifest reader skips it); lines are
        // those of each document's content.
        #expect(documents.map(\.value) == [["a": 1], .null, ["b": 2]])
        #expect(documents.first?.line == 3 && documents.last?.line == 7)
    }

    @Test(arguments: [
        ("a: [1, 2\n", "invalid YAML"), ("a: 1\na: 2\n", "appears twice"), ("a: *nowhere\n", "names no anchor"),
        ("? [a]\n: 1\n", "mapping key must be a scalar"),
    ])
    func malformedYAMLIsRefusedWithItsPosition(text: String, reason: String) {
        #expect {
            try YAMLReader.documents(Array(text.utf8), source: "bad.yaml")
        } throws: { error in
            let text = "\(error)"
            return text.hasPrefix("bad.yaml:") && (text.contains(reason) || reason == "invalid YAML")
        }
    }
}

/// A large stream is cut into runs of documents parsed apart (issue 20): the cuts must be
/// where libyaml's documents begin, or the stream is read whole.
@Suite("YAML document splitting") struct YAMLDocumentSplitterTests {
    static func runs(_ text: String) -> [String]? {
        let bytes = Array(text.utf8)
        return YAMLDocumentSplitter.split(bytes)?.map { String(decoding: bytes[$0], as: UTF8.self) }
    }

    @Test func cutsAtDocumentMarkers() {
        #expect(Self.runs("a: 1\n---\nb: 2\n--- {c: 3}\n") == ["a: 1\n", "---\nb: 2\n", "--- {c: 3}\n"])
        #expect(Self.runs("---\na: 1\n...\nb: 2\n") == ["---\na: 1\n...\n", "b: 2\n"])
        #expect(Self.runs("---\r\na: 1\r\n---\tb\r\n") == ["---\r\na: 1\r\n", "---\tb\r\n"])
        // Not markers: more dashes, text after them, or an indented line.
        #expect(Self.runs("a: |\n  ---\n----\n---x\n") == ["a: |\n  ---\n----\n---x\n"])
        #expect(Self.runs("") == [])
    }

    /// Directives belong to the document after them: such a stream is read whole.
    @Test func directivesAreReadWhole() {
        #expect(Self.runs("%YAML 1.1\n---\na: 1\n---\nb: 2\n") == nil)
    }

    /// Every run parses to the documents libyaml finds in the whole stream.
    @Test func runsParseToTheWholeStreamsDocuments() throws {
        let text = "# head\n---\na: 1\n---\n# empty\n---\nb: [1, 2]\n...\n---\nc: \"---\"\nd: |\n  ---\n  x\n"
        let bytes = Array(text.utf8)
        let whole = try YAMLReader.documents(bytes, source: "s.yaml").map(\.value)
        let runs = try #require(YAMLDocumentSplitter.split(bytes))
        let apart = try runs.flatMap { try YAMLReader.documents(Array(bytes[$0]), source: "s.yaml").map(\.value) }
        #expect(apart == whole)
        #expect(whole.count >= 4)
    }
}

@Suite("YAML writing") struct YAMLWriterTests {
    /// What the writer emits reads back as the same values, strings that look like other
    /// types included.
    @Test func writtenDocumentsReadBackUnchanged() throws {
        let documents: [JSONValue] = [
            ["name": "pod", "labels": ["app": "yes", "version": "1.0", "empty": ""], "count": 3, "ratio": 0.5, "on": true, "none": .null],
            ["list": ["0755", "~", "null", "a: b", "- item", "#comment", "multi\nline"]],
        ]
        let text = try YAMLWriter.emit(documents)
        let read = try YAMLReader.documents(text, source: "round.yaml").map(\.value)
        #expect(read == documents)
    }
}
