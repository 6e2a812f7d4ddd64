/// Finds where values sit in JSON text, for reports that point at the offending line.
///
/// A byte scanner that builds no values (jansson builds those): it follows strings, brackets
/// and separators to know the JSON pointer of each value and its line and column. Documents
/// are numbered as the manifest reader numbers them: each JSON text in turn, and each element
/// of a top-level array is a document of its own.
public enum JSONLocator {
    /// - Parameter wanted: per 1-based document, the JSON pointers to locate.
    /// - Returns: per document, the 1-based line and column (in characters) of each wanted
    ///   pointer found and of each of their parents, so a caller can fall back to the nearest.
    public static func positions(in bytes: [UInt8], wanted: [Int: Set<String>]) -> [Int: [String: (line: Int, column: Int)]] {
        bytes.withUnsafeBufferPointer { positions(in: $0, wanted: wanted) }
    }

    /// The same, over bytes borrowed where they are (an item of a mapped `List`).
    public static func positions(in bytes: UnsafeBufferPointer<UInt8>, wanted: [Int: Set<String>]) -> [Int: [String: (line: Int, column: Int)]] {
        var scanner = Scanner(bytes: bytes, wanted: wanted)
        scanner.run()
        return lineAndColumn(scanner.found, in: bytes)
    }

    /// Byte offsets turned into lines and columns once, at the end: the scan itself only
    /// counts bytes.
    private static func lineAndColumn(
        _ found: [Int: [String: Int]], in bytes: UnsafeBufferPointer<UInt8>
    ) -> [Int: [String: (line: Int, column: Int)]] {
        let offsets = Array(Set(found.values.flatMap(\.values))).sorted()
        var places: [Int: (line: Int, column: Int)] = [:]
        places.reserveCapacity(offsets.count)
        for (offset, place) in zip(offsets, TextPositions.lineAndColumn(of: offsets, in: bytes)) { places[offset] = place }
        return found.mapValues { pointers in pointers.compactMapValues { places[$0] } }
    }

    private struct Frame {
        var isObject: Bool
        /// In an object, whether the current member's key has been read.
        var hasKey = false
        /// The current key's node, when the key leads to a wanted value.
        var keyNode: JSONPointerTargets.Node?
        var index = 0
        /// The collection's own node when it leads to a wanted value; `nil` lets everything
        /// below it be skipped without reading a key.
        var node: JSONPointerTargets.Node?
        /// A top-level array whose elements are documents.
        var isDocumentList = false
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        let wanted: [Int: Set<String>]
        /// Per document, the byte offset of each wanted value and of each parent on the way.
        var found: [Int: [String: Int]] = [:]
        var offset = 0
        var frames: [Frame] = []
        var document = 0
        /// Frames above a document's root (1 inside a top-level array of documents).
        var base = 0
        /// The current document's wanted pointers and the paths to them.
        var targets = JSONPointerTargets([])
        /// The node of the value that just started, when it leads to a wanted one.
        var started: JSONPointerTargets.Node?

        init(bytes: UnsafeBufferPointer<UInt8>, wanted: [Int: Set<String>]) {
            self.bytes = bytes
            self.wanted = wanted
        }

        mutating func advance() {
            if offset < bytes.count { offset += 1 }
        }

        mutating func skipSpace() {
            while offset < bytes.count {
                switch bytes[offset] {
                case 0x20, 0x09, 0x0A, 0x0D: advance()
                default: return
                }
            }
        }

        /// A value starts here: count a new document at the top, record the value if wanted,
        /// and leave its pointer in `started` when values below it may be wanted.
        mutating func valueStarts() {
            started = nil
            if frames.count == base {
                document += 1
                targets = JSONPointerTargets(wanted[document] ?? [])
                started = targets.root
                if !targets.isEmpty { found[document, default: [:]][""] = offset }
                return
            }
            guard frames.count > base, let top = frames.indices.last, let parent = frames[top].node else { return }
            let child = frames[top].isObject ? frames[top].keyNode : targets.child(of: parent, index: frames[top].index)
            guard let child else { return }
            found[document, default: [:]][targets.pointer(child)] = offset
            started = child
        }

        mutating func valueEnds() {
            guard let top = frames.indices.last else { return }
            if frames[top].isObject {
                frames[top].hasKey = false
                frames[top].keyNode = nil
            } else {
                frames[top].index += 1
            }
        }

        /// Reads the key at `offset` (on its opening quote) and returns its node below `parent`:
        /// a key without escapes is compared as it is written, without building a string.
        mutating func key(below parent: JSONPointerTargets.Node) -> JSONPointerTargets.Node? {
            var end = offset + 1
            while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
            guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return targets.child(of: parent, token: string()) }
            let node = targets.child(of: parent, token: UnsafeBufferPointer(rebasing: bytes[(offset + 1)..<end]))
            offset = end + 1
            return node
        }

