import PolicyJSON

/// A field of a subject's Flyte identity as policies name it: `flyte.taskType` in an `assert`
/// path, `{{flyte.node}}` in a message.
public enum FlyteField: String, Sendable, CaseIterable {
    case project, domain, workflow, task, node, taskType, interruptible, role, replicas

    /// The field's value for `identity`, as JSON; `nil` when the subject has no Flyte identity
    /// or the field is not set.
    public func value(in identity: FlyteIdentity?) -> JSONValue? {
        guard let identity else { return nil }
        return switch self {
        case .project: identity.project.map(JSONValue.string)
        case .domain: identity.domain.map(JSONValue.string)
        case .workflow: identity.workflow.map(JSONValue.string)
        case .task: identity.task.map(JSONValue.string)
        case .node: identity.node.map(JSONValue.string)
        case .taskType: identity.taskType.map(JSONValue.string)
        case .interruptible: identity.interruptible.map(JSONValue.bool)
        case .role: identity.role.map { JSONValue.string($0.label) }
        case .replicas: identity.replicas.map { JSONValue.integer(Int64($0)) }
        }
    }

    /// The value as message text (`true`, `4`, `worker`); empty when unset.
    public func text(in identity: FlyteIdentity?) -> String {
        switch value(in: identity) {
        case .string(let text)?: text
        case .bool(let flag)?: flag ? "true" : "false"
        case .integer(let number)?: String(number)
        default: ""
        }
    }

    /// Every field, as written after `flyte.`.
    public static var names: [String] { allCases.map(\.rawValue) }
}
