import Testing

@testable import PolicyJSON

/// Lines and columns of offsets, against counting every one from the start of the text.
@Suite("lines and columns of offsets")
struct TextPositionsTests {
    /// 1-based line and column (in characters) of `offset`, the slow way.
    static func reference(_ offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for byte in bytes[..<min(offset, bytes.count)] {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }

    @Test(arguments: [
        // A minified List: every item on one line.
        #"{"kind": "List", "items": [{"a": 1}, {"b": "é"}, {"c": [1, 2]}, {"d": "日本"}]}"#,
        "{\n  \"kind\": \"List\",\n  \"items\": [\n    {\"a\": 1},\n    {\"b\": \"é\"}, {\"c\": 2}\n  ]\n}\n",
        "\n\n\nx\n",
    ])
    func offsetsOnOneLineAndManyLinesAreCounted(text: String) {
        let bytes = Array(text.utf8)
        // Every offset, some twice, and one past the end.
        let offsets = Array(0...bytes.count) + [bytes.count / 2, bytes.count / 2].sorted()
        let sorted = offsets.sorted()
        let places = TextPositions.lineAndColumn(of: sorted, in: bytes)
        #expect(places.count == sorted.count)
        for (offset, place) in zip(sorted, places) {
            let expected = Self.reference(offset, in: bytes)
            #expect(place.line == expected.line && place.column == expected.column, "offset \(offset)")
        }
    }
}
