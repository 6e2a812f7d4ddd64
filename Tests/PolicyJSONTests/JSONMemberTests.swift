import Foundation
import Testing

@testable import PolicyJSON

@Suite("objects serialized member by member")
struct JSONStreamedObjectTests {
    static func element(_ index: Int) -> JSONValue {
        .object([
            "index": .integer(Int64(index)), "text": .string("line\nbreak \"quoted\" \\ tab\t é ☃ \u{1}"), "empty": .object([:]),
            "list": .array([.null, .bool(true), .real(0.1), .array([]), .object(["deep": .array([.integer(-1)])])]),
        ])
    }

    static func shapes() -> [[(key: String, value: StreamedJSON)]] {
        [
            [],
            [("only", .value(.string("x")))],
            [("schema", .value(.string("v1"))), ("items", .elements(count: 3, element: element)), ("after", .value(.array([.string("n")])))],
            [("items", .elements(count: 0, element: element)), ("weird \"key\"\n", .value(.object(["a": .object(["b": .array([])])])))],
            [("first", .elements(count: 1, element: element)), ("second", .elements(count: 2, element: { .integer(Int64($0)) }))],
        ]
    }

    @Test("the same bytes as serializing the whole object", arguments: 0..<5)
    func sameBytes(_ shape: Int) throws {
        let members = Self.shapes()[shape]
        let streamed = try JSONValue.pretty(.object(members))
        let expected = try StreamedJSON.object(members).value.serialized(pretty: true)
        #expect(String(decoding: streamed, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }

    /// Elements are framed here and their scalars encoded by jansson one by one: jansson's
    /// dump of the whole value is the oracle, for scalars at the edges of its encoder (a string
    /// past the stack buffer, NUL and astral characters, integers at their limits, reals it
    /// writes in exponent form or with a forced `.0`).
    @Test("framed elements are jansson's text of the whole element")
    func framedScalars() throws {
        let long = String(repeating: "é\"x", count: 200)
        let element: JSONValue = .object([
            "long": .string(long), "nul": .string("a\u{0}b"), "astral": .string("𝄞 \u{1F600}"), "min": .integer(Int64.min),
            "max": .integer(Int64.max), "reals": .array([.real(1e300), .real(-0.0), .real(123456789.125), .real(3), .real(5e-324)]),
            long: .array([.object([:]), .array([.array([])]), .null, .bool(false)]),
        ])
        let streamed = try JSONValue.pretty(.object([("items", .elements(count: 2) { _ in element })]))
        let expected = try JSONValue.object(["items": .array([element, element])]).serialized(pretty: true)
        #expect(String(decoding: streamed, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        #expect(throws: JSONBuildError.self) { _ = try JSONValue.pretty(.elements(count: 1) { _ in ["a": ["b": .real(.infinity)]] }) }
    }

    @Test("nested objects and arrays around streamed elements")
    func nested() throws {
        let member = StreamedJSON.object([
            ("$schema", .value("s")),
            (
                "runs",
                .array([
                    .object([
                        ("tool", .value(["name": "x"])), ("results", .elements(count: 4, element: Self.element)),
                        ("empty", .object([])), ("none", .array([])),
                    ])
                ])
            ),
            (
                "items",
                .array([.value(1), .elements(count: 2, element: { .string("e\($0)") }), .object([("k", .elements(count: 0, element: Self.element))])])
            ),
        ])
        let expected = try member.value.serialized(pretty: true)
        #expect(String(decoding: try JSONValue.pretty(member), as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        #expect(String(decoding: try JSONValue.pretty(.array([])), as: UTF8.self) == "[]\n")
    }
}

@Suite("pretty JSON handed out in chunks")
struct JSONChunkedOutputTests {
    static func document() -> StreamedJSON {
        .object([
            ("summary", .value(["n": 3])),
            ("items", .elements(count: 50, element: JSONStreamedObjectTests.element)),
            ("runs", .array([.object([("results", .elements(count: 3, element: { .string("r\($0)") }))])])),
        ])
    }

    @Test("the chunks joined are the whole text", arguments: [1, 7, 100, 1 << 20])
    func chunksJoined(chunkSize: Int) throws {
        var joined: [UInt8] = []
        var chunks = 0
        let taken = try JSONValue.pretty(Self.document(), chunkSize: chunkSize) { chunk in
            joined += chunk
            chunks += 1
            return true
        }
        #expect(taken)
        #expect(joined == (try JSONValue.pretty(Self.document())))
        #expect(chunkSize > 1000 ? chunks == 1 : chunks > 1)
    }

    /// A map that runs the batches in reverse, on several threads: the bytes must not depend on
    /// which batch is made first, nor on the threads.
    static func reversedPieces(
        _ count: Int, _ piece: @Sendable (Int) -> Result<[UInt8], JSONBuildError>, _ take: (Result<[UInt8], JSONBuildError>) -> Bool
    ) -> Bool {
        final class Results: @unchecked Sendable {
            // @unchecked: `values` is only reached under `lock`.
            let lock = NSLock()
            var values: [Result<[UInt8], JSONBuildError>?]
            init(_ count: Int) { values = Array(repeating: nil, count: count) }
        }
        let results = Results(count)
        DispatchQueue.concurrentPerform(iterations: count) { offset in
            let index = count - 1 - offset
            let made = piece(index)
            results.lock.withLock { results.values[index] = made }
        }
        for made in results.lock.withLock({ results.values.compactMap { $0 } }) {
            guard take(made) else { return false }
        }
        return true
    }

