internal import CJansson

/// A JSON text that jansson refused, with the position it stopped at.
public struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The name of the input (file path, `<stdin>`, archive member).
    public var source: String
    /// 1-based line of the problem (0 when jansson did not know it).
    public var line: Int
    /// 1-based column of the problem, counted in characters.
    public var column: Int
    /// 0-based byte offset of the problem.
    public var offset: Int
    /// jansson's own explanation, e.g. `'[' or '{' expected near 'x'`.
    public var reason: String

    public init(source: String, line: Int, column: Int, offset: Int, reason: String) {
        self.source = source
        self.line = line
        self.column = column
        self.offset = offset
        self.reason = reason
    }

    init(source: String, jansson error: json_error_t) {
        var error = error
        let text = withUnsafeBytes(of: &error.text) { raw -> String in
            let bytes = raw.prefix { $0 != 0 }
            return String(decoding: bytes, as: UTF8.self)
        }
        self.init(
            source: source, line: Int(error.line), column: Int(error.column),
            offset: Int(error.position), reason: text.isEmpty ? "invalid JSON" : text)
    }

    public var description: String {
        "\(source):\(line):\(column): invalid JSON (byte \(offset)): \(reason)"
    }
}

/// A Swift value that has no JSON form (jansson refuses NaN and infinity, and strings that are
/// not UTF-8 cannot occur in Swift).
public struct JSONBuildError: Error, Sendable, CustomStringConvertible {
    /// Where in the value the problem is.
    public var pointer: JSONPointer
    /// What was wrong.
    public var reason: String

    public var description: String { "cannot encode \(pointer) as JSON: \(reason)" }
}
