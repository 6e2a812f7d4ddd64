import PolicyJSON

/// Finds where values sit in a YAML stream, for reports that point at the offending line.
///
/// Run after the checks, over the files that have findings only, so reading inputs keeps no
/// position of every value. Documents are numbered as ``YAMLReader`` returns them to the
/// manifest reader: 1-based, empty documents (`---` with nothing, or `null`) not counted.
package enum YAMLLocator {
    /// - Parameter wanted: per 1-based document, the JSON pointers to locate.
    /// - Returns: per document, each found pointer's 1-based line and column. A stream that
    ///   does not parse returns what was found before the error.
    package static func positions(in bytes: [UInt8], wanted: [Int: Set<String>]) -> [Int: [String: (line: Int, column: Int)]] {
        var found: [Int: [String: (line: Int, column: Int)]] = [:]
        guard !wanted.isEmpty else { return found }
        let parser = EventParser(bytes)
        var document = 0
        var pointers: Set<String>?
        var frames: [Frame] = []

        /// A value starts at `event`: record it when wanted, and tell whether it was a key.
        func valueStarts(_ event: Event, keyText: String?) -> Bool {
            if let top = frames.indices.last, frames[top].isMapping, frames[top].key == nil {
                frames[top].key = keyText ?? ""
                return true
            }
            if let pointers {
                let pointer = frames.map { "/" + JSONPointer.escape($0.token) }.joined()
                if pointers.contains(pointer) { found[document, default: [:]][pointer] = (event.line, event.column) }
            }
            return false
        }
        func valueEnds() {
            guard let top = frames.indices.last else { return }
            if frames[top].isMapping { frames[top].key = nil } else { frames[top].index += 1 }
        }

        while let event = try? parser.next() {
            switch event.kind {
            case .streamEnd: return found
            case .streamStart, .documentEnd: break
            case .documentStart:
                frames = []
                pointers = nil
            case .scalar(let value, _, let plain, _):
                if frames.isEmpty {
                    // An empty document is not one the manifest reader returns.
                    let isNull = plain && ["", "~", "null", "Null", "NULL"].contains(value)
                    if isNull { continue }
                    document += 1
                    pointers = wanted[document]
                }
                if !valueStarts(event, keyText: value) { valueEnds() }
            case .alias:
                if frames.isEmpty {
                    document += 1
                    pointers = wanted[document]
                }
                if !valueStarts(event, keyText: nil) { valueEnds() }
            case .sequenceStart, .mappingStart:
                if frames.isEmpty {
                    document += 1
                    pointers = wanted[document]
                }
                _ = valueStarts(event, keyText: nil)
                var frame = Frame(isMapping: false)
                if case .mappingStart = event.kind { frame.isMapping = true }
                frames.append(frame)
            case .sequenceEnd, .mappingEnd:
                _ = frames.popLast()
                valueEnds()
            }
        }
        return found
    }

    private struct Frame {
        var isMapping: Bool
        var key: String?
        var index = 0
        /// The token of the value being read in this collection.
        var token: String { isMapping ? key ?? "" : String(index) }
    }
}
