/// A shell-style pattern: `*` matches any run of characters (including none), `?` exactly one;
/// everything else matches itself. Compiled once at load time.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    private enum Shape: Sendable, Hashable {
        case any
        case literal(String)
        case prefix(String)
        case general([UInt32])  // Unicode scalars; '*' and '?' are wildcards
    }

    public let pattern: String
    private let shape: Shape

    /// Compiles `pattern`; returns `nil` for the forms flyte-policy refuses: the empty pattern,
    /// and `[`, `]`, `{`, `}`, which other glob dialects treat as classes or alternatives and
    /// which would otherwise silently match only themselves.
    public init?(_ pattern: String) {
        guard !pattern.isEmpty, !pattern.contains(where: { "[]{}".contains($0) }) else { return nil }
        self.pattern = pattern
        let wildcards = pattern.filter { $0 == "*" || $0 == "?" }
        if pattern == "*" {
            shape = .any
        } else if wildcards.isEmpty {
            shape = .literal(pattern)
        } else if wildcards == "*", pattern.hasSuffix("*") {
            shape = .prefix(String(pattern.dropLast()))
        } else {
            shape = .general(pattern.unicodeScalars.map(\.value))
        }
    }

    private init(exactly text: String) {
        pattern = text
        shape = .literal(text)
    }

    /// Matches only the empty string (a toleration's empty key or value).
    public static let emptyString = Glob(exactly: "")

    /// Why a pattern was refused, for loader messages.
    public static let expectedForm = "a non-empty glob using only '*' and '?' as wildcards"

    public var description: String { pattern }

    public func matches(_ text: String) -> Bool {
        switch shape {
        case .any: return true
        case .literal(let literal): return text == literal
        // Bytes, as in `matchesPathOrParent`: one rule for both, and no Unicode normalization.
        case .prefix(let prefix): return Self.utf8(text, startsWith: prefix)
        case .general(let pattern): return Glob.match(pattern, Array(text.unicodeScalars.map(\.value)))
        }
    }

    /// Whether `path` or one of its `/`-bounded parents matches: `ghcr.io/acme` matches
    /// `ghcr.io/acme/ml`. Literal and prefix patterns decide without building the parents.
    public func matchesPathOrParent(_ path: String) -> Bool {
        switch shape {
        case .any:
            return true
        case .literal(let literal):
            guard Self.utf8(path, startsWith: literal) else { return false }
            let length = literal.utf8.count
            return path.utf8.count == length || path.utf8[path.utf8.index(path.utf8.startIndex, offsetBy: length)] == UInt8(ascii: "/")
        case .prefix(let prefix):
            // A parent that starts with the prefix makes the whole path start with it too.
            return Self.utf8(path, startsWith: prefix)
        case .general:
            if matches(path) { return true }
            var parent = Substring(path)
            while let slash = parent.lastIndex(of: "/") {
                parent = parent[..<slash]
                if matches(String(parent)) { return true }
            }
            return false
        }
    }

    /// Byte-wise prefix test over native strings' own storage (no generic sequence walk).
    private static func utf8(_ text: String, startsWith prefix: String) -> Bool {
        let fast = text.utf8.withContiguousStorageIfAvailable { textBytes in
            prefix.utf8.withContiguousStorageIfAvailable { prefixBytes in
                guard textBytes.count >= prefixBytes.count else { return false }
                for index in 0..<prefixBytes.count where textBytes[index] != prefixBytes[index] { return false }
                return true
            }
        }
        return (fast ?? nil) ?? text.utf8.starts(with: prefix.utf8)
    }

    /// Iterative matcher that backtracks only to the last `*`: linear in practice, never
    /// exponential.
    private static func match(_ pattern: [UInt32], _ text: [UInt32]) -> Bool {
        let star = UInt32(UInt8(ascii: "*"))
        let question = UInt32(UInt8(ascii: "?"))
        var p = 0
        var t = 0
        var starAt = -1
        var resume = 0
        while t < text.count {
            if p < pattern.count, pattern[p] == question || pattern[p] == text[t], pattern[p] != star {
                p += 1
                t += 1
            } else if p < pattern.count, pattern[p] == star {
                starAt = p
                resume = t
                p += 1
            } else if starAt >= 0 {
                p = starAt + 1
                resume += 1
                t = resume
            } else {
                return false
            }
        }
        while p < pattern.count, pattern[p] == star { p += 1 }
        return p == pattern.count
    }
}

/// Any-of a list of globs.
public struct GlobList: Sendable, Hashable, CustomStringConvertible {
    public let globs: [Glob]
    /// The same patterns in Flyte's label-value form (see ``FlyteLabels/sanitizePattern(_:)``),
    /// compiled once for webhook subjects whose Flyte names arrive sanitized.
    private let labelValueGlobs: [Glob]
    /// The patterns joined for messages, built once: every violation of an allow-list quotes it.
    public let description: String

    public init(_ globs: [Glob]) {
        self.globs = globs
        self.labelValueGlobs = globs.compactMap { Glob(FlyteLabels.sanitizePattern($0.pattern)) }
        self.description = globs.map(\.pattern).joined(separator: ", ")
    }

    // Index loops: `contains(where:)` copies each glob out of the array before testing it.

    public func matches(_ text: String) -> Bool {
        for index in globs.indices where globs[index].matches(text) { return true }
        return false
    }

    /// Whether `path` or one of its `/`-bounded parents matches one of the patterns.
    public func matchesPathOrParent(_ path: String) -> Bool {
        for index in globs.indices where globs[index].matchesPathOrParent(path) { return true }
        return false
    }

    /// Matches a sanitized label value against the sanitized form of each pattern.
    public func matchesLabelValue(_ value: String) -> Bool {
        for index in labelValueGlobs.indices where labelValueGlobs[index].matches(value) { return true }
        return false
    }

}
