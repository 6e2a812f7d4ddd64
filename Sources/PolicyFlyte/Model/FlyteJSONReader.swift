import PolicyJSON

/// A cursor over a flyteidl message written as protobuf JSON: ``JSONReader`` with the field
/// lookup protobuf's JSON mapping asks for.
///
/// Field names are looked up in both forms the mapping allows (`podTemplateName` and
/// `pod_template_name`), and `null` reads as absent; every wrong type is an error naming the
/// JSON pointer, so a malformed entity never resolves to a pod that looks fine.
struct FlyteJSONReader {
    let json: JSONReader<JSONValue>
    let source: String

    init(_ value: JSONValue, pointer: JSONPointer = .root, source: String) {
        self.init(JSONReader(value, at: pointer), source: source)
    }

    private init(_ json: JSONReader<JSONValue>, source: String) {
        self.json = json
        self.source = source
    }

    var value: JSONValue { json.value }
    var pointer: JSONPointer { json.pointer }
    var object: JSONObject? { value.object }

    func error(_ reason: String, at pointer: JSONPointer? = nil) -> FlyteDecodingError {
        FlyteDecodingError(source: source, location: (pointer ?? self.pointer).description, reason: reason)
    }

    private func error(_ failure: JSONReadError) -> FlyteDecodingError {
        error(failure.reason, at: failure.pointer)
    }

    /// The member `name` (lowerCamelCase) or its snake_case spelling; `nil` when absent or null.
    func member(_ name: String) -> FlyteJSONReader? {
        if let found = json.optionalMember(name) { return FlyteJSONReader(found, source: source) }
        let snake = Self.snakeCase(name)
        guard snake != name, let found = json.optionalMember(snake) else { return nil }
        return FlyteJSONReader(found, source: source)
    }

    func has(_ name: String) -> Bool { member(name) != nil }

    func requireObject(_ what: String) throws(FlyteDecodingError) {
        guard value.object != nil else { throw error("\(what) must be an object, found \(value.kind.phrase)") }
    }

    func string(_ name: String) throws(FlyteDecodingError) -> String? {
        do { return try member(name)?.json.string() } catch { throw self.error(error) }
    }

    func bool(_ name: String) throws(FlyteDecodingError) -> Bool? {
        // google.protobuf.BoolValue is written as a bare boolean in protobuf JSON.
        do { return try member(name)?.json.bool() } catch { throw self.error(error) }
    }

    /// An `int32`/`uint32` field: protobuf JSON writes it as a number or a decimal string, and a
    /// `google.protobuf.Struct` (the `custom` of plugin tasks) holds every number as a double, so
    /// `2.0` is 2 while `2.5` and values outside 32 bits are errors, as they are for Go's
    /// `jsonpb` decoder propeller uses.
    func int(_ name: String) throws(FlyteDecodingError) -> Int? {
        guard let field = member(name) else { return nil }
        let number: Double
        switch field.value {
        case .integer(let value): number = Double(value)
        case .real(let value): number = value
        case .string(let text):
            guard let value = Int64(text) else { throw field.error("expected an integer, found the string '\(text)'") }
            number = Double(value)
        default: throw field.error(JSONTypeMismatch(expected: "an integer", found: field.value.kind).description)
        }
        guard number.rounded() == number, number >= -2_147_483_648, number <= 4_294_967_295 else {
            throw field.error("expected a 32-bit integer, found \(JSONValue.format(real: number))")
        }
        return Int(number)
    }

    func objectMember(_ name: String) throws(FlyteDecodingError) -> FlyteJSONReader? {
        guard let field = member(name) else { return nil }
        try field.requireObject("'\(name)'")
        return field
    }

    func array(_ name: String) throws(FlyteDecodingError) -> [FlyteJSONReader] {
        guard let field = member(name) else { return [] }
        do { return try field.json.elements().map { FlyteJSONReader($0, source: source) } } catch { throw self.error(error) }
    }

    func stringArray(_ name: String) throws(FlyteDecodingError) -> [String] {
        guard let field = member(name) else { return [] }
        do { return try field.json.strings() } catch { throw self.error(error) }
    }

    /// A `map<string, string>`.
    func stringMap(_ name: String) throws(FlyteDecodingError) -> JSONObject {
        guard let field = try objectMember(name), let object = field.object else { return [:] }
        for (key, value) in object {
            do { _ = try value.expectString() } catch { throw self.error(error.description, at: field.pointer.appending(key)) }
        }
        return object
    }

    /// `podTemplateName` -> `pod_template_name`. Field names are ASCII, and every absent
    /// optional field of every entity asks for its snake_case spelling: bytes, not characters.
    static func snakeCase(_ name: String) -> String {
        guard name.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) else { return name }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(name.utf8.count + 4)
        for byte in name.utf8 {
            if byte >= 0x41 && byte <= 0x5A {
                bytes.append(0x5F)
                bytes.append(byte + 0x20)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
