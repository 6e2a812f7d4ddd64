import PolicyJSON

/// A cursor over a flyteidl message written as protobuf JSON.
///
/// Field names are looked up in both forms protobuf's JSON mapping allows (`podTemplateName` and
/// `pod_template_name`); every wrong type is an error naming the JSON pointer, so a malformed
/// entity never resolves to a pod that looks fine.
struct FlyteJSONReader {
    let value: JSONValue
    let pointer: JSONPointer
    let source: String

    init(_ value: JSONValue, pointer: JSONPointer = .root, source: String) {
        self.value = value
        self.pointer = pointer
        self.source = source
    }

    func error(_ reason: String, at pointer: JSONPointer? = nil) -> FlyteDecodingError {
        FlyteDecodingError(source: source, location: (pointer ?? self.pointer).description, reason: reason)
    }

    var object: JSONObject? { value.object }

    /// The member `name` (lowerCamelCase) or its snake_case spelling; `nil` when absent or null.
    func member(_ name: String) -> FlyteJSONReader? {
        guard let object = value.object else { return nil }
        if let found = object[name], found != .null { return child(found, name) }
        let snake = Self.snakeCase(name)
        if snake != name, let found = object[snake], found != .null { return child(found, snake) }
        return nil
    }

    func has(_ name: String) -> Bool { member(name) != nil }

    private func child(_ value: JSONValue, _ key: String) -> FlyteJSONReader {
        FlyteJSONReader(value, pointer: pointer.appending(key), source: source)
    }

    func requireObject(_ what: String) throws(FlyteDecodingError) {
        guard value.object != nil else { throw error("\(what) must be an object, found \(value.kind.phrase)") }
    }

    func string(_ name: String) throws(FlyteDecodingError) -> String? {
        guard let field = member(name) else { return nil }
        guard let text = field.value.string else { throw field.error("expected a string, found \(field.value.kind.phrase)") }
        return text
    }

    func bool(_ name: String) throws(FlyteDecodingError) -> Bool? {
        guard let field = member(name) else { return nil }
        // google.protobuf.BoolValue is written as a bare boolean in protobuf JSON.
        guard let flag = field.value.bool else { throw field.error("expected true or false, found \(field.value.kind.phrase)") }
        return flag
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
        default: throw field.error("expected an integer, found \(field.value.kind.phrase)")
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
        guard let elements = field.value.array else { throw field.error("expected an array, found \(field.value.kind.phrase)") }
        return elements.enumerated().map { FlyteJSONReader($1, pointer: field.pointer.appending($0), source: source) }
    }

    func stringArray(_ name: String) throws(FlyteDecodingError) -> [String] {
        var result: [String] = []
        for element in try array(name) {
            guard let text = element.value.string else { throw element.error("expected a string, found \(element.value.kind.phrase)") }
            result.append(text)
        }
        return result
    }

    /// A `map<string, string>`.
    func stringMap(_ name: String) throws(FlyteDecodingError) -> JSONObject {
        guard let field = try objectMember(name), let object = field.object else { return [:] }
        for (key, value) in object where value.string == nil {
            throw error("expected a string, found \(value.kind.phrase)", at: field.pointer.appending(key))
        }
        return object
    }

    static func snakeCase(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase {
                result.append("_")
                result.append(contentsOf: character.lowercased())
            } else {
                result.append(character)
            }
        }
        return result
    }
}
