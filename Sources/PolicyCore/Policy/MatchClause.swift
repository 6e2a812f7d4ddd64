/// `match` / `exclude` / `when`: every listed field must match; within a field any value may.
///
/// Flyte fields never match a subject that has no Flyte identity, so a policy scoped to
/// `projects: ["ml-*"]` does not apply to a plain Deployment.
public struct MatchClause: Sendable {
    public var projects: GlobList?
    public var domains: GlobList?
    public var workflows: GlobList?
    public var tasks: GlobList?
    public var nodes: GlobList?
    public var taskTypes: GlobList?
    public var namespaces: GlobList?
    public var labels: [(key: String, value: Glob)]?
    public var annotations: [(key: String, value: Glob)]?
    public var interruptible: Bool?
    public var resources: [String]?

    public init() {}

    /// The field names this clause reads, as policy authors write them.
    public static let fieldNames = [
        "projects", "domains", "workflows", "tasks", "nodes", "taskTypes", "namespaces", "labels", "annotations",
        "interruptible", "resources",
    ]

    public var isEmpty: Bool {
        projects == nil && domains == nil && workflows == nil && tasks == nil && nodes == nil && taskTypes == nil
            && namespaces == nil && labels == nil && annotations == nil && interruptible == nil && resources == nil
    }

    public func matches(_ subject: Subject) -> Bool {
        let flyte = subject.flyte
        if !Self.field(projects, flyte?.project) { return false }
        if !Self.field(domains, flyte?.domain) { return false }
        let sanitized = flyte?.namesAreLabelValues == true
        if !Self.field(workflows, flyte?.workflow, sanitized: sanitized) { return false }
        if !Self.field(tasks, flyte?.task, sanitized: sanitized) { return false }
        if !Self.field(nodes, flyte?.node, sanitized: sanitized) { return false }
        if !Self.field(taskTypes, flyte?.taskType) { return false }
        if !Self.field(namespaces, subject.namespace) { return false }
        if let labels, !Self.map(labels, subject.pod.metadata.labels) { return false }
        if let annotations, !Self.map(annotations, subject.pod.metadata.annotations) { return false }
        if let interruptible {
            guard let actual = flyte?.interruptible, actual == interruptible else { return false }
        }
        if let resources {
            let requested = subject.requestedResourceNames
            guard resources.contains(where: requested.contains) else { return false }
        }
        return true
    }

    private static func field(_ globs: GlobList?, _ value: String?, sanitized: Bool = false) -> Bool {
        guard let globs else { return true }
        guard let value else { return false }
        return sanitized ? globs.matchesLabelValue(value) : globs.matches(value)
    }

    private static func map(_ wanted: [(key: String, value: Glob)], _ actual: [String: String]) -> Bool {
        wanted.allSatisfy { key, glob in actual[key].map(glob.matches) ?? false }
    }
}
