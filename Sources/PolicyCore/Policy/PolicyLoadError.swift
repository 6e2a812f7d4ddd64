import PolicyJSON

/// One problem in a policy or exception file: the file, the JSON pointer of the bad value, and
/// what was expected there.
public struct PolicyLoadError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// Where the offending value is (the root for the whole document).
    public var pointer: JSONPointer
    public var message: String
    /// 1-based position: of a JSON syntax error, or of the pointer in a YAML file.
    public var line: Int?
    public var column: Int?

    public init(file: String, pointer: JSONPointer, message: String, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.pointer = pointer
        self.message = message
        self.line = line
        self.column = column
    }

    public var description: String {
        if let line, let column { return "\(file):\(line):\(column): \(pointer == .root ? "" : "\(pointer): ")\(message)" }
        return "\(file): \(pointer == .root ? "(document)" : pointer.description): \(message)"
    }
}

/// Collects every error of a load, so a user sees all of them in one run.
public struct LoadContext: Sendable {
    public let file: String
    public private(set) var errors: [PolicyLoadError] = []

    public init(file: String) {
        self.file = file
    }

    public mutating func fail(_ pointer: JSONPointer, _ message: String) {
        errors.append(PolicyLoadError(file: file, pointer: pointer, message: message))
    }

    public mutating func append(_ error: PolicyLoadError) {
        errors.append(error)
    }
}
