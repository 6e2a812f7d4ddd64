import Dispatch
import PolicyCore
import PolicyJSON
import PolicyYAML
import Synchronization

/// Puts the line and column of the offending value on findings about Kubernetes manifests
/// read from YAML or JSON text, so reports point at the field, not at the document's first line.
///
/// Runs after the checks, over the files that have findings only; a value the pod does not
/// have (a missing limit) is placed at its nearest written parent, and a pod built from other
/// fields (an Argo step, a Spark driver) at what it was built from.
package enum FindingLocator {
    /// - Parameter contents: the bytes of an input file by name (`<stdin>` included), or `nil`
    ///   when they can no longer be had.
    /// - Parameter jobs: threads for a large `List`, whose items are located apart.
    package static func locate(_ report: inout Report, jobs: Int = 1, contents: (String) -> [UInt8]?) {
        // Per file, per document, the pointers whose position is wanted; the locators record
        // their parents too, for values the pod does not have.
        var wanted: [String: [Int: Set<String>]] = [:]
        var candidates: [(finding: Int, file: String, document: Int, pointer: String, floor: Int)] = []
        for index in report.findings.indices {
            let finding = report.findings[index]
            guard finding.subjectIndex < report.subjects.count, finding.path.hasPrefix("/") else { continue }
            let source = report.subjects[finding.subjectIndex].source
            // A pod resolved from Flyte entities is not written in its file: nothing to point at.
            guard source.member == nil, !source.isResolved else { continue }
            let pointer = source.podPointer + finding.path
            let document = source.document ?? 1
            wanted[source.file, default: [:]][document, default: []].insert(pointer)
            candidates.append((index, source.file, document, pointer, source.podPointer.utf8.count))
        }
        var positions: [String: [Int: [String: (line: Int, column: Int)]]] = [:]
        for (file, documents) in wanted {
            guard let bytes = contents(file) else { continue }
            let text = InputFile(name: file, bytes: bytes).normalizedText()
            if text.looksLikeJSON, jobs > 1, text.bytes.count >= FlyteInputs.parallelListBytes, documents.count == 1,
                let pointers = documents[1], let found = listPositions(text.bytes, pointers: pointers, jobs: jobs)
            {
                positions[file] = [1: found]
                continue
            }
            positions[file] =
                text.looksLikeJSON
                ? JSONLocator.positions(in: text.bytes, wanted: documents) : YAMLLocator.positions(in: text.bytes, wanted: documents)
        }
        for candidate in candidates {
            guard let found = positions[candidate.file]?[candidate.document] else { continue }
            report.findings[candidate.finding].position = nearest(candidate.pointer, floor: candidate.floor, in: found)
        }
    }

    /// The positions in a large `List` located item by item on `jobs` threads: each item's text
    /// is scanned apart and its positions moved to the item's place in the file. `nil` when the
    /// text is not a List or a pointer is not below `/items/N`.
    static func listPositions(_ bytes: [UInt8], pointers: Set<String>, jobs: Int) -> [String: (line: Int, column: Int)]? {
        guard let split = JSONListSplitter.split(bytes) else { return nil }
        // The wanted pointers of each item, below the item.
        var byItem: [Int: Set<String>] = [:]
        for pointer in pointers {
            guard pointer.hasPrefix("/items/") else { return nil }
            let rest = pointer.dropFirst("/items/".count)
            let digits = rest.prefix { $0.isNumber }
            guard let index = Int(digits), index < split.items.count else { return nil }
            byItem[index, default: []].insert(String(rest.dropFirst(digits.count)))
        }
        // Where each item starts: line and column, in one pass over the text.
        var starts: [(line: Int, column: Int)] = []
        starts.reserveCapacity(split.items.count)
        var line = 1
        var column = 1
        var offset = 0
        for range in split.items {
            while offset < range.lowerBound {
                let byte = bytes[offset]
                if byte == 0x0A {
                    line += 1
                    column = 1
                } else if byte & 0xC0 != 0x80 {
                    column += 1
                }
                offset += 1
            }
            starts.append((line, column))
        }
        let items = byItem.keys.sorted()
        let itemStarts = starts
        let wantedByItem = byItem
        let chunks = min(items.count, jobs * 8)
        guard chunks > 0 else { return [:] }
        let bounds = (0...chunks).map { $0 * items.count / chunks }
        let results = Mutex<[[String: (line: Int, column: Int)]]>(Array(repeating: [:], count: chunks))
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var found: [String: (line: Int, column: Int)] = [:]
            for item in items[bounds[chunk]..<bounds[chunk + 1]] {
                let start = itemStarts[item]
                let local = JSONLocator.positions(in: Array(bytes[split.items[item]]), wanted: [1: wantedByItem[item] ?? []])[1] ?? [:]
                for (pointer, place) in local {
                    // The item's first line begins at its column in the file.
                    let position = place.line == 1 ? (start.line, start.column + place.column - 1) : (start.line + place.line - 1, place.column)
                    found["/items/\(item)" + pointer] = position
                }
            }
            results.withLock { $0[chunk] = found }
        }
        var merged: [String: (line: Int, column: Int)] = [:]
        for part in results.withLock({ $0 }) { merged.merge(part) { first, _ in first } }
        return merged
    }

    /// The position of the deepest of `pointer` and its parents (not shorter than `floor`
    /// bytes) that the locators found: the value, else its nearest written parent.
    static func nearest(_ pointer: String, floor: Int = 0, in found: [String: (line: Int, column: Int)]) -> SourcePosition? {
        var pointer = Substring(pointer)
        while true {
            if let place = found[String(pointer)] { return SourcePosition(line: place.line, column: place.column) }
            guard pointer.utf8.count > floor, let slash = pointer.lastIndex(of: "/") else { return nil }
            pointer = pointer[..<slash]
        }
    }
}
