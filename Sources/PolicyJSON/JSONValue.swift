/// A JSON value as a Swift value: what the rest of flyte-policy builds, merges and emits.
///
/// Parsing goes through ``JSONDocument`` (jansson); emitting goes back through jansson in
/// ``JSONValue/serialized(pretty:sortKeys:)``, so jansson is the only JSON codec in the program.
public enum JSONValue: JSONReadable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case real(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The kind of this value.
    public var kind: JSONKind {
        switch self {
        case .null: .null
        case .bool: .bool
        case .integer: .integer
        case .real: .real
        case .string: .string
        case .array: .array
        case .object: .object
        }
    }

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var object: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    public var array: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The number, for integers and reals.
    public var number: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .real(let value): value
        default: nil
        }
    }

    /// Whether this is an object or an array.
    public var isContainer: Bool {
        switch self {
        case .object, .array: true
        default: false
        }
    }

    /// Member lookup on objects; `nil` for anything else.
    public subscript(key: String) -> JSONValue? {
        object?[key]
    }

    /// The integer, when this is a JSON integer.
    public var integer: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// Number of members of an object or elements of an array; 0 for scalars.
    public var count: Int {
        switch self {
        case .object(let object): object.count
        case .array(let elements): elements.count
        default: 0
        }
    }

    public func forEachElement<E: Error>(_ body: (Int, JSONValue) throws(E) -> Void) throws(E) {
        guard case .array(let elements) = self else { return }
        for (index, element) in elements.enumerated() { try body(index, element) }
    }

    public func forEachMember<E: Error>(_ body: (String, JSONValue) throws(E) -> Void) throws(E) {
        guard case .object(let object) = self else { return }
        for (key, value) in object.entries { try body(key, value) }
    }

    /// Compact JSON text (jansson's encoder, insertion order kept).
    public var compactText: String {
        (try? serialized(pretty: false)).map { String(decoding: $0, as: UTF8.self) } ?? "<unencodable>"
    }

    /// Shortest text that reads back as the same double (`0.1`, `1e-05`, `3`).
    public static func format(real: Double) -> String {
        if real == real.rounded(), abs(real) < 1e15 {
            return String(Int64(real))
        }
        return "\(real)"
    }

    /// JSON equality with numbers compared by value (`1` equals `1.0`), as a policy author
    /// writing `"value": 1` expects.
    public func jsonEquals(_ other: JSONValue) -> Bool {
        switch (self, other) {
        case (.integer, .real), (.real, .integer), (.real, .real), (.integer, .integer):
            return number == other.number
        case (.array(let left), .array(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { $0.jsonEquals($1) }
        case (.object(let left), .object(let right)):
            guard left.count == right.count else { return false }
            return left.allSatisfy { key, value in right[key].map { value.jsonEquals($0) } ?? false }
        default:
            return self == other
        }
    }
}

/// A JSON object: its members in document order.
public typealias JSONObject = OrderedMap<JSONValue>

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
    public init(nilLiteral: ()) { self = .null }
    public init(floatLiteral value: Double) { self = .real(value) }
}
