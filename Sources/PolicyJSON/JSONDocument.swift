internal import CJansson

#if canImport(Glibc)
import Glibc
#endif

/// An immutable, parsed JSON document whose tree is owned by jansson.
///
/// `JSONDocument` owns exactly one reference to the root `json_t`; every ``JSONNode`` borrowed
/// from it keeps the document alive, so a node can never outlive the tree it points into.
///
/// The document is `@unchecked Sendable` because nothing mutates the tree after construction:
/// jansson's reference counts are only touched here, in `init` and `deinit`, and reads of an
/// unchanging tree are safe from any thread.
public final class JSONDocument: @unchecked Sendable {
    let root: UnsafeMutablePointer<json_t>

    /// Takes over the single reference a jansson constructor (`json_loadb`, `json_object`, ...)
    /// returned; the document releases it in `deinit`.
    init(takingOwnership root: UnsafeMutablePointer<json_t>) {
        self.root = root
    }

    deinit {
        json_decref(root)
    }

    /// Parses one JSON text (any value at the top level) from raw bytes.
    ///
    /// Duplicate object keys are rejected: a policy or manifest that says the same key twice is
    /// ambiguous, and JSON parsers disagree on which one wins.
    ///
    /// - Parameters:
    ///   - bytes: UTF-8 JSON text.
    ///   - source: the name used in error messages (a file path, `<stdin>`, a package member).
    /// - Throws: ``JSONParseError`` with the line, column and byte offset of the problem.
    public static func parse(_ bytes: some Collection<UInt8>, source: String) throws(JSONParseError) -> JSONDocument {
        try refuseOversizedTree(bytes, source: source)
        var error = json_error_t()
        let flags = Int(JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL)
        let load = { (buffer: UnsafeBufferPointer<UInt8>) -> UnsafeMutablePointer<json_t>? in
            withCChars(buffer) { json_loadb($0, $1, flags, &error) }
        }
        let parsed = bytes.withContiguousStorageIfAvailable(load) ?? Array(bytes).withUnsafeBufferPointer(load)
        guard let root = parsed else {
            throw JSONParseError(source: source, jansson: error)
        }
        return JSONDocument(takingOwnership: root)
    }

    /// Parses JSON texts written one after the other (`{...}{...}`, or two `kubectl -o json`
    /// outputs appended), as kubectl reads them: each with the 1-based line it starts on.
    ///
    /// - Throws: ``JSONParseError`` at the first text that does not parse, positioned in the
    ///   whole input.
    public static func parseSequence(_ bytes: [UInt8], source: String) throws(JSONParseError) -> [(document: JSONDocument, line: Int)] {
        try refuseOversizedTree(bytes, source: source)
        var documents: [(document: JSONDocument, line: Int)] = []
        let flags = Int(JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL | JSON_DISABLE_EOF_CHECK)
        var offset = 0
        var line = 1
        func skipSpace() {
            while offset < bytes.count, bytes[offset] == 0x20 || bytes[offset] == 0x09 || bytes[offset] == 0x0A || bytes[offset] == 0x0D {
                if bytes[offset] == 0x0A { line += 1 }
                offset += 1
            }
        }
        skipSpace()
        repeat {
            var error = json_error_t()
            let start = offset
            let parsed = bytes.withUnsafeBufferPointer { buffer in
                withCChars(UnsafeBufferPointer(rebasing: buffer[start...])) { json_loadb($0, $1, flags, &error) }
            }
            guard let root = parsed else {
                var failure = JSONParseError(source: source, jansson: error)
                failure.offset += start
                failure.line += line - 1
                throw failure
            }
            documents.append((JSONDocument(takingOwnership: root), line))
            let consumed = max(1, Int(error.position))
            for index in start..<min(bytes.count, start + consumed) where bytes[index] == 0x0A { line += 1 }
            offset = start + consumed
            skipSpace()
        } while offset < bytes.count
        return documents
    }

    /// The most values a parsed input may hold: a jansson value takes 50 to 100 bytes, so text
    /// of tiny values (`[[],[],...]`) grows about fifty-fold in memory, and 200 MB of it needed
    /// 9.6 GB. Real manifests hold about one value per 25 bytes: this bound is met by inputs
    /// near 400 MB, past what real ones are.
    public static let maxValues = 16_000_000

