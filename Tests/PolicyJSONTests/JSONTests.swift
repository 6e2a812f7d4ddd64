import Testing

@testable import PolicyJSON

@Suite("jansson layer")
struct JSONTests {
    @Test("parse errors carry source, line, column and byte offset")
    func parseError() {
        #expect {
            _ = try JSONDocument.parse("{\n  \"a\": [1, 2,,]\n}", source: "f.json")
        } throws: { error in
            guard let error = error as? JSONParseError else { return false }
            return error.source == "f.json" && error.line == 2 && error.column > 0 && error.offset > 0
        }
    }

    @Test("typed access and members in document order")
    func access() throws {
        let document = try JSONDocument.parse(#"{"z": 1, "a": "x", "m": [true, null, 2.5], "n": {"k": "v"}}"#, source: "t")
        let root = document.rootNode
        #expect(root.members.map(\.key) == ["z", "a", "m", "n"])
        #expect(root["z"]?.integer == 1)
        #expect(root["a"]?.string == "x")
        #expect(root["m"]?[0]?.bool == true)
        #expect(root["m"]?[1]?.isNull == true)
        #expect(root["m"]?[2]?.number == 2.5)
        #expect(root["m"]?[3] == nil)
        #expect(root["m"]?[-1] == nil)
        #expect(root.node(at: JSONPointer("/n/k"))?.string == "v")
        #expect(root["missing"] == nil)
        #expect(root["a"]?["x"] == nil)
    }

    @Test("nodes keep their document alive")
    func ownership() throws {
        let node = try JSONDocument.parse(#"{"a": {"b": "kept"}}"#, source: "t").rootNode["a"]
        #expect(node?["b"]?.string == "kept")
    }

    @Test("strings with NUL and non-ASCII survive")
    func strings() throws {
        let document = try JSONDocument.parse(#"{"s": "a\u0000b", "u": "größe ✓"}"#, source: "t")
        #expect(document.rootNode["s"]?.string == "a\u{0}b")
        #expect(document.rootNode["u"]?.string == "größe ✓")
    }

    @Test("emitting is deterministic and round-trips")
    func emit() throws {
        let value: JSONValue = ["b": 1, "a": ["x", true, nil, 1.5], "c": ["nested": "y"]]
        let text = String(decoding: try value.serialized(pretty: false), as: UTF8.self)
        #expect(text == #"{"b":1,"a":["x",true,null,1.5],"c":{"nested":"y"}}"#)
        let back = try JSONDocument.parse(text, source: "t").rootNode.value
        #expect(back == value)
        #expect(try JSONDocument(value).rootNode["c"]?["nested"]?.string == "y")
    }

    /// jansson hands the text over piece by piece: the pieces must add up to the whole value, far
    /// past the first buffer and across escapes and multi-byte characters.
    @Test("text written in pieces is jansson's whole text, for lines and pretty output alike")
    func emitInPieces() throws {
        let long = String(repeating: "ünïcödé \"quoted\" \\ tab\t / ", count: 400)
        let value: JSONValue = [
            "items": .array((0..<300).map { ["index": .integer(Int64($0)), "text": .string("\(long.prefix($0))")] }),
            "empty": [:], "none": [], "real": 0.1,
        ]
        let compact = try value.serialized(pretty: false)
        #expect(compact.count > 60_000)
        #expect(try value.serializedLine() == compact + [UInt8(ascii: "\n")])
        #expect(try JSONDocument.parse(compact, source: "t").rootNode.value == value)
        let pretty = try value.serialized(pretty: true)
        #expect(pretty.last == UInt8(ascii: "\n"))
        #expect(try JSONDocument.parse(pretty, source: "t").rootNode.value == value)
        #expect(String(decoding: pretty, as: UTF8.self).hasPrefix("{\n  \"items\": [\n    {\n      \"index\": 0,"))
    }

    @Test("non-finite numbers cannot be emitted")
    func nonFinite() {
        #expect(throws: JSONBuildError.self) { _ = try JSONValue.array([.real(.infinity)]).serialized() }
    }

    @Test("JSON pointers escape ~ and /", arguments: [(["a/b", "c~d"], "/a~1b/c~0d"), ([], ""), (["nvidia.com/gpu"], "/nvidia.com~1gpu")])
    func pointers(tokens: [String], text: String) {
        #expect(JSONPointer(tokens: tokens).description == text)
        #expect(JSONPointer(text).tokens == tokens)
        #expect(JSONPointer(text) == JSONPointer(tokens: tokens))
        #expect(JSONPointer.root.appending(contentsOf: tokens) == JSONPointer(tokens: tokens))
    }

    @Test(
        "a pointer's ancestors are whole tokens",
        arguments: [
            ("/spec/a/0", "/spec/a", true), ("/spec/ab", "/spec/a", false), ("/spec/a", "/spec/a", true), ("/spec", "", true),
            ("/spec", "/spec/a", false), ("/a~1b/c", "/a~1b", true), ("/a~1b/c", "/a", false),
        ])
    func ancestors(pointer: String, prefix: String, expected: Bool) {
        #expect(JSONPointer(pointer).starts(with: JSONPointer(prefix)) == expected)
    }
}

/// Text of tiny values grows about fifty-fold as a jansson tree (200 MB of `[[],[],...]` needed
/// 9.6 GB): past a bound it is refused before parsing (issue 17).
@Suite("oversized JSON trees") struct OversizedTreeTests {
    @Test func textWithTooManyValuesIsRefusedBeforeParsing() {
        let many = Array(("[" + Array(repeating: "[]", count: 200).joined(separator: ",") + "]").utf8)
        #expect(throws: JSONParseError.self) { try JSONDocument.refuseOversizedTree(many, source: "big.json", limit: 100) }
        // Commas and brackets inside strings are not values.
        let strings = Array(("[\"" + String(repeating: "[,{", count: 200) + "\"]").utf8)
        #expect(throws: Never.self) { try JSONDocument.refuseOversizedTree(strings, source: "s.json", limit: 100) }
    }

    /// Kubernetes reads the quantity `1e-400` as 1n; a double holds 0. Refused rather than read as 0.
    @Test func aNumberThatUnderflowsToZeroIsRefused() {
        #expect {
            try JSONDocument.parse(#"{"cpu": 1e-400}"#, source: "q.json")
        } throws: { error in
            "\(error)".contains("the number 1e-400 is too small for a double and would read as 0")
        }
        #expect((try? JSONDocument.parse(#"{"a": 0e-400, "b": 1.5e-3, "c": "1e-400", "d": -2E+3}"#, source: "ok.json")) != nil)
    }

    /// The quick look that decides whether a text needs the careful scan: every number with a
    /// negative exponent, wherever it sits, and not the UUIDs and digests every review and pod
    /// carries (they made every AdmissionReview pay for the scan, 13 % of handling one).
    static let tinyNumberLooks: [(text: String, looks: Bool)] = [
        (#"{"cpu": 1e-400}"#, true), (#"[1E-400]"#, true), (#"{"a":-1.5e-400}"#, true), ("2e-400", true), ("-0.5e-400", true),
        ("[1,\n 3e-9]", true), (#"{"a": [0, 12.25e-1]}"#, true), (#"{"s": "x: 1e-400"}"#, true),
        (#"{"uid": "5b0d8c3e-0c1f-4a4e-9f5e-3c2b1a0d9e8f"}"#, false), (#"{"image": "r/a@sha256:9f1e-0"}"#, false),
        (#"{"name": "v1.2e-3"}"#, false), (#"{"a": 1.5e3, "b": -2}"#, false), ("-", false),
    ]

    @Test(arguments: tinyNumberLooks)
    func onlyTextsThatMayHoldATinyNumberAreScanned(text: String, looks: Bool) {
        #expect(Array(text.utf8).withUnsafeBufferPointer { JSONDocument.mayHoldTinyNumber($0) } == looks)
    }
}
