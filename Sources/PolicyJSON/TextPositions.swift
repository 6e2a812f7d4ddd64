import Glibc

/// Lines and columns of byte offsets in a text, in one pass up to the last offset: lines are
/// counted with memchr, and a column only on its own line (in characters: every byte but UTF-8
/// continuation bytes). Scanners record offsets, which cost nothing per byte; this turns the
/// few that are wanted into places.
package enum TextPositions {
    /// - Parameter offsets: in ascending order (repeats allowed); one past the text is its end.
    /// - Parameter passed: told each offset once it is placed, so a reader of a mapped file can
    ///   give back the pages the scan has passed.
    /// - Returns: the 1-based line and column of each offset, in the same order.
    package static func lineAndColumn(
        of offsets: [Int], in bytes: UnsafeBufferPointer<UInt8>, passed: (Int) -> Void = { _ in }
    ) -> [(line: Int, column: Int)] {
        var places: [(line: Int, column: Int)] = []
        places.reserveCapacity(offsets.count)
        var line = 1
        var lineStart = 0
        var scanned = 0
        // The column of `counted` on the current line: offsets on one line (a minified List is one
        // line of a gigabyte) are counted on from the one before, not from the line's start.
        var counted = 0
        var column = 1
        for requested in offsets {
            let offset = min(max(requested, 0), bytes.count)
            while scanned < offset, let base = bytes.baseAddress, let newline = memchr(base + scanned, 0x0A, offset - scanned) {
                scanned = UnsafePointer<UInt8>(newline.assumingMemoryBound(to: UInt8.self)) - base + 1
                lineStart = scanned
                line += 1
            }
            scanned = max(scanned, offset)
            if counted < lineStart {
                counted = lineStart
                column = 1
            }
            for index in counted..<max(counted, offset) where bytes[index] & 0xC0 != 0x80 { column += 1 }
            counted = max(counted, offset)
            places.append((line, column))
            passed(offset)
        }
        return places
    }

    package static func lineAndColumn(of offsets: [Int], in bytes: [UInt8]) -> [(line: Int, column: Int)] {
        bytes.withUnsafeBufferPointer { lineAndColumn(of: offsets, in: $0) }
    }
}
