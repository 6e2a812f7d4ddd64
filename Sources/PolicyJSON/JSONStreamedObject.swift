internal import CJansson

/// A member of an object serialized with ``JSONValue/prettyObject(_:)``.
public enum JSONMember {
    /// A value, serialized whole.
    case value(JSONValue)
    /// An array of `count` elements, each made by `element` when it is written and dropped right
    /// after.
    case elements(count: Int, element: (Int) -> JSONValue)
}

extension JSONValue {
    /// Pretty-printed JSON text of an object given member by member: the same bytes as building
    /// the whole object and calling ``serialized(pretty:sortKeys:)``, but an ``JSONMember/elements``
    /// member is serialized one element at a time, so a report with hundreds of thousands of
    /// findings never holds them all as Swift values and again as a jansson tree.
    ///
    /// Each piece still goes through jansson's encoder; only the object's frame (braces,
    /// indentation, separators) is written here, the way jansson writes it with an indent of two.
    public static func prettyObject(_ members: [(key: String, value: JSONMember)]) throws(JSONBuildError) -> [UInt8] {
        guard !members.isEmpty else { return Array("{}\n".utf8) }
        var out: [UInt8] = []
        out.append(contentsOf: "{\n".utf8)
        for (offset, member) in members.enumerated() {
            if offset > 0 { out.append(contentsOf: ",\n".utf8) }
            out.append(contentsOf: "  ".utf8)
            out.append(contentsOf: try JSONValue.string(member.key).serialized(pretty: false))
            out.append(contentsOf: ": ".utf8)
            switch member.value {
            case .value(let value):
                try append(value, depth: 1, to: &out)
            case .elements(let count, let element) where count > 0:
                out.append(contentsOf: "[\n".utf8)
                for index in 0..<count {
                    if index > 0 { out.append(contentsOf: ",\n".utf8) }
                    let start = out.count
                    out.append(contentsOf: "    ".utf8)
                    try append(element(index), depth: 2, to: &out)
                    // Room for the rest at the first element's size (plus a tenth): growing a
                    // buffer of hundreds of megabytes by doubling copies it again and again.
                    if index == 0 { out.reserveCapacity(out.count + (out.count - start + 2) * (count - 1) * 11 / 10 + 64) }
                }
                out.append(contentsOf: "\n  ]".utf8)
            case .elements:
                out.append(contentsOf: "[]".utf8)
            }
        }
        out.append(contentsOf: "\n}\n".utf8)
        return out
    }

    /// Appends `value` pretty-printed as if it stood `depth` levels deep: jansson writes it at
    /// depth zero, so every line after the first is indented by two spaces a level. A newline in
    /// the text is always layout (newlines inside strings are escaped).
    private static func append(_ value: JSONValue, depth: Int, to out: inout [UInt8]) throws(JSONBuildError) {
        let tree = try JanssonBuilder.build(value)
        defer { json_decref(tree) }
        let text = JanssonBuilder.dump(tree, pretty: true, sortKeys: false)
        let newline = UInt8(ascii: "\n")
        for byte in text {
            out.append(byte)
            if byte == newline { out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth)) }
        }
    }
}