        /// Reads a string at `offset` (on its opening quote) and returns its text.
        mutating func string() -> String {
            advance()
            var text: [UInt8] = []
            while offset < bytes.count, bytes[offset] != UInt8(ascii: "\"") {
                if bytes[offset] == UInt8(ascii: "\\"), offset + 1 < bytes.count {
                    advance()
                    let escape = bytes[offset]
                    advance()
                    switch escape {
                    case UInt8(ascii: "n"): text.append(0x0A)
                    case UInt8(ascii: "t"): text.append(0x09)
                    case UInt8(ascii: "r"): text.append(0x0D)
                    case UInt8(ascii: "b"): text.append(0x08)
                    case UInt8(ascii: "f"): text.append(0x0C)
                    case UInt8(ascii: "u"):
                        var unit: UInt32 = 0
                        for _ in 0..<4 where offset < bytes.count {
                            unit = unit << 4 | UInt32(Self.hex(bytes[offset]))
                            advance()
                        }
                        // A surrogate pair spells one scalar.
                        if (0xD800..<0xDC00).contains(unit), offset + 5 < bytes.count, bytes[offset] == UInt8(ascii: "\\"),
                            bytes[offset + 1] == UInt8(ascii: "u")
                        {
                            advance()
                            advance()
                            var low: UInt32 = 0
                            for _ in 0..<4 where offset < bytes.count {
                                low = low << 4 | UInt32(Self.hex(bytes[offset]))
                                advance()
                            }
                            unit = 0x10000 + ((unit - 0xD800) << 10) + (low &- 0xDC00)
                        }
                        text += Array(String(Unicode.Scalar(unit).map(Character.init) ?? "\u{FFFD}").utf8)
                    default: text.append(escape)
                    }
                } else {
                    text.append(bytes[offset])
                    advance()
                }
            }
            advance()
            return String(decoding: text, as: UTF8.self)
        }

        /// Skips a string at `offset` (on its opening quote) without building it: most strings
        /// are values or keys on paths that lead to nothing wanted.
        mutating func skipString() {
            offset += 1
            while offset < bytes.count {
                let byte = bytes[offset]
                if byte == UInt8(ascii: "\"") { break }
                offset += byte == UInt8(ascii: "\\") ? 2 : 1
            }
            offset = min(offset + 1, bytes.count)
        }

        /// Skips the object or array at `offset` (on its opening bracket) to just past its
        /// closing bracket: most of a pod (metadata, env, volumes, status) leads to no finding.
        mutating func skipCollection() {
            var depth = 0
            while offset < bytes.count {
                switch bytes[offset] {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                    offset += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    offset += 1
                    if depth == 0 { return }
                case UInt8(ascii: "\""):
                    skipString()
                default:
                    offset += 1
                }
            }
        }

        static func hex(_ byte: UInt8) -> UInt8 {
            switch byte {
            case 0x30...0x39: byte - 0x30
            case 0x41...0x46: byte - 0x37
            case 0x61...0x66: byte - 0x57
            default: 0
            }
        }

        mutating func run() {
            while true {
                skipSpace()
                guard offset < bytes.count else { return }
                let byte = bytes[offset]
                let top = frames.indices.last
                let expectsKey = top.map { frames[$0].isObject && !frames[$0].hasKey } ?? false
                switch byte {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    // A top-level array holds one document per element.
                    if frames.isEmpty, byte == UInt8(ascii: "[") {
                        frames.append(Frame(isObject: false, isDocumentList: true))
                        base = 1
                        advance()
                        continue
                    }
                    valueStarts()
                    guard let node = started, targets.leadsFurther(node) else {
                        // Nothing wanted below: past it by brackets and strings alone.
                        skipCollection()
                        valueEnds()
                        continue
                    }
                    frames.append(Frame(isObject: byte == UInt8(ascii: "{"), node: started))
                    advance()
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    advance()
                    let closed = frames.popLast()
                    if closed?.isDocumentList == true {
                        base = 0
                    } else {
                        valueEnds()
                    }
                case UInt8(ascii: ","), UInt8(ascii: ":"):
                    advance()
                case UInt8(ascii: "\""):
                    if expectsKey, let top {
                        frames[top].hasKey = true
                        // A key matters only below a collection that leads to something wanted.
                        if let parent = frames[top].node {
                            frames[top].keyNode = key(below: parent)
                        } else {
                            skipString()
                        }
                    } else {
                        valueStarts()
                        skipString()
                        valueEnds()
                    }
                default:
                    // A number or a literal: up to the next separator.
                    valueStarts()
                    scanLiteral: while offset < bytes.count {
                        switch bytes[offset] {
                        case 0x20, 0x09, 0x0A, 0x0D, 0x2C, 0x5D, 0x7D: break scanLiteral
                        default: advance()
                        }
                    }
                    valueEnds()
                }
            }
        }
    }
}