    /// Refuses, before parsing, text jansson would read wrongly or ruinously: a tree of more
    /// than ``maxValues`` values, and a number that is not zero but underflows a double to
    /// zero (`1e-400`; Kubernetes reads that quantity as `1n`, jansson as 0).
    public static func refuseOversizedTree(_ bytes: some Collection<UInt8>, source: String, limit: Int = maxValues) throws(JSONParseError) {
        // The careful scan runs only where it can find something: text long enough to hold too
        // many values, or a negative exponent after a digit somewhere (most texts have neither,
        // and every pod of a large input comes through here).
        let scan = { (buffer: UnsafeBufferPointer<UInt8>) in
            buffer.count > limit || mayHoldTinyNumber(buffer) ? audit(buffer, limit: limit) : nil
        }
        guard let problem = bytes.withContiguousStorageIfAvailable(scan) ?? Array(bytes).withUnsafeBufferPointer(scan) else { return }
        throw JSONParseError(source: source, line: 0, column: 0, offset: problem.offset, reason: problem.reason)
    }

    /// Whether the bytes have what starts like a JSON number with a negative exponent (digits,
    /// then `e` or `E`, then `-`, the digits beginning after a sign, a delimiter or the start):
    /// the only way a JSON number can underflow. A UUID or a digest in a string
    /// (`"4a4e-9f5e-..."`) has letters before its digits, so every AdmissionReview and every
    /// pod with a `uid` does not pay for the careful scan.
    static func mayHoldTinyNumber(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        // From one `-` to the next with memchr (vectorized): texts have few, and each is
        // looked at in constant time but for the digits before it.
        guard let base = bytes.baseAddress, bytes.count >= 3 else { return false }
        func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
        var offset = 2
        while offset < bytes.count {
            guard let found = memchr(base + offset, 0x2D, bytes.count - offset) else { return false }
            let index = base.distance(to: found.assumingMemoryBound(to: UInt8.self))
            offset = index + 1
            guard bytes[index - 1] | 0x20 == 0x65, isDigit(bytes[index - 2]) else { continue }
            var start = index - 2
            while start > 0, isDigit(bytes[start - 1]) || bytes[start - 1] == 0x2E { start -= 1 }
            if start > 0, bytes[start - 1] == 0x2D { start -= 1 }
            // What may come before a JSON value: white space, `:`, `,`, `[`, or nothing.
            guard start > 0 else { return true }
            switch bytes[start - 1] {
            case 0x20, 0x09, 0x0A, 0x0D, 0x3A, 0x2C, 0x5B: return true
            default: continue
            }
        }
        return false
    }

    /// The first problem of ``refuseOversizedTree(_:source:limit:)``, with its offset.
    private static func audit(_ bytes: UnsafeBufferPointer<UInt8>, limit: Int) -> (offset: Int, reason: String)? {
        var values = 0
        var inString = false
        var escaped = false
        var offset = 0
        while offset < bytes.count {
            let byte = bytes[offset]
            if inString {
                if escaped { escaped = false } else if byte == 0x5C { escaped = true } else if byte == 0x22 { inString = false }
                offset += 1
                continue
            }
            switch byte {
            case 0x22:
                inString = true
            case 0x5B, 0x7B, 0x2C:
                values += 1
                if values > limit {
                    return (offset, "the text holds more than \(limit) values, which would take several GB to hold; split the input")
                }
            case 0x2D, 0x30...0x39:
                // A number: scan it whole; only one with an exponent can underflow.
                let start = offset
                var nonZeroDigit = false
                var exponent = false
                while offset < bytes.count,
                    (0x2B...0x2E).contains(bytes[offset]) || (0x30...0x39).contains(bytes[offset]) || bytes[offset] | 0x20 == 0x65
                {
                    if bytes[offset] | 0x20 == 0x65 { exponent = true }
                    if !exponent, (0x31...0x39).contains(bytes[offset]) { nonZeroDigit = true }
                    offset += 1
                }
                if exponent, nonZeroDigit {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<offset]), as: UTF8.self)
                    if let value = Double(text), value == 0 {
                        return (start, "the number \(text) is too small for a double and would read as 0; write it as a string (\"\(text)\")")
                    }
                }
                continue
            default:
                break
            }
            offset += 1
        }
        return nil
    }

    /// Parses a string of JSON text.
    public static func parse(_ text: String, source: String) throws(JSONParseError) -> JSONDocument {
        try parse(Array(text.utf8), source: source)
    }

    /// Builds a jansson tree from a Swift value, e.g. a YAML document or a resolved pod, so that
    /// every document is read through the same ``JSONNode`` API.
    ///
    /// - Throws: ``JSONBuildError`` when a value cannot be represented (a non-finite number).
    public convenience init(_ value: JSONValue) throws(JSONBuildError) {
        self.init(takingOwnership: try JanssonBuilder.build(value))
    }

    /// The top-level value.
    public var rootNode: JSONNode { JSONNode(document: self, raw: root) }
}

/// The jansson library in use, for `flyte-policy version`.
public enum JSONLibrary {
    public static var version: String { String(cString: jansson_version_str()) }
}
