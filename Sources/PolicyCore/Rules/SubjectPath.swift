import PolicyJSON

/// A dotted path over a subject: `spec.containers[*].securityContext.privileged`,
/// `metadata.labels['app.kubernetes.io/name']`, `flyte.workflow`. The `pod.` prefix is optional.
public struct SubjectPath: Sendable, CustomStringConvertible {
    enum Root: Sendable, Equatable {
        case metadata
        case spec
        case flyte(FlyteField)
    }

    public let text: String
    let root: Root
    /// The steps below the root, compiled for walking the pod's JSON.
    private let jsonPath: JSONPath

    public struct ParseError: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    public init(parsing text: String) throws(ParseError) {
        self.text = text
        var segments = try Self.tokenize(text)
        if segments.first == .member("pod") { segments.removeFirst() }
        switch segments.first {
        case .member("metadata"):
            root = .metadata
            segments.removeFirst()
        case .member("spec"):
            root = .spec
            segments.removeFirst()
        case .member("flyte"):
            guard segments.count == 2, case .member(let name) = segments[1], let field = FlyteField(rawValue: name) else {
                throw ParseError(description: "a flyte path is flyte.FIELD with FIELD one of \(FlyteField.names.joined(separator: ", "))")
            }
            root = .flyte(field)
            segments = []
        default:
            throw ParseError(description: "a path starts with spec., metadata., pod. or flyte. (e.g. spec.containers[*].image)")
        }
        jsonPath = JSONPath(segments)
    }

    private static func tokenize(_ text: String) throws(ParseError) -> [JSONPath.Step] {
        let chars = Array(text)
        var segments: [JSONPath.Step] = []
        var index = 0
        var current = ""
        func flush() { if !current.isEmpty { segments.append(.member(current)); current = "" } }
        while index < chars.count {
            let c = chars[index]
            if c == "." {
                guard !current.isEmpty || segments.last.map({ $0 != .member("") }) == true, index + 1 < chars.count else {
                    throw ParseError(description: "empty segment at offset \(index)")
                }
                flush()
                index += 1
            } else if c == "[" {
                flush()
                guard let close = chars[index...].firstIndex(of: "]") else { throw ParseError(description: "'[' at offset \(index) is not closed") }
                let inner = String(chars[(index + 1)..<close])
                if inner == "*" {
                    segments.append(.everyChild)
                } else if let number = Int(inner), number >= 0 {
                    segments.append(.element(number))
                } else if inner.count >= 2, let quote = inner.first, quote == "'" || quote == "\"", inner.last == quote {
                    segments.append(.member(String(inner.dropFirst().dropLast())))
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
                case .context(let value):
                    return value.string ?? (value.bool.map { $0 ? "true" : "false" }) ?? value.number.map(JSONValue.format(real:))
                }
            default: return nil
            }
        }
    }

    /// Where a value was reached (or found missing): its pointer is formatted only when read,
    /// because most values pass and a pointer string per visit would cost more than the test.
    /// Valid during the callback that receives it.
    struct Location {
        fileprivate enum Place {
            case json(JSONPathPosition)
            case fixed(JSONPointer)
        }
        fileprivate let place: Place

        var pointer: JSONPointer {
            switch place {
            case .json(let position): position.pointer
            case .fixed(let text): text
            }
        }
    }

    /// Calls `match` for every value the path reaches and `missing` for every branch that found
    /// nothing, in document order.
    func visit(in subject: Subject, match: (Value, Location) -> Void, missing: (Location) -> Void) {
        switch root {
        case .flyte(let field):
            // The identity is not in the pod: a finding about it is about the pod as a whole.
            let location = Location(place: .fixed(.root))
            guard let value = field.value(of: subject) else { return missing(location) }
            match(.context(value), location)
        case .metadata:
            walk(from: subject.metadataNode, base: "/metadata", match: match, missing: missing)
        case .spec:
            walk(from: subject.specNode, base: "/spec", match: match, missing: missing)
        }
    }

    /// Walks the path's JSON below `start`: a `null` at the end counts as missing, like an
    /// absent field.
    private func walk(from start: JSONNode?, base: JSONPointer, match: (Value, Location) -> Void, missing: (Location) -> Void) {
        guard let start else { return missing(Location(place: .fixed(base))) }
        start.walk(jsonPath, pointerPrefix: base) { node, position in
            if let node, !node.isNull { match(.node(node), Location(place: .json(position))) } else { missing(Location(place: .json(position))) }
        }
    }
}
