/// Finds where the documents of a large multi-document YAML stream begin, so they can be parsed
/// apart on several cores. A line scanner that builds nothing: YAML forbids a line starting with
/// `---` or `...` followed by a space, a tab or the line's end anywhere but as a document
/// marker (the spec's c-forbidden lines), inside block and flow scalars alike, so such lines
/// cut the stream where libyaml would.
package enum YAMLDocumentSplitter {
    /// Byte ranges of consecutive runs of the stream, each starting at the beginning of a line:
    /// the first at offset 0, then one at each `---` line and after each `...` line. Together
    /// they cover every byte. `nil` when the stream has directives (`%YAML`, `%TAG`), which
    /// belong to the document after them; such streams are read whole.
    package static func split(_ bytes: [UInt8]) -> [Range<Int>]? {
        bytes.withUnsafeBufferPointer { buffer in split(buffer) }
    }

    /// - Parameter passed: told the offset of each document marker, so a reader of a mapped
    ///   file can give back the pages the scan has passed.
    package static func split(_ bytes: UnsafeBufferPointer<UInt8>, passed: (Int) -> Void = { _ in }) -> [Range<Int>]? {
        var starts = [0]
        var lineStart = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            let next = min(lineEnd + 1, bytes.count)
            if bytes[lineStart] == UInt8(ascii: "%") { return nil }
            if isMarker(bytes, at: lineStart, UInt8(ascii: "-")), lineStart > 0, starts.last != lineStart {
                starts.append(lineStart)
                passed(lineStart)
            } else if isMarker(bytes, at: lineStart, UInt8(ascii: ".")), next < bytes.count {
                starts.append(next)
                passed(next)
            }
            lineStart = next
        }
        starts.append(bytes.count)
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(starts.count - 1)
        for index in 0..<(starts.count - 1) where starts[index] < starts[index + 1] { ranges.append(starts[index]..<starts[index + 1]) }
        return ranges
    }

    /// Three `mark` bytes at `offset`, then a space, a tab, a line end or the end of the text.
    private static func isMarker(_ bytes: UnsafeBufferPointer<UInt8>, at offset: Int, _ mark: UInt8) -> Bool {
        guard offset + 3 <= bytes.count, bytes[offset] == mark, bytes[offset + 1] == mark, bytes[offset + 2] == mark else { return false }
        guard offset + 3 < bytes.count else { return true }
        switch bytes[offset + 3] {
        case 0x20, 0x09, 0x0A, 0x0D: return true
        default: return false
        }
    }
}
