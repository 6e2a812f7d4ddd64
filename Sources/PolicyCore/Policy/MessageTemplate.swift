/// A rule's `message`, with `{{placeholders}}` checked at load time.
public struct MessageTemplate: Sendable {
    enum Piece: Sendable {
        case text(String)
        case placeholder(String)
    }

    /// The placeholders a template may use.
    public static let placeholders = [
        "value", "allowed", "path", "container", "flyte.workflow", "flyte.task", "flyte.node", "flyte.project",
        "flyte.domain", "pod.namespace", "pod.name", "policy", "rule",
    ]

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
            guard MessageTemplate.placeholders.contains(name) else { throw .unknown(name) }
            pieces.append(.placeholder(name))
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
            case .placeholder(let name):
                result += Self.value(of: name, violation, subject, policy, rule)
            }
        }
        return result
    }

    private static func value(of name: String, _ violation: Violation, _ subject: Subject, _ policy: String, _ rule: String) -> String {
        switch name {
        case "value": violation.value ?? ""
        case "allowed": violation.allowed ?? ""
        case "path": violation.path
        case "container": violation.container ?? ""
        case "flyte.workflow": subject.flyte?.workflow ?? ""
        case "flyte.task": subject.flyte?.task ?? ""
        case "flyte.node": subject.flyte?.node ?? ""
        case "flyte.project": subject.flyte?.project ?? ""
        case "flyte.domain": subject.flyte?.domain ?? ""
        case "pod.namespace": subject.namespace ?? ""
        case "pod.name": subject.name
        case "policy": policy
        default: rule
        }
    }
}

import Foundation
