/// Strings that documents of one kind keep repeating (member names, enum-like values): reading
/// one of them returns the vocabulary's own copy instead of validating and building a new
/// string, and the long ones are shared instead of allocated again for every document.
///
/// Decoding a Kubernetes pod makes some sixty strings, and a third of them are words such as
/// `cpu`, `NoSchedule` or `workflow-name`.
public struct StringVocabulary: Sendable {
    /// The tables behind one reference: a vocabulary is usually a global, read for every string
    /// decoded, and reading a global struct copies it (one retain per array inside).
    private final class Table: Sendable {
        /// The words, shortest first.
        let words: [String]
        /// The UTF-8 of every word, one after the other; `starts[i]` is where word `i` begins.
        let bytes: [UInt8]
        let starts: [Int]
        /// The words of `n` bytes are `firstOfLength[n] ..< firstOfLength[n + 1]`.
        let firstOfLength: [Int]

        init(words: [String], bytes: [UInt8], starts: [Int], firstOfLength: [Int]) {
            self.words = words
            self.bytes = bytes
            self.starts = starts
            self.firstOfLength = firstOfLength
        }
    }

    private let table: Table

    public init(_ words: [String]) {
        var unique: [String] = []
        for word in words where !unique.contains(word) { unique.append(word) }
        unique.sort { ($0.utf8.count, $0) < ($1.utf8.count, $1) }
        let longest = unique.last?.utf8.count ?? 0
        var bytes: [UInt8] = []
        var starts: [Int] = []
        var firstOfLength = [Int](repeating: unique.count, count: longest + 2)
        for (index, word) in unique.enumerated().reversed() { firstOfLength[word.utf8.count] = index }
        // Lengths no word has start where the next longer length starts.
        for length in stride(from: longest, through: 0, by: -1) where firstOfLength[length] > firstOfLength[length + 1] {
            firstOfLength[length] = firstOfLength[length + 1]
        }
        for word in unique {
            starts.append(bytes.count)
            bytes.append(contentsOf: word.utf8)
        }
        table = Table(words: unique, bytes: bytes, starts: starts, firstOfLength: firstOfLength)
    }

    /// The word spelled by `text`, if it is one.
    public func word(spelledBy text: UnsafeBufferPointer<UInt8>) -> String? {
        let length = text.count
        let table = table
        guard length + 1 < table.firstOfLength.count else { return nil }
        guard let base = text.baseAddress else {
            // Only the empty text has no storage.
            let first = table.firstOfLength[0]
            return length == 0 && first < table.firstOfLength[1] ? table.words[first] : nil
        }
        return table.bytes.withUnsafeBufferPointer { bytes -> String? in
            guard let bytesBase = bytes.baseAddress else { return nil }
            for index in table.firstOfLength[length]..<table.firstOfLength[length + 1]
            where Self.equal(bytesBase + table.starts[index], base, length) {
                return table.words[index]
            }
            return nil
        }
    }

    /// The word spelled by the bytes, else a new string of them.
    func string(_ text: UnsafeBufferPointer<UInt8>) -> String {
        word(spelledBy: text) ?? String(decoding: text, as: UTF8.self)
    }

    private static func equal(_ left: UnsafePointer<UInt8>, _ right: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        for offset in 0..<count where left[offset] != right[offset] { return false }
        return true
    }
}
