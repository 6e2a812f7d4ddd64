/// Text a part of a run adds to one section of a spooled report (``ReportSpool``): the JSON
/// report's findings, a JUnit suite's test cases, a namespace's PolicyReport results.
package struct SpoolSection: Sendable {
    /// Which section; sections are put together by their keys, in the order each key first came.
    package var key: String
    /// How many elements `text` holds (findings, test cases, results).
    package var count: Int
    /// Counts the report's heads need of the section (a suite's failures, a namespace's
    /// outcomes), summed over the parts.
    package var counters: [String: Int] = [:]
    package var text: [UInt8]

    package init(key: String, count: Int, counters: [String: Int] = [:], text: [UInt8]) {
        self.key = key
        self.count = count
        self.counters = counters
        self.text = text
    }
}

/// Where each section's text lies in a spool, with its counts: a few numbers per part, so it
/// stays small however large the run.
package struct SpoolIndex: Sendable {
    package struct Entry: Sendable {
        package var count = 0
        package var counters: [String: Int] = [:]
        /// Byte ranges of the spool holding the section's text, in order.
        var segments: [(offset: Int64, length: Int)] = []
    }

    /// The sections' keys in the order each first came.
    package private(set) var keys: [String] = []
    private var entries: [String: Entry] = [:]

    /// Records `section`, whose text was written at `offset`.
    mutating func add(_ section: SpoolSection, at offset: Int64) {
        if entries[section.key] == nil { keys.append(section.key) }
        entries[section.key, default: Entry()].count += section.count
        for (name, value) in section.counters { entries[section.key, default: Entry()].counters[name, default: 0] += value }
        if !section.text.isEmpty { entries[section.key, default: Entry()].segments.append((offset, section.text.count)) }
    }

    package subscript(key: String) -> Entry { entries[key] ?? Entry() }
}

/// What a ``ReportSpool`` wrote, read back to put the report together.
package struct SpooledSections {
    package let index: SpoolIndex
    let output: any SpoolOutput
    /// Whether the text is already where the report goes (``ReportSpool/inPlace``).
    package let inPlace: Bool

    /// Bytes read back at a time.
    static let chunk = 1 << 20

    /// Hands a section's text to `take` in chunks, in order; false when it cannot all be read,
    /// or `take` refuses a chunk.
    package func text(_ key: String, to take: ([UInt8]) -> Bool) -> Bool {
        for segment in index[key].segments {
            var offset = segment.offset
            let end = segment.offset + Int64(segment.length)
            while offset < end {
                let count = Int(min(Int64(Self.chunk), end - offset))
                guard let bytes = output.read(at: offset, count: count), bytes.count == count, take(bytes) else { return false }
                offset += Int64(count)
            }
        }
        return true
    }

    /// The texts of `keys` one after the other.
    package func text(_ keys: [String], to take: ([UInt8]) -> Bool) -> Bool {
        keys.allSatisfy { text($0, to: take) }
    }

    /// How many elements the sections of `keys` hold together.
    package func count(_ keys: [String]) -> Int {
        keys.reduce(0) { $0 + index[$1].count }
    }
}
