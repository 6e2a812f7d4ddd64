internal import CJansson

/// The kind of a JSON value.
public enum JSONKind: String, Sendable {
    case object, array, string, integer, real, bool, null

    /// The article-and-noun form used in error messages ("an object", "a string").
    public var phrase: String {
        switch self {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .integer: "an integer"
        case .real: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}

/// A borrowed view of one value inside a ``JSONDocument``.
///
/// jansson's `json_object_get` and `json_array_get` return borrowed references; a node pairs
/// such a pointer with the document that owns it, so the pointer stays valid as long as the node
/// exists, and no reference counting happens on the hot path.
public struct JSONNode: JSONReadable, @unchecked Sendable {
    /// Keeps the tree alive; the tree is immutable (see ``JSONDocument``).
    public let document: JSONDocument
    let raw: UnsafeMutablePointer<json_t>

    init(document: JSONDocument, raw: UnsafeMutablePointer<json_t>) {
        self.document = document
        self.raw = raw
    }

    /// What kind of value this is.
    public var kind: JSONKind {
        switch cjansson_typeof(raw) {
        case JSON_OBJECT: .object
        case JSON_ARRAY: .array
        case JSON_STRING: .string
        case JSON_INTEGER: .integer
        case JSON_REAL: .real
        case JSON_TRUE, JSON_FALSE: .bool
        default: .null
        }
    }

    public var isObject: Bool { cjansson_typeof(raw) == JSON_OBJECT }
    public var isArray: Bool { cjansson_typeof(raw) == JSON_ARRAY }
    public var isNull: Bool { cjansson_typeof(raw) == JSON_NULL }

    /// The string, when this is a string (jansson strings may hold NUL; they are kept).
    public var string: String? {
        withStringBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// The string, when this is a string, taken from `vocabulary` when it is one of its words.
    public func string(using vocabulary: StringVocabulary) -> String? {
        withStringBytes(vocabulary.string)
    }

    private func withStringBytes<R>(_ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
        guard cjansson_typeof(raw) == JSON_STRING, let chars = json_string_value(raw) else { return nil }
        let length = json_string_length(raw)
        return chars.withMemoryRebound(to: UInt8.self, capacity: length) { body(UnsafeBufferPointer(start: $0, count: length)) }
    }

    /// The integer, when this is an integer.
    public var integer: Int64? {
        cjansson_typeof(raw) == JSON_INTEGER ? Int64(json_integer_value(raw)) : nil
    }

    /// The number, when this is an integer or a real.
    public var number: Double? {
        switch cjansson_typeof(raw) {
        case JSON_INTEGER: Double(json_integer_value(raw))
        case JSON_REAL: json_real_value(raw)
        default: nil
        }
    }

    /// The boolean, when this is `true` or `false`.
    public var bool: Bool? {
        switch cjansson_typeof(raw) {
        case JSON_TRUE: true
        case JSON_FALSE: false
        default: nil
        }
    }

    /// A scalar written the way a person would read it back: strings bare, numbers in their
    /// shortest exact form, `true`/`false`/`null`; containers as compact JSON.
    public var scalarText: String {
        switch kind {
        case .string: string ?? ""
        case .integer: String(integer ?? 0)
        case .real: JSONValue.format(real: json_real_value(raw))
        case .bool: (bool ?? false) ? "true" : "false"
        case .null: "null"
        case .object, .array: value.compactText
        }
    }

    /// The member named `key`, when this is an object that has it.
    public subscript(key: String) -> JSONNode? {
        guard cjansson_typeof(raw) == JSON_OBJECT else { return nil }
        return withCChars(key) { json_object_getn(raw, $0, $1) }.map { JSONNode(document: document, raw: $0) }
    }

    /// The element at `index`, when this is an array and the index is in range.
    public subscript(index: Int) -> JSONNode? {
        guard cjansson_typeof(raw) == JSON_ARRAY, index >= 0, index < json_array_size(raw) else { return nil }
        return json_array_get(raw, index).map { JSONNode(document: document, raw: $0) }
    }

    /// Number of members of an object or elements of an array; 0 for scalars.
    public var count: Int {
        switch cjansson_typeof(raw) {
        case JSON_OBJECT: json_object_size(raw)
        case JSON_ARRAY: json_array_size(raw)
        default: 0
        }
    }

    /// The elements of an array in order (empty for anything else).
    public var elements: [JSONNode] {
        guard cjansson_typeof(raw) == JSON_ARRAY else { return [] }
        let size = json_array_size(raw)
        var result: [JSONNode] = []
        result.reserveCapacity(size)
        for index in 0..<size {
            if let element = json_array_get(raw, index) {
                result.append(JSONNode(document: document, raw: element))
            }
        }
        return result
    }

    /// The members of an object in document order (empty for anything else).
    public var members: [(key: String, value: JSONNode)] {
        var result: [(key: String, value: JSONNode)] = []
        result.reserveCapacity(count)
        forEachMember { key, value in result.append((key, value)) }
        return result
    }

    /// Calls `body` with each element of an array and its index, in order, without collecting
    /// them first; nothing for anything else.
    public func forEachElement<E: Error>(_ body: (Int, JSONNode) throws(E) -> Void) throws(E) {
        guard cjansson_typeof(raw) == JSON_ARRAY else { return }
        for index in 0..<json_array_size(raw) {
            if let element = json_array_get(raw, index) { try body(index, JSONNode(document: document, raw: element)) }
        }
    }

    /// Calls `body` with each member of an object in document order, without collecting them
    /// first; nothing for anything else. Names that are words of `keys` come from it.
    public func forEachMember<E: Error>(keys: StringVocabulary? = nil, _ body: (String, JSONNode) throws(E) -> Void) throws(E) {
        guard cjansson_typeof(raw) == JSON_OBJECT else { return }
        var iterator = json_object_iter(raw)
        while let current = iterator {
            if let keyChars = json_object_iter_key(current), let value = json_object_iter_value(current) {
                let length = json_object_iter_key_len(current)
                let key = keyChars.withMemoryRebound(to: UInt8.self, capacity: length) {
                    let bytes = UnsafeBufferPointer(start: $0, count: length)
                    return keys?.string(bytes) ?? String(decoding: bytes, as: UTF8.self)
                }
                try body(key, JSONNode(document: document, raw: value))
            }
            iterator = json_object_iter_next(raw, current)
        }
    }

    public func forEachMember<E: Error>(_ body: (String, JSONNode) throws(E) -> Void) throws(E) {
        try forEachMember(keys: nil, body)
    }

    /// Whether this value equals `other` as JSON (numbers by value, `1 == 1.0`); scalars are
    /// compared in place, without copying the node into a ``JSONValue``.
    public func jsonEquals(_ other: JSONValue) -> Bool {
        switch (cjansson_typeof(raw), other) {
        case (JSON_TRUE, .bool(let flag)): return flag
        case (JSON_FALSE, .bool(let flag)): return !flag
        case (JSON_NULL, .null): return true
        case (JSON_STRING, .string(var text)):
            guard let chars = json_string_value(raw) else { return false }
            let length = json_string_length(raw)
            return text.withUTF8 { expected in
                expected.count == length
                    && chars.withMemoryRebound(to: UInt8.self, capacity: length) {
                        UnsafeBufferPointer(start: $0, count: length).elementsEqual(expected)
                    }
            }
        case (JSON_INTEGER, .integer), (JSON_INTEGER, .real), (JSON_REAL, .integer), (JSON_REAL, .real):
            return number == other.number
        case (JSON_OBJECT, .object), (JSON_ARRAY, .array):
            return value.jsonEquals(other)
        default:
            return false
        }
    }

    /// The value at a JSON pointer below this node.
    public func node(at pointer: JSONPointer) -> JSONNode? {
        var current = self
        for token in pointer.tokens {
            if current.isArray {
                guard let index = Int(token), let next = current[index] else { return nil }
                current = next
            } else {
                guard let next = current[token] else { return nil }
                current = next
            }
        }
        return current
    }

    /// A deep copy of this value as a Swift value.
    public var value: JSONValue {
        switch kind {
        case .object: .object(JSONObject(members.map { ($0.key, $0.value.value) }))
        case .array: .array(elements.map(\.value))
        case .string: .string(string ?? "")
        case .integer: .integer(integer ?? 0)
        case .real: .real(json_real_value(raw))
        case .bool: .bool(bool ?? false)
        case .null: .null
        }
    }
}
