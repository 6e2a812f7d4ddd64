/// Where a value sits in an input file: 1-based line and column (in characters).
public struct SourcePosition: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// A place in a file other than the one the subject was read from: the Python line where a
/// Flyte value was written (`check --source`), which reports show instead of the package.
public struct SourceLine: Sendable, Hashable {
    public var file: String
    public var position: SourcePosition

    public init(file: String, position: SourcePosition) {
        self.file = file
        self.position = position
    }

    public init(file: String, line: Int, column: Int) {
        self.init(file: file, position: SourcePosition(line: line, column: column))
    }
}
