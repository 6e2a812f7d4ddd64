import PolicyJSON

/// A field of a subject's Flyte identity as policies name it: `flyte.taskType` in an `assert`
/// path, `{{flyte.node}}` in a message.
public enum FlyteField: String, Sendable, CaseIterable {
    case project, domain, workflow, task, node, taskType, interruptible, role, replicas

    /// The field's value for `subject`, as JSON; `nil` when the subject has no Flyte identity
    /// or the field is not set. `role` and `replicas` are the subject's replica group, which a
    /// Kubernetes manifest's group template has too.
    public func value(of subject: Subject) -> JSONValue? {
        switch self {
        case .role: return subject.role.map { JSONValue.string($0.label) }
        case .replicas: return subject.replicas.map { JSONValue.integer(Int64($0)) }
        default: break
        }
        guard let identity = subject.flyte else { return nil }
        return switch self {
        case .project: identity.project.map(JSONValue.string)
        case .domain: identity.domain.map(JSONValue.string)
        case .workflow: identity.workflow.map(JSONValue.string)
        case .task: identity.task.map(JSONValue.string)
        case .node: identity.node.map(JSONValue.string)
        case .taskType: identity.taskType.map(JSONValue.string)
        case .interruptible: identity.interruptible.map(JSONValue.bool)
        case .role, .replicas: nil
        }
    }

    /// The value as message text (`true`, `4`, `worker`); empty when unset.
    public func text(of subject: Subject) -> String {
        switch value(of: subject) {
        case .string(let text)?: text
        case .bool(let flag)?: flag ? "true" : "false"
        case .integer(let number)?: String(number)
        default: ""
        }
    }

    /// Every field, as written after `flyte.`.
    public static var names: [String] { allCases.map(\.rawValue) }
}