    @Test("large arrays made in batches on several threads are the same bytes", arguments: [0, 1, 255, 256, 257, 1000, 5000])
    func batches(count: Int) throws {
        let document = StreamedJSON.object([
            ("items", .elements(count: count, element: JSONStreamedObjectTests.element)),
            ("nested", .array([.object([("results", .elements(count: count, element: { .string("r\($0)") }))])])),
        ])
        var joined: [UInt8] = []
        #expect(
            try JSONValue.pretty(document, chunkSize: 4096, pieces: Self.reversedPieces) {
                joined += $0; return true
            })
        #expect(joined == (try JSONValue.pretty(document)))
    }

    @Test("an element that cannot be written fails the batched writing too")
    func batchFailure() {
        let document = StreamedJSON.elements(count: 1000) { $0 == 700 ? .real(.nan) : .integer(Int64($0)) }
        #expect(throws: JSONBuildError.self) { _ = try JSONValue.pretty(document, pieces: Self.reversedPieces) { _ in true } }
    }

    /// Elements laid out ahead (a spooled report's findings) for one depth, in several pieces,
    /// split into chunks anywhere, written where an array of
    /// ``StreamedJSON/elements(count:element:)`` would stand: the same bytes at that depth (copied
    /// as they are) and at shallower and deeper ones (indented again).
    @Test("laid-out elements are written as the elements themselves", arguments: [0, 1, 2, 50], [0, 1, 3])
    func laidOut(count: Int, laidDepth: Int) throws {
        var text: [UInt8] = []
        try JSONValue.layOut((0..<(count / 2)).map(JSONStreamedObjectTests.element), depth: laidDepth, to: &text)
        try JSONValue.layOut((count / 2..<count).map(JSONStreamedObjectTests.element), depth: laidDepth, to: &text)
        for chunkSize in [1, 7, 4096] {
            let chunks = stride(from: 0, to: text.count, by: chunkSize).map { Array(text[$0..<min(text.count, $0 + chunkSize)]) }
            let laidOut = StreamedJSON.laidOut(count: count, depth: laidDepth) { take in chunks.allSatisfy(take) }
            // The arrays stand 1 and 3 levels deep.
            func document(_ items: StreamedJSON) -> StreamedJSON {
                .object([("items", items), ("runs", .array([.object([("results", items)])]))])
            }
            let expected = try JSONValue.pretty(document(.elements(count: count, element: JSONStreamedObjectTests.element)))
            #expect(try JSONValue.pretty(document(laidOut)) == expected, "\(chunkSize)")
            var joined: [UInt8] = []
            #expect(
                try JSONValue.pretty(document(laidOut), chunkSize: 64) {
                    joined += $0; return true
                })
            #expect(joined == expected)
            #expect(laidOut.value == .array((0..<count).map(JSONStreamedObjectTests.element)))
        }
    }

    @Test("laid-out elements that cannot be read back fail the writing")
    func laidOutUnread() throws {
        let unread = StreamedJSON.laidOut(count: 3, depth: 1) { take in take(Array(",\n    1".utf8)) && false }
        #expect(throws: JSONBuildError.self) { _ = try JSONValue.pretty(.object([("items", unread)])) }
        #expect(throws: JSONBuildError.self) { _ = try JSONValue.pretty(.object([("items", unread)])) { _ in true } }
    }

    @Test("a sink that refuses a chunk stops the writing")
    func refusedChunk() throws {
        var calls = 0
        let taken = try JSONValue.pretty(Self.document(), chunkSize: 10) { _ in
            calls += 1
            return false
        }
        #expect(!taken)
        #expect(calls == 1)
    }
}

@Suite("JSON objects")
struct JSONObjectTests {
    /// Small objects look keys up in order; past the threshold a hash index takes over. Both
    /// must read, replace, remove and keep insertion order the same way.
    @Test(arguments: [3, JSONObject.indexThreshold, JSONObject.indexThreshold + 1, 40])
    func lookupsAcrossTheIndexThreshold(size: Int) {
        var object = JSONObject()
        for number in 0..<size { object["k\(number)"] = .integer(Int64(number)) }
        #expect(object.count == size)
        #expect(object.keys == (0..<size).map { "k\($0)" })
        for number in 0..<size { #expect(object["k\(number)"] == .integer(Int64(number))) }
        #expect(object["absent"] == nil)
        object["k0"] = .string("replaced")
        #expect(object.keys.first == "k0")
        #expect(object["k0"] == .string("replaced"))
        object["k1"] = nil
        #expect(object.count == size - 1)
        #expect(object["k1"] == nil)
        #expect(object["k\(size - 1)"] == .integer(Int64(size - 1)))
        object["new"] = .null
        #expect(object.keys.last == "new")
        #expect(object["new"] == .null)
    }
}
