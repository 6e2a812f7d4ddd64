/// A strict reader of the protobuf wire format over a byte buffer.
///
/// Every read is bounds-checked; truncated varints, lengths past the end, malformed groups and
/// unknown wire types are errors that carry the byte offset. Nothing here trusts the input.
struct ProtoWireReader {
    enum WireType: UInt8 {
        case varint = 0, fixed64 = 1, lengthDelimited = 2, startGroup = 3, endGroup = 4, fixed32 = 5
    }

    let bytes: [UInt8]
    private(set) var position: Int
    let end: Int

    /// Reads `range` of `bytes`; positions and offsets are in the whole input.
    init(bytes: [UInt8], range: Range<Int>) {
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
    }

    var isAtEnd: Bool { position >= end }
    /// The byte offset in the whole input, for messages.
    var offset: Int { position }

    mutating func varint() throws(ProtoDecodingError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        let start = offset
        while true {
            guard position < end else { throw ProtoDecodingError(offset: start, reason: "truncated varint") }
            let byte = bytes[position]
            position += 1
            if shift == 63, byte > 1 { throw ProtoDecodingError(offset: start, reason: "varint longer than 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
            if shift > 63 { throw ProtoDecodingError(offset: start, reason: "varint longer than 10 bytes") }
        }
    }

    /// The next field's number and wire type, or nil at the end of the message.
    mutating func tag() throws(ProtoDecodingError) -> (field: Int, wire: WireType)? {
        guard !isAtEnd else { return nil }
        let start = offset
        let raw = try varint()
        guard let wire = WireType(rawValue: UInt8(raw & 7)) else {
            throw ProtoDecodingError(offset: start, reason: "unknown wire type \(raw & 7)")
        }
        let field = raw >> 3
        guard field >= 1, field <= 536_870_911 else { throw ProtoDecodingError(offset: start, reason: "invalid field number \(field)") }
        return (Int(field), wire)
    }

    /// The range of a length-delimited field's payload; the reader moves past it.
    mutating func lengthDelimited() throws(ProtoDecodingError) -> Range<Int> {
        let start = offset
        let length = try varint()
        guard length <= UInt64(end - position) else {
            throw ProtoDecodingError(offset: start, reason: "length \(length) runs past the end of the message (\(end - position) bytes left)")
        }
        let range = position..<(position + Int(length))
        position += Int(length)
        return range
    }

    mutating func fixed(_ size: Int) throws(ProtoDecodingError) -> UInt64 {
        guard end - position >= size else { throw ProtoDecodingError(offset: offset, reason: "truncated \(size * 8)-bit value") }
        var value: UInt64 = 0
        for index in 0..<size { value |= UInt64(bytes[position + index]) << (8 * UInt64(index)) }
        position += size
        return value
    }

    /// Skips a field of any wire type, as protobuf requires for unknown fields.
    mutating func skip(_ wire: WireType, field: Int, depth: Int = 0) throws(ProtoDecodingError) {
        switch wire {
        case .varint: _ = try varint()
        case .fixed64: _ = try fixed(8)
        case .fixed32: _ = try fixed(4)
        case .lengthDelimited: _ = try lengthDelimited()
        case .startGroup:
            guard depth < ProtoDecoder.maxDepth else { throw ProtoDecodingError(offset: offset, reason: "groups nested too deeply") }
            while true {
                guard let (inner, innerWire) = try tag() else {
                    throw ProtoDecodingError(offset: offset, reason: "group \(field) is not closed")
                }
                if innerWire == .endGroup {
                    guard inner == field else { throw ProtoDecodingError(offset: offset, reason: "group \(field) closed by \(inner)") }
                    return
                }
                try skip(innerWire, field: inner, depth: depth + 1)
            }
        case .endGroup:
            throw ProtoDecodingError(offset: offset, reason: "unexpected end of group \(field)")
        }
    }
}

/// Malformed protobuf: where, and what was wrong.
package struct ProtoDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    package var offset: Int
    package var reason: String
    /// The message path, `TaskSpec.template.k8sPod.podSpec`.
    package var path: String = ""

    package init(offset: Int, reason: String, path: String = "") {
        self.offset = offset
        self.reason = reason
        self.path = path
    }

    package var description: String {
        path.isEmpty ? "invalid protobuf at byte \(offset): \(reason)" : "invalid protobuf in \(path) at byte \(offset): \(reason)"
    }
}
