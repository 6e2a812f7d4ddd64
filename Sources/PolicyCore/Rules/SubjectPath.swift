import PolicyJSON

/// A dotted path over a subject: `spec.containers[*].securityContext.privileged`,
/// `metadata.labels['app.kubernetes.io/name']`, `flyte.workflow`. The `pod.` prefix is optional.
public struct SubjectPath: Sendable, CustomStringConvertible {
    enum Segment: Sendable, Equatable {
        case key(String)
        case index(Int)
        case wildcard
    }

    enum Root: Sendable, Equatable {
        case metadata
        case spec
        case flyte(String)
    }

    public let text: String
    let root: Root
    let segments: [Segment]

    static let flyteFields = ["project", "domain", "workflow", "task", "node", "taskType", "interruptible"]

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public init(parsing text: String) throws(ParseError) {
        self.text = text
        var segments = try Self.tokenize(text)
        if segments.first == .key("pod") { segments.removeFirst() }
        switch segments.first {
        case .key("metadata"):
            root = .metadata
            segments.removeFirst()
        case .key("spec"):
            root = .spec
            segments.removeFirst()
        case .key("flyte"):
            guard segments.count == 2, case .key(let field) = segments[1], Self.flyteFields.contains(field) else {
                throw ParseError(description: "a flyte path is flyte.FIELD with FIELD one of \(Self.flyteFields.joined(separator: ", "))")
            }
            root = .flyte(field)
            segments = []
        default:
            throw ParseError(description: "a path starts with spec., metadata., pod. or flyte. (e.g. spec.containers[*].image)")
        }
        self.segments = segments
    }

    private static func tokenize(_ text: String) throws(ParseError) -> [Segment] {
        let chars = Array(text)
        var segments: [Segment] = []
        var index = 0
        var current = ""
        func flush() { if !current.isEmpty { segments.append(.key(current)); current = "" } }
        while index < chars.count {
            let c = chars[index]
            if c == "." {
                guard !current.isEmpty || segments.last.map({ $0 != .key("") }) == true, index + 1 < chars.count else {
                    throw ParseError(description: "empty segment at offset \(index)")
                }
                flush()
                index += 1
            } else if c == "[" {
                flush()
                guard let close = chars[index...].firstIndex(of: "]") else { throw ParseError(description: "'[' at offset \(index) is not closed") }
                let inner = String(chars[(index + 1)..<close])
                if inner == "*" {
                    segments.append(.wildcard)
                } else if let number = Int(inner), number >= 0 {
                    segments.append(.index(number))
                } else if inner.count >= 2, let quote = inner.first, quote == "'" || quote == "\"", inner.last == quote {
                    segments.append(.key(String(inner.dropFirst().dropLast())))
                } else {
                    throw ParseError(description: "'[\(inner)]' at offset \(index) is not [*], [N] or ['key']")
                }
                index = close + 1
            } else {
                current.append(c)
                index += 1
            }
        }
        flush()
        guard !segments.isEmpty else { throw ParseError(description: "the path is empty") }
        return segments
    }

    public var description: String { text }

    /// A value a path reached: a JSON node of the pod, or a context value.
    public enum Value: Sendable {
        case node(JSONNode)
        case context(JSONValue)

        public var kind: JSONKind {
            switch self {
            case .node(let node): node.kind
            case .context(let value): value.kind
            }
        }

        public var json: JSONValue {
            switch self {
            case .node(let node): node.value
            case .context(let value): value
            }
        }

        /// JSON equality with `other`, without copying a node that is a scalar.
        public func jsonEquals(_ other: JSONValue) -> Bool {
            switch self {
            case .node(let node): node.jsonEquals(other)
            case .context(let value): value.jsonEquals(other)
            }
        }

        /// Strings as they are; numbers and booleans as written; `nil` for containers and null.
        public var text: String? {
            switch kind {
            case .string, .integer, .real, .bool:
                switch self {
                case .node(let node): return node.scalarText
                case .context(let value): return value.string ?? (value.bool.map { $0 ? "true" : "false" }) ?? value.number.map(JSONValue.format(real:))
                }
            default: return nil
            }
        }
    }

    /// Calls `match` for every value the path reaches and `missing` for every branch that found
    /// nothing, in document order. Pointers are built only when a callback asks for one: most
    /// values pass, and a pointer string per visited level would cost more than the test.
    func visit(in subject: Subject, match: (Value, () -> String) -> Void, missing: (() -> String) -> Void) {
        switch root {
        case .flyte(let field):
            let pointer = "flyte.\(field)"
            guard let flyte = subject.flyte else { return missing { pointer } }
            let value: JSONValue?
            switch field {
            case "project": value = flyte.project.map(JSONValue.string)
            case "domain": value = flyte.domain.map(JSONValue.string)
            case "workflow": value = flyte.workflow.map(JSONValue.string)
            case "task": value = flyte.task.map(JSONValue.string)
            case "node": value = flyte.node.map(JSONValue.string)
            case "taskType": value = flyte.taskType.map(JSONValue.string)
            default: value = flyte.interruptible.map(JSONValue.bool)
            }
            if let value { match(.context(value)) { pointer } } else { missing { pointer } }
        case .metadata, .spec:
            let start = root == .metadata ? subject.metadataNode : subject.specNode
            let base = root == .metadata ? "/metadata" : "/spec"
            guard let start else { return missing { base } }
            var trail: [String] = []
            trail.reserveCapacity(segments.count)
            walk(start, base: base, depth: 0, trail: &trail, match: match, missing: missing)
        }
    }

    /// The pointer of a walk position: the root's pointer, then the unescaped tokens below it.
    private static func pointer(_ base: String, _ trail: [String]) -> String {
        base + JSONPointer(tokens: trail).description
    }

    private func walk(
        _ node: JSONNode, base: String, depth: Int, trail: inout [String], match: (Value, () -> String) -> Void, missing: (() -> String) -> Void
    ) {
        guard depth < segments.count else {
            let current = trail
            if node.isNull { missing { Self.pointer(base, current) } } else { match(.node(node)) { Self.pointer(base, current) } }
            return
        }
        func descend(_ token: String, _ child: JSONNode?) {
            trail.append(token)
            if let child {
                walk(child, base: base, depth: depth + 1, trail: &trail, match: match, missing: missing)
            } else {
                let current = trail
                missing { Self.pointer(base, current) }
            }
            trail.removeLast()
        }
        switch segments[depth] {
        case .key(let key):
            descend(key, node[key])
        case .index(let index):
            descend(String(index), node[index])
        case .wildcard:
            if node.isArray {
                node.forEachElement { index, child in descend(String(index), child) }
            } else if node.isObject {
                node.forEachMember { key, child in descend(key, child) }
            } else {
                let current = trail
                missing { Self.pointer(base, current) }
            }
        }
    }
}
