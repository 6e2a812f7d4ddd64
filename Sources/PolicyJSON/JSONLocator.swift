/// Finds where values sit in JSON text, for reports that point at the offending line.
///
/// A byte scanner that builds no values (jansson builds those): it follows strings, brackets
/// and separators to know the JSON pointer of each value and its line and column. Documents
/// are numbered as the manifest reader numbers them: each JSON text in turn, and each element
/// of a top-level array is a document of its own.
public enum JSONLocator {
    /// - Parameter wanted: per 1-based document, the JSON pointers to locate.
    /// - Returns: per document, each found pointer's 1-based line and column (in characters).
    public static func positions(in bytes: [UInt8], wanted: [Int: Set<String>]) -> [Int: [String: (line: Int, column: Int)]] {
        var scanner = Scanner(bytes: bytes, wanted: wanted)
        scanner.run()
        return scanner.found
    }

    private struct Frame {
        var isObject: Bool
        var key: String?
        var index = 0
        /// A top-level array whose elements are documents.
        var isDocumentList = false
    }

    private struct Scanner {
        let bytes: [UInt8]
        let wanted: [Int: Set<String>]
        var found: [Int: [String: (line: Int, column: Int)]] = [:]
        var offset = 0
        var line = 1
        var column = 1
        var frames: [Frame] = []
        var document = 0
        /// Frames above a document's root (1 inside a top-level array of documents).
        var base = 0

        init(bytes: [UInt8], wanted: [Int: Set<String>]) {
            self.bytes = bytes
            self.wanted = wanted
        }

        mutating func advance() {
            guard offset < bytes.count else { return }
            let byte = bytes[offset]
            offset += 1
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }

        mutating func skipSpace() {
            while offset < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset]) { advance() }
        }

        /// A value starts here: count a new document at the top, record the value if wanted.
        mutating func valueStarts() {
            if frames.count == base {
                document += 1
            }
            guard let pointers = wanted[document], frames.count >= base else { return }
            let pointer = frames[base...].map { frame in "/" + JSONPointer.escape(frame.isObject ? frame.key ?? "" : String(frame.index)) }.joined()
            if pointers.contains(pointer) { found[document, default: [:]][pointer] = (line, column) }
        }

        mutating func valueEnds() {
            guard let top = frames.indices.last else { return }
            if frames[top].isObject { frames[top].key = nil } else { frames[top].index += 1 }
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
                let expectsKey = frames.last.map { $0.isObject && $0.key == nil } ?? false
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
                    frames.append(Frame(isObject: byte == UInt8(ascii: "{")))
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
                    if expectsKey, let top = frames.indices.last {
                        frames[top].key = string()
                    } else {
                        valueStarts()
                        _ = string()
                        valueEnds()
                    }
                default:
                    // A number or a literal: up to the next separator.
                    valueStarts()
                    while offset < bytes.count, ![0x20, 0x09, 0x0A, 0x0D, 0x2C, 0x5D, 0x7D].contains(bytes[offset]) { advance() }
                    valueEnds()
                }
            }
        }
    }
}
