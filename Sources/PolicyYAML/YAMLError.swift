import PolicyJSON

/// A YAML stream that could not be read, with its position (1-based line and column).
package struct YAMLError: Error, Sendable, Equatable, CustomStringConvertible {
    package var source: String
    package var line: Int
    package var column: Int
    package var offset: Int
    package var reason: String

    package init(source: String, line: Int, column: Int, offset: Int, reason: String) {
        self.source = source
        self.line = line
        self.column = column
        self.offset = offset
        self.reason = reason
    }

    package var description: String { "\(source):\(line):\(column): invalid YAML: \(reason)" }
}

/// Bounds that keep hostile YAML (alias bombs, deep nesting) from exhausting memory or stack.
package struct YAMLLimits: Sendable {
    /// Deepest nesting of sequences and mappings.
    package var maxDepth: Int
    /// Values that aliases repeat, over the whole stream (an alias of a mapping of 10 values
    /// repeats 11). Values written out are bounded by the input size instead.
    package var maxAliasValues: Int

    package init(maxDepth: Int = 256, maxAliasValues: Int = 1_000_000) {
        self.maxDepth = maxDepth
        self.maxAliasValues = maxAliasValues
    }
}

/// One document of a YAML stream.
package struct YAMLDocument: Sendable {
    package var value: JSONValue
    /// 1-based line where the document's content starts.
    package var line: Int
}
