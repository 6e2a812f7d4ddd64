/// A YAML stream that could not be read, with its position (1-based line and column).
public struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    public var source: String
    public var line: Int
    public var column: Int
    public var offset: Int
    public var reason: String

    public init(source: String, line: Int, column: Int, offset: Int, reason: String) {
        self.source = source
        self.line = line
        self.column = column
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "\(source):\(line):\(column): invalid YAML: \(reason)" }
}

/// Bounds that keep hostile YAML (alias bombs, deep nesting) from exhausting memory or stack.
public struct YAMLLimits: Sendable {
    /// Deepest nesting of sequences and mappings.
    public var maxDepth: Int
    /// Values that aliases repeat, over the whole stream (an alias of a mapping of 10 values
    /// repeats 11). Values written out are bounded by the input size instead.
    public var maxAliasValues: Int

    public init(maxDepth: Int = 256, maxAliasValues: Int = 1_000_000) {
        self.maxDepth = maxDepth
        self.maxAliasValues = maxAliasValues
    }
}

import PolicyJSON

/// One document of a YAML stream.
public struct YAMLDocument: Sendable {
    public var value: JSONValue
    /// 1-based line where the document's content starts.
    public var line: Int
}
