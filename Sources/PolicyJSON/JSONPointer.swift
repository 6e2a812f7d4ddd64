import Foundation

/// An RFC 6901 JSON pointer, e.g. `/spec/containers/0/resources/limits/nvidia.com~1gpu`.
public struct JSONPointer: Hashable, Sendable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The unescaped reference tokens.
    public var tokens: [String]

    /// The pointer to the whole document.
    public static let root = JSONPointer(tokens: [])

    public init(tokens: [String]) {
        self.tokens = tokens
    }

    /// Parses the string form; tokens are unescaped (`~1` is `/`, `~0` is `~`).
    public init(_ text: String) {
        if text.isEmpty {
            tokens = []
        } else {
            tokens = text.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map {
                $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            }
        }
    }

    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// This pointer extended by one object key or array index.
    public func appending(_ token: String) -> JSONPointer {
        JSONPointer(tokens: tokens + [token])
    }

    /// This pointer extended by an array index.
    public func appending(_ index: Int) -> JSONPointer {
        appending(String(index))
    }

    /// This pointer extended by several tokens.
    public func appending(contentsOf more: [String]) -> JSONPointer {
        JSONPointer(tokens: tokens + more)
    }

    /// Whether `prefix` is this pointer or one of its ancestors.
    public func starts(with prefix: JSONPointer) -> Bool {
        tokens.starts(with: prefix.tokens)
    }

    /// The pointer one level up; `nil` for the root.
    public var parent: JSONPointer? {
        tokens.isEmpty ? nil : JSONPointer(tokens: Array(tokens.dropLast()))
    }

    /// Escapes one token for the string form.
    public static func escape(_ token: String) -> String {
        // Over UTF-8 bytes: '~' and '/' are ASCII, and grapheme iteration is far slower.
        guard token.utf8.contains(where: { $0 == 0x7E || $0 == 0x2F }) else { return token }
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

    public var description: String {
        tokens.isEmpty ? "" : tokens.map { "/" + JSONPointer.escape($0) }.joined()
    }
}
