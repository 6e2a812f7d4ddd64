/// A JSON value typed reads can look at: a node of a parsed document (``JSONNode``) or a value
/// built in Swift (``JSONValue``). ``JSONReader`` reads both the same way, so every format
/// flyte-policy reads (policies, pods, Flyte entities, platform configuration, baselines) says
/// "expected a string, found an object" in the same words.
public protocol JSONReadable: Sendable {
    var kind: JSONKind { get }
    /// The string, when this is a string.
    var string: String? { get }
    /// The boolean, when this is `true` or `false`.
    var bool: Bool? { get }
    /// The integer, when this is a JSON integer.
    var integer: Int64? { get }
    /// The number, when this is an integer or a real.
    var number: Double? { get }
    /// The member named `key`, when this is an object that has it.
    subscript(key: String) -> Self? { get }
    /// Members of an object or elements of an array; 0 for scalars.
    var count: Int { get }
    /// Each element of an array with its index, in order; nothing for anything else.
    func forEachElement<E: Error>(_ body: (Int, Self) throws(E) -> Void) throws(E)
    /// Each member of an object in document order; nothing for anything else.
    func forEachMember<E: Error>(_ body: (String, Self) throws(E) -> Void) throws(E)
}

extension JSONReadable {
    public var isNull: Bool { kind == .null }
    public var isObject: Bool { kind == .object }
    public var isArray: Bool { kind == .array }

    /// This value as a string, or the sentence saying what was found instead.
    public func expectString() throws(JSONTypeMismatch) -> String {
        guard let text = string else { throw JSONTypeMismatch(expected: "a string", found: kind) }
        return text
    }

    /// This value as `true` or `false`, or the sentence saying what was found instead.
    public func expectBool() throws(JSONTypeMismatch) -> Bool {
        guard let flag = bool else { throw JSONTypeMismatch(expected: "true or false", found: kind) }
        return flag
    }

    /// This value as a JSON integer, or the sentence saying what was found instead.
    public func expectInteger() throws(JSONTypeMismatch) -> Int64 {
        guard let number = integer else { throw JSONTypeMismatch(expected: "an integer", found: kind) }
        return number
    }

    /// Nothing when this is an object; the sentence saying what was found instead otherwise.
    public func expectObject() throws(JSONTypeMismatch) {
        guard isObject else { throw JSONTypeMismatch(expected: "an object", found: kind) }
    }

    /// Nothing when this is an array; the sentence saying what was found instead otherwise.
    public func expectArray() throws(JSONTypeMismatch) {
        guard isArray else { throw JSONTypeMismatch(expected: "an array", found: kind) }
    }
}

/// A value of another type than the one expected, before anyone says where it is.
public struct JSONTypeMismatch: Error, Sendable, Equatable, CustomStringConvertible {
    /// What was expected, with its article: "a string", "true or false".
    public var expected: String
    public var found: JSONKind

    public init(expected: String, found: JSONKind) {
        self.expected = expected
        self.found = found
    }

    public var description: String { "expected \(expected), found \(found.phrase)" }
}

/// A value that is not what the format expects, with its pointer.
public struct JSONReadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var pointer: JSONPointer
    /// A sentence: "expected a string, found an object".
    public var reason: String

    public init(pointer: JSONPointer, reason: String) {
        self.pointer = pointer
        self.reason = reason
    }

    public var description: String { "\(pointer == .root ? "(document)" : pointer.description): \(reason)" }
}

/// One JSON value where it sits in its document: the typed reads a format makes of it, each
/// failing with a ``JSONReadError`` that names the pointer of the value that was wrong.
///
/// The pointer is built as the reader descends, one token per level: readers are for documents
/// read once (policies, Flyte entities, configuration, baselines). Decoding a pod, which happens
/// for every pod of a run, uses the same conversions (``JSONReadable/expectString()`` and its
/// siblings) with pointers built only on failure.
public struct JSONReader<Value: JSONReadable>: Sendable {
    public let value: Value
    public let pointer: JSONPointer

    public init(_ value: Value, at pointer: JSONPointer = .root) {
        self.value = value
        self.pointer = pointer
    }

    public var kind: JSONKind { value.kind }

    /// The error for this value.
    public func error(_ reason: String) -> JSONReadError {
        JSONReadError(pointer: pointer, reason: reason)
    }

    /// The member `key` when present, `null` included.
    public func member(_ key: String) -> JSONReader? {
        value[key].map { JSONReader($0, at: pointer.appending(key)) }
    }

    /// The member `key` unless it is absent or `null`: how Kubernetes and protobuf JSON read an
    /// optional field.
    public func optionalMember(_ key: String) -> JSONReader? {
        guard let found = value[key], !found.isNull else { return nil }
        return JSONReader(found, at: pointer.appending(key))
    }

    public func string() throws(JSONReadError) -> String {
        do { return try value.expectString() } catch { throw self.error(error.description) }
    }

    public func bool() throws(JSONReadError) -> Bool {
        do { return try value.expectBool() } catch { throw self.error(error.description) }
    }

    public func integer() throws(JSONReadError) -> Int64 {
        do { return try value.expectInteger() } catch { throw self.error(error.description) }
    }

    /// This reader, once it is known to be an object.
    public func object() throws(JSONReadError) -> JSONReader {
        do { try value.expectObject() } catch { throw self.error(error.description) }
        return self
    }

    /// The elements of an array, each at its own pointer.
    public func elements() throws(JSONReadError) -> [JSONReader] {
        do { try value.expectArray() } catch { throw self.error(error.description) }
        var result: [JSONReader] = []
        result.reserveCapacity(value.count)
        value.forEachElement { index, element in result.append(JSONReader(element, at: pointer.appending(index))) }
        return result
    }

    /// The members of an object in document order, each at its own pointer.
    public func members() throws(JSONReadError) -> [(key: String, value: JSONReader)] {
        do { try value.expectObject() } catch { throw self.error(error.description) }
        var result: [(key: String, value: JSONReader)] = []
        result.reserveCapacity(value.count)
        value.forEachMember { key, member in result.append((key, JSONReader(member, at: pointer.appending(key)))) }
        return result
    }

    /// An array of strings; the first element that is not one is the error.
    public func strings() throws(JSONReadError) -> [String] {
        try elements().map { (element) throws(JSONReadError) in try element.string() }
    }
}
