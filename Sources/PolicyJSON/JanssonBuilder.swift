internal import CJansson

#if canImport(Glibc)
import Glibc
#endif

/// Converts Swift values to jansson trees and jansson trees to text.
enum JanssonBuilder {
    /// Builds a new tree; the caller owns the returned reference. The pointer is made only when
    /// a value is refused: every resolved pod is built this way, member by member.
    static func build(
        _ value: JSONValue, at pointer: @autoclosure () -> JSONPointer = .root
    ) throws(JSONBuildError)
        -> UnsafeMutablePointer<json_t>
    {
        let made: UnsafeMutablePointer<json_t>?
        switch value {
        case .null: made = json_null()
        case .bool(let flag): made = flag ? json_true() : json_false()
        case .integer(let number): made = json_integer(json_int_t(number))
        case .real(let number):
            guard number.isFinite else { throw JSONBuildError(pointer: pointer(), reason: "\(number) is not finite") }
            made = json_real(number)
        case .string(let text):
            // A Swift string is valid UTF-8 by construction: jansson's check of every byte
            // again (`json_stringn`) is skipped, for strings and keys alike.
            made = withCChars(text) { json_stringn_nocheck($0, $1) }
        case .array(let elements):
            guard let array = json_array() else { throw JSONBuildError(pointer: pointer(), reason: "out of memory") }
            for (offset, element) in elements.enumerated() {
                let child: UnsafeMutablePointer<json_t>
                do {
                    child = try build(element, at: pointer().appending(offset))
                } catch {
                    json_decref(array)
                    throw error
                }
                json_array_append_new(array, child)  // steals child
            }
            made = array
        case .object(let object):
            guard let result = json_object() else { throw JSONBuildError(pointer: pointer(), reason: "out of memory") }
            for (key, member) in object {
                let child: UnsafeMutablePointer<json_t>
                do {
                    child = try build(member, at: pointer().appending(key))
                } catch {
                    json_decref(result)
                    throw error
                }
                _ = withCChars(key) { json_object_setn_new_nocheck(result, $0, $1, child) }  // steals child
            }
            made = result
        }
        guard let made else { throw JSONBuildError(pointer: pointer(), reason: "jansson refused the value") }
        return made
    }

    /// Serializes a tree with jansson's encoder, appending to `bytes`. One pass into jansson's
    /// own growing buffer, then one copy: `json_dumpb` would need a first pass for the size, and
    /// `json_dump_callback` hands over every bracket and indent as a piece of its own.
    static func dump(_ json: UnsafeMutablePointer<json_t>, pretty: Bool, sortKeys: Bool, into bytes: inout [UInt8]) {
        var flags = Int(JSON_ENCODE_ANY) | cjansson_real_precision(17)
        flags |= pretty ? cjansson_indent(2) : Int(JSON_COMPACT)
        if sortKeys { flags |= Int(JSON_SORT_KEYS) }
        // jansson escapes NUL in strings, so the text ends at its first NUL byte. The text is
        // allocated with jansson's allocator, which is malloc: the project never sets its own.
        guard let text = json_dumps(json, flags) else { return }
        defer { free(text) }
        let count = strlen(text)
        text.withMemoryRebound(to: UInt8.self, capacity: count) { bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: count)) }
    }

    /// Appends the text of a scalar (a string, number, boolean or null) by jansson's encoder,
    /// written into a buffer on the stack: the leaves of the frames a report writes itself.
    static func appendScalar(_ value: JSONValue, to bytes: inout [UInt8]) throws(JSONBuildError) {
        let json = try build(value)
        defer { json_decref(json) }
        let flags = Int(JSON_ENCODE_ANY) | cjansson_real_precision(17) | Int(JSON_COMPACT)
        // The size of the text; what fitted in the buffer is appended already.
        let size = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { buffer -> Int in
            guard let base = buffer.baseAddress else { return 0 }
            let size = json_dumpb(json, base, buffer.count, flags)
            if size > 0, size <= buffer.count {
                base.withMemoryRebound(to: UInt8.self, capacity: size) { bytes.append(contentsOf: UnsafeBufferPointer(start: $0, count: size)) }
            }
            return size
        }
        guard size > 0 else { throw JSONBuildError(pointer: .root, reason: "jansson could not encode the value") }
        // Longer than the buffer: written again, into jansson's own.
        if size > 256 { dump(json, pretty: false, sortKeys: false, into: &bytes) }
    }

    /// Serializes a tree with jansson's encoder.
    static func dump(_ json: UnsafeMutablePointer<json_t>, pretty: Bool, sortKeys: Bool) -> [UInt8] {
        var bytes: [UInt8] = []
        dump(json, pretty: pretty, sortKeys: sortKeys, into: &bytes)
        return bytes
    }
}

extension JSONValue {
    /// Serialized JSON text, produced by jansson's encoder. Object members keep insertion order
    /// unless `sortKeys` is set, so output is byte-for-byte stable for the same value.
    public func serialized(pretty: Bool = true, sortKeys: Bool = false) throws(JSONBuildError) -> [UInt8] {
        try encoded(pretty: pretty, sortKeys: sortKeys, endingWithNewline: pretty)
    }

    /// Compact JSON text ended by a newline: one line of a JSON Lines stream (a log line, an
    /// HTTP body), without copying the text again to add the newline.
    package func serializedLine() throws(JSONBuildError) -> [UInt8] {
        try encoded(pretty: false, sortKeys: false, endingWithNewline: true)
    }

    private func encoded(pretty: Bool, sortKeys: Bool, endingWithNewline: Bool) throws(JSONBuildError) -> [UInt8] {
        let tree = try JanssonBuilder.build(self)
        defer { json_decref(tree) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(1024)
        JanssonBuilder.dump(tree, pretty: pretty, sortKeys: sortKeys, into: &bytes)
        if endingWithNewline { bytes.append(UInt8(ascii: "\n")) }
        return bytes
    }
}
