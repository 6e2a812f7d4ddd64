import PolicyCore
import PolicyJSON
import PolicyYAML

/// Puts the line and column of the offending value on findings about Kubernetes manifests
/// read from YAML or JSON text, so reports point at the field, not at the document's first line.
///
/// Runs after the checks, over the files that have findings only; a value the pod does not
/// have (a missing limit) is placed at its nearest written parent, and a pod built from other
/// fields (an Argo step, a Spark driver) at what it was built from.
package enum FindingLocator {
    /// - Parameter contents: the bytes of an input file by name (`<stdin>` included), or `nil`
    ///   when they can no longer be had.
    /// - Parameter located: files whose findings were placed as they were read (a large
    ///   `List`, by ``ListPipeline``): not read again.
    package static func locate(_ report: inout Report, skipping located: Set<String> = [], contents: (String) -> [UInt8]?) {
        place(&report.findings, of: report.subjects, skipping: located) { file, wanted in
            contents(file).map { positions(in: InputFile(name: file, bytes: $0), wanted: wanted) }
        }
    }

    /// Per document of `file`, the places of the wanted pointers and of their parents, by the
    /// JSON or the YAML locator as the text reads.
    static func positions(in file: InputFile, wanted: [Int: Set<String>]) -> [Int: [String: (line: Int, column: Int)]] {
        let text = file.normalizedText()
        let bytes = text.bytes.array
        return text.looksLikeJSON ? JSONLocator.positions(in: bytes, wanted: wanted) : YAMLLocator.positions(in: bytes, wanted: wanted)
    }

    /// Places the findings of a part read from a run of whole YAML documents that starts at
    /// `firstLine` of its file (``ListPipeline``), its documents numbered from the run's first,
    /// with the events the run's parse recorded.
    static func locate(_ part: inout ReportPart, inYAML events: YAMLEvents, firstLine: Int) {
        place(&part.findings, of: part.subjects) { _, wanted in
            YAMLLocator.positions(in: events, wanted: wanted).mapValues { found in found.mapValues { ($0.line + firstLine - 1, $0.column) } }
        }
    }

    /// Sets the position of each finding whose pod is written in a text file, with the
    /// positions `positions` finds in a file for the wanted pointers of its documents.
    private static func place(
        _ findings: inout [Finding], of subjects: [Subject], skipping located: Set<String> = [],
        positions: (_ file: String, _ wanted: [Int: Set<String>]) -> [Int: [String: (line: Int, column: Int)]]?
    ) {
        // Per file, per document, the pointers whose position is wanted; the locators record
        // their parents too, for values the pod does not have.
        var wanted: [String: [Int: Set<String>]] = [:]
        var candidates: [(finding: Int, file: String, document: Int, pointer: String, floor: Int)] = []
        // A pod resolved from Flyte entities is not written in its file: nothing to point at.
        let placeable = subjects.map { subject in
            subject.source.member == nil && !subject.source.isResolved && !located.contains(subject.source.file)
        }
        for index in findings.indices {
            let finding = findings[index]
            guard finding.subjectIndex >= 0, finding.subjectIndex < placeable.count, placeable[finding.subjectIndex]
            else {
                continue
            }
            let source = subjects[finding.subjectIndex].source
            // The scanner matches pointer text against the file's bytes.
            let pointer = source.podPointer.appending(pointer: finding.path).description
            let document = source.document ?? 1
            wanted[source.file, default: [:]][document, default: []].insert(pointer)
            candidates.append((index, source.file, document, pointer, source.podPointer.description.utf8.count))
        }
        var found: [String: [Int: [String: (line: Int, column: Int)]]] = [:]
        for (file, documents) in wanted { found[file] = positions(file, documents) }
        for candidate in candidates {
            guard let places = found[candidate.file]?[candidate.document] else { continue }
            findings[candidate.finding].position = nearest(candidate.pointer, floor: candidate.floor, in: places)
        }
    }

    /// Line and column where each item of a split `List` begins, in one pass over the text.
    /// - Parameter passed: told how far the scan is (``TextPositions``).
    static func itemStarts(_ bytes: UnsafeBufferPointer<UInt8>, items: [Range<Int>], passed: (Int) -> Void = { _ in }) -> [SourcePosition] {
        TextPositions.lineAndColumn(of: items.map(\.lowerBound), in: bytes, passed: passed).map {
            SourcePosition(line: $0.line, column: $0.column)
        }
    }

    /// Places the findings of a part read from the items of a `List` (`/items/N/...`): each
    /// item with findings is scanned apart and its positions moved to the item's place in the
    /// file, which are the positions a scan of the whole text finds.
    /// - Parameter starts: where each item begins (``itemStarts(_:items:)``).
    static func locate(_ part: inout ReportPart, inList bytes: UnsafeBufferPointer<UInt8>, items: [Range<Int>], starts: [SourcePosition]) {
        // Per item, the findings and their pointers below the item.
        var byItem: [Int: [(finding: Int, pointer: String, floor: Int)]] = [:]
        // A pod's findings are many: its item is read from its pointer once.
        var subjectItems = Array(repeating: ItemLookup.pending, count: part.subjects.count)
        for index in part.findings.indices {
            let finding = part.findings[index]
            let subject = finding.subjectIndex
            guard subject >= 0, subject < part.subjects.count else { continue }
            if case .pending = subjectItems[subject] {
                subjectItems[subject] = Self.item(of: part.subjects[subject].source.podPointer.description).map(ItemLookup.at) ?? .outside
            }
            guard case .at(let item, let below) = subjectItems[subject], item < items.count, item < starts.count else { continue }
            byItem[item, default: []].append((index, below + finding.path.description, below.utf8.count))
        }
        for (item, wanted) in byItem {
            let found =
                JSONLocator.positions(in: UnsafeBufferPointer(rebasing: bytes[items[item]]), wanted: [1: Set(wanted.map(\.pointer))])[1] ?? [:]
            let start = starts[item]
            for candidate in wanted {
                guard let place = nearest(candidate.pointer, floor: candidate.floor, in: found) else { continue }
                // The item's first line begins at its column in the file.
                part.findings[candidate.finding].position =
                    place.line == 1
                    ? SourcePosition(line: start.line, column: start.column + place.column - 1)
                    : SourcePosition(line: start.line + place.line - 1, column: place.column)
            }
        }
    }

    /// A subject's List item, read from its pointer once.
    private enum ItemLookup {
        case pending
        /// The pointer names no item of the List.
        case outside
        /// The item, and the pointer's rest below it.
        case at(item: Int, below: String)
    }

    /// `/items/12/spec/template` -> (12, `/spec/template`).
    private static func item(of podPointer: String) -> (Int, String)? {
        guard podPointer.hasPrefix("/items/") else { return nil }
        let rest = podPointer.utf8.dropFirst("/items/".count)
        let digits = rest.prefix { $0 >= 0x30 && $0 <= 0x39 }
        guard !digits.isEmpty, let index = Int(Substring(digits)) else { return nil }
        return (index, String(Substring(rest.dropFirst(digits.count))))
    }

    /// The position of the deepest of `pointer` and its parents (not shorter than `floor`
    /// bytes) that the locators found: the value, else its nearest written parent.
    static func nearest(_ pointer: String, floor: Int = 0, in found: [String: (line: Int, column: Int)]) -> SourcePosition? {
        // Most findings point at a value that is written: found at once, without a copy.
        if let place = found[pointer] { return SourcePosition(line: place.line, column: place.column) }
        var pointer = Substring(pointer)
        while pointer.utf8.count > floor, let slash = pointer.lastIndex(of: "/") {
            pointer = pointer[..<slash]
            if let place = found[String(pointer)] { return SourcePosition(line: place.line, column: place.column) }
        }
        return nil
    }
}
