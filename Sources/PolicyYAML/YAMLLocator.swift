import PolicyJSON

/// Finds where values sit in a YAML stream, for reports that point at the offending line.
///
/// Run after the checks, over the files that have findings only, so reading inputs keeps no
/// position of every value: a whole file is parsed again, and a run of documents that the List
/// pipeline checks together replays the events its own parse recorded (``YAMLEvents``), kept
/// only until its findings are placed. Documents are numbered as ``YAMLReader`` returns them to the
/// manifest reader: 1-based, empty documents (`---` with nothing, or `null`) not counted.
package enum YAMLLocator {
    /// - Parameter wanted: per 1-based document, the JSON pointers to locate.
    /// - Returns: per document, the 1-based line and column of each wanted pointer found and of
    ///   each of their parents (so a caller can fall back to the nearest). A stream that does
    ///   not parse returns what was found before the error.
    package static func positions(in bytes: [UInt8], wanted: [Int: Set<String>]) -> [Int: [String: (line: Int, column: Int)]] {
        guard !wanted.isEmpty else { return [:] }
        let parser = EventParser(bytes)
        return positions(wanted: wanted) { (try? parser.next()).map(YAMLEvents.Mark.init) }
    }

    /// The same places, found in the events a ``YAMLReader`` parse recorded.
    package static func positions(in recorded: YAMLEvents, wanted: [Int: Set<String>]) -> [Int: [String: (line: Int, column: Int)]] {
        var marks = recorded.marks.makeIterator()
        return positions(wanted: wanted) { marks.next() }
    }

    /// Follows the events `next` hands out until it has none or the stream ends.
    private static func positions(wanted: [Int: Set<String>], next: () -> YAMLEvents.Mark?) -> [Int: [String: (line: Int, column: Int)]] {
        var found: [Int: [String: (line: Int, column: Int)]] = [:]
        guard !wanted.isEmpty else { return found }
        var document = 0
        var targets = JSONPointerTargets([])
        var frames: [Frame] = []
        /// The node of the collection that just started, when it leads to a wanted value.
        var started: JSONPointerTargets.Node?

        /// A value starts at `event`: record it when wanted, and tell whether it was a key.
        /// Pointers are built only along the paths that lead to wanted ones.
        func valueStarts(_ event: YAMLEvents.Mark, keyText: String?) -> Bool {
            started = nil
            if let top = frames.indices.last, frames[top].isMapping, frames[top].key == nil {
                frames[top].key = keyText ?? ""
                return true
            }
            let node: JSONPointerTargets.Node
            if let top = frames.indices.last {
                guard let parent = frames[top].node else { return false }
                let child =
                    frames[top].isMapping
                    ? targets.child(of: parent, token: frames[top].key ?? "") : targets.child(of: parent, index: frames[top].index)
                guard let child else { return false }
                node = child
            } else {
                guard let root = targets.root else { return false }
                node = root
            }
            found[document, default: [:]][targets.pointer(node)] = (event.line, event.column)
            started = node
            return false
        }
        func startDocument() {
            document += 1
            targets = JSONPointerTargets(wanted[document] ?? [])
        }
        func valueEnds() {
            guard let top = frames.indices.last else { return }
            if frames[top].isMapping { frames[top].key = nil } else { frames[top].index += 1 }
        }

        while let event = next() {
            switch event.kind {
            case .streamEnd: return found
            case .streamStart, .documentEnd: break
            case .documentStart:
                frames = []
                targets = JSONPointerTargets([])
            case .scalar:
                let value = event.text ?? ""
                if frames.isEmpty {
                    // An empty document is not one the manifest reader returns.
                    let isNull = event.plain && ["", "~", "null", "Null", "NULL"].contains(value)
                    if isNull { continue }
                    startDocument()
                }
                if !valueStarts(event, keyText: value) { valueEnds() }
            case .alias:
                if frames.isEmpty { startDocument() }
                if !valueStarts(event, keyText: nil) { valueEnds() }
            case .sequenceStart, .mappingStart:
                if frames.isEmpty { startDocument() }
                _ = valueStarts(event, keyText: nil)
                frames.append(Frame(isMapping: event.kind == .mappingStart, node: started))
            case .sequenceEnd, .mappingEnd:
                _ = frames.popLast()
                valueEnds()
            }
        }
        return found
    }

    private struct Frame {
        var isMapping: Bool
        /// The collection's node when it leads to a wanted value, else `nil`.
        var node: JSONPointerTargets.Node?
        var key: String?
        var index = 0
    }
}
