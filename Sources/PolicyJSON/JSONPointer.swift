import Foundation

/// An RFC 6901 JSON pointer, e.g. `/spec/containers/0/resources/limits/nvidia.com~1gpu`.
///
/// The pointer is kept in its string form, escaped: reports print it, provenance keys on it,
/// and decoders extend it one token at a time, so a pointer costs what a string costs. Each
/// token sequence has exactly one escaped form, so comparing and hashing the text compares
/// and hashes the tokens.
public struct JSONPointer: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The escaped string form: empty for the whole document, else `/`-separated tokens.
    public let description: String

    /// The pointer to the whole document.
    public static let root = JSONPointer(escapedText: "")

    /// The pointer as messages write it: its string form, or `/` for the whole document (whose
    /// string form is empty, which reads as nothing in a sentence).
    public var shown: String { description.isEmpty ? "/" : description }

    public init(tokens: [String]) {
        self = Self.root.appending(contentsOf: tokens)
    }

    /// Parses the string form into its tokens (`~1` is `/`, `~0` is `~`) and keeps their
    /// escaped form.
    public init(_ text: String) {
        self.init(tokens: Self.tokens(of: text))
    }

    /// A pointer already in its escaped form, as a finding's path is written (by ``escape(_:)``
    /// token by token), taken as it is: looking up provenance for every finding must not parse.
    public init(escapedText: String) {
        description = escapedText
    }

    /// A pointer written in source is in its string form already (`"/spec/nodeSelector"`,
    /// `"/nvidia.com~1gpu"`), and is taken as written: checks name constant pointers for every
    /// violation they report.
    public init(stringLiteral value: String) {
        self.init(escapedText: value)
    }

    /// The unescaped reference tokens.
    public var tokens: [String] { Self.tokens(of: description) }

    private static func tokens(of text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        return text.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
            // Most tokens have no escape; Foundation's replacing would copy each one twice.
            $0.utf8.contains(0x7E) ? $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~") : String($0)
        }
    }

    /// This pointer extended by one object key or array index.
    public func appending(_ token: String) -> JSONPointer {
        JSONPointer(escapedText: description + "/" + Self.escape(token))
    }

    /// This pointer extended by an array index.
    public func appending(_ index: Int) -> JSONPointer {
        JSONPointer(escapedText: description + "/" + String(index))
    }

    /// This pointer extended by several tokens.
    public func appending(contentsOf more: [String]) -> JSONPointer {
        var text = description
        for token in more {
            text += "/"
            text += Self.escape(token)
        }
        return JSONPointer(escapedText: text)
    }

    /// This pointer followed by `below`: the pointer, in the whole document, of what `below`
    /// points at inside the value this pointer points at.
    public func appending(pointer below: JSONPointer) -> JSONPointer {
        JSONPointer(escapedText: description + below.description)
    }

    /// Whether `prefix` is this pointer or one of its ancestors (`/spec/a` is an ancestor of
    /// `/spec/a/0`, not of `/spec/ab`).
    public func starts(with prefix: JSONPointer) -> Bool {
        guard description.utf8.starts(with: prefix.description.utf8) else { return false }
        return description.utf8.dropFirst(prefix.description.utf8.count).first.map { $0 == 0x2F } ?? true
    }

    /// Escapes one token for the string form.
    public static func escape(_ token: String) -> String {
        // Over UTF-8 bytes: '~' and '/' are ASCII, and grapheme iteration is far slower.
        // Over the bytes in place where the string has them (native and small strings do):
        // iterating the UTF-8 view is a call per byte, and every pointer built escapes.
        let needsEscape =
            token.utf8.withContiguousStorageIfAvailable { $0.contains { $0 == 0x7E || $0 == 0x2F } }
            ?? token.utf8.contains { $0 == 0x7E || $0 == 0x2F }
        guard needsEscape else { return token }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(token.utf8.count + 4)
        for byte in token.utf8 {
            switch byte {
            case 0x7E: bytes += [0x7E, 0x30]
            case 0x2F: bytes += [0x7E, 0x31]
            default: bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
