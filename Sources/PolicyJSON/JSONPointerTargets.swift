/// The pointers a locator looks for, and every pointer on the way to them, as a tree of
/// tokens: a scanner walks down it as it enters keys and elements, and a value whose key is
/// not on the way costs a few byte comparisons, not a string. The JSON and YAML locators both
/// walk with it.
public struct JSONPointerTargets: Sendable {
    /// A pointer on the way to a wanted one (the root `` included).
    public typealias Node = Int

    private struct Entry: Sendable {
        /// The pointer, escaped as written in the wanted set.
        var pointer: String
        /// Children by unescaped token, in UTF-8: a pointer has a handful, so a list beats hashing.
        var children: [(token: [UInt8], node: Node)] = []
    }

    private var entries: [Entry] = [Entry(pointer: "")]
    public let isEmpty: Bool

    public init(_ pointers: Set<String>) {
        isEmpty = pointers.isEmpty
        // Sorted, so the tree and its numbering are the same for the same set.
        for pointer in pointers.sorted() {
            let bytes = Array(pointer.utf8)
            var node = 0
            var start = 0
            while start < bytes.count, bytes[start] == 0x2F {
                var end = start + 1
                while end < bytes.count, bytes[end] != 0x2F { end += 1 }
                let token = Self.unescape(bytes[(start + 1)..<end])
                if let child = entries[node].children.first(where: { $0.token == token })?.node {
                    node = child
                } else {
                    entries.append(Entry(pointer: String(decoding: bytes[..<end], as: UTF8.self)))
                    entries[node].children.append((token, entries.count - 1))
                    node = entries.count - 1
                }
                start = end
            }
        }
    }

    /// `~1` is `/` and `~0` is `~` (RFC 6901), over UTF-8.
    private static func unescape(_ token: ArraySlice<UInt8>) -> [UInt8] {
        guard token.contains(0x7E) else { return Array(token) }
        var out: [UInt8] = []
        var index = token.startIndex
        while index < token.endIndex {
            if token[index] == 0x7E, index + 1 < token.endIndex, token[index + 1] == 0x30 || token[index + 1] == 0x31 {
                out.append(token[index + 1] == 0x30 ? 0x7E : 0x2F)
                index += 2
            } else {
                out.append(token[index])
                index += 1
            }
        }
        return out
    }

    /// The document's root, unless nothing is wanted in it.
    public var root: Node? { isEmpty ? nil : 0 }

    /// Whether some wanted pointer lies below `node`: when none does, a scanner can pass over
    /// the value without reading it.
    public func leadsFurther(_ node: Node) -> Bool {
        entries.indices.contains(node) && !entries[node].children.isEmpty
    }

    /// The pointer `node` stands for.
    public func pointer(_ node: Node) -> String {
        entries.indices.contains(node) ? entries[node].pointer : ""
    }

    /// The child of `parent` whose unescaped token is `token`, when it is wanted or leads to one.
    public func child(of parent: Node, token: some Collection<UInt8>) -> Node? {
        guard entries.indices.contains(parent) else { return nil }
        for child in entries[parent].children where child.token.count == token.count && child.token.elementsEqual(token) {
            return child.node
        }
        return nil
    }

    /// The child of `parent` for a key or a scalar read as text.
    public func child(of parent: Node, token: String) -> Node? {
        child(of: parent, token: token.utf8)
    }

    /// The child of `parent` for an array element.
    public func child(of parent: Node, index: Int) -> Node? {
        guard entries.indices.contains(parent), !entries[parent].children.isEmpty else { return nil }
        return child(of: parent, token: String(index).utf8)
    }
}
