/// The pointers a locator looks for, and every pointer on the way to them, kept by parent and
/// escaped token: a scanner asks whether a child is on the way before it builds the child's
/// pointer, so values on paths to nothing wanted cost no string. The JSON and YAML locators
/// both walk with it.
public struct JSONPointerTargets: Sendable {
    /// Each pointer on the way (the root `` included) to the escaped tokens of its children that
    /// are on the way too.
    private var children: [String: Set<String>] = [:]
    public let isEmpty: Bool

    public init(_ pointers: Set<String>) {
        isEmpty = pointers.isEmpty
        for pointer in pointers {
            var current = Substring(pointer)
            while let slash = current.lastIndex(of: "/") {
                let parent = String(current[..<slash])
                // A parent already known has its own parents recorded too.
                guard children[parent, default: []].insert(String(current[current.index(after: slash)...])).inserted else { break }
                current = current[..<slash]
            }
        }
    }

    /// The pointer of `token` (unescaped) below `parent`, when it is wanted or leads to one.
    public func child(of parent: String, token: String) -> String? {
        let escaped = JSONPointer.escape(token)
        guard children[parent]?.contains(escaped) == true else { return nil }
        return parent + "/" + escaped
    }
}
