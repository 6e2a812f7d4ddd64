import Foundation

/// A rule's `message`, with `{{placeholders}}` checked at load time.
public struct MessageTemplate: Sendable {
    /// What a `{{...}}` may name.
    enum Placeholder: Sendable, Equatable {
        case value, allowed, path, container, policy, rule, podNamespace, podName
        case flyte(FlyteField)

        init?(_ name: String) {
            switch name {
            case "value": self = .value
            case "allowed": self = .allowed
            case "path": self = .path
            case "container": self = .container
            case "policy": self = .policy
            case "rule": self = .rule
            case "pod.namespace": self = .podNamespace
            case "pod.name": self = .podName
            default:
                guard name.hasPrefix("flyte."), let field = FlyteField(rawValue: String(name.dropFirst(6))) else { return nil }
                self = .flyte(field)
            }
        }
    }

    enum Piece: Sendable {
        case text(String)
        case placeholder(Placeholder)
    }

    /// The placeholders a template may use.
    public static let placeholders =
        ["value", "allowed", "path", "container"] + FlyteField.names.map { "flyte.\($0)" }
        + ["pod.namespace", "pod.name", "policy", "rule"]

    let pieces: [Piece]

    /// Parses a template; the error says which placeholder is unknown or unclosed.
    public init(parsing text: String) throws(TemplateError) {
        var pieces: [Piece] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            if open.lowerBound > rest.startIndex { pieces.append(.text(String(rest[..<open.lowerBound]))) }
            let afterOpen = rest[open.upperBound...]
            guard let close = afterOpen.range(of: "}}") else { throw .unclosed }
            let name = afterOpen[..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let placeholder = Placeholder(name) else { throw .unknown(name) }
            pieces.append(.placeholder(placeholder))
            rest = afterOpen[close.upperBound...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        self.pieces = pieces
    }

    public enum TemplateError: Error, Sendable, CustomStringConvertible {
        case unclosed
        case unknown(String)

        public var description: String {
            switch self {
            case .unclosed: "a '{{' in the message has no closing '}}'"
            case .unknown(let name):
                "unknown placeholder '{{\(name)}}'; use one of \(MessageTemplate.placeholders.map { "{{\($0)}}" }.joined(separator: ", "))"
            }
        }
    }

    /// The message for one violation.
    public func render(_ violation: Violation, subject: Subject, policy: String, rule: String) -> String {
        var result = ""
        for piece in pieces {
            switch piece {
            case .text(let text): result += text
            case .placeholder(let placeholder):
                result += Self.value(of: placeholder, violation, subject, policy, rule)
            }
        }
        return result
    }

    private static func value(of placeholder: Placeholder, _ violation: Violation, _ subject: Subject, _ policy: String, _ rule: String) -> String {
        switch placeholder {
        // An absent value (a required label not selected at all) is said, not left as a gap.
        case .value: violation.value.flatMap { $0.isEmpty ? nil : $0 } ?? "(none)"
        case .allowed: violation.allowed.flatMap { $0.isEmpty ? nil : $0 } ?? "(none)"
        case .path: violation.path.description
        case .container: violation.container ?? ""
        case .flyte(let field): field.text(of: subject)
        case .podNamespace: subject.namespace ?? ""
        case .podName: subject.name
        case .policy: policy
        case .rule: rule
        }
    }
}
