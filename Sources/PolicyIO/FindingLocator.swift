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
    package static func locate(_ report: inout Report, contents: (String) -> [UInt8]?) {
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
            positions[file] =
                text.looksLikeJSON
                ? JSONLocator.positions(in: text.bytes, wanted: documents) : YAMLLocator.positions(in: text.bytes, wanted: documents)
        }
        for candidate in candidates {
            guard let found = positions[candidate.file]?[candidate.document] else { continue }
            // The deepest pointer the document has: the value, else its nearest parent.
            var pointer = Substring(candidate.pointer)
            while true {
                if let place = found[String(pointer)] {
                    report.findings[candidate.finding].position = SourcePosition(line: place.line, column: place.column)
                    break
                }
                guard pointer.utf8.count > candidate.floor, let slash = pointer.lastIndex(of: "/") else { break }
                pointer = pointer[..<slash]
            }
        }
    }

    /// `pointer` and its parents, deepest first, down to `floor`.
    static func ancestors(_ pointer: String, stoppingAt floor: String) -> [String] {
        var result = [pointer]
        var current = Substring(pointer)
        while current.count > floor.count, let slash = current.lastIndex(of: "/") {
            current = current[..<slash]
            if current.count < floor.count { break }
            result.append(String(current))
        }
        return result
    }
}
