/// `match` / `exclude` / `when`: every listed field must match; within a field any value may.
///
/// Flyte fields never match a subject that has no Flyte identity, so a policy scoped to
/// `projects: ["ml-*"]` does not apply to a plain Deployment.
public struct MatchClause: Sendable {
    /// What a clause lists; `nil` fields match everything.
    public struct Fields: Sendable {
        public var projects: GlobList?
        public var domains: GlobList?
        public var workflows: GlobList?
        public var tasks: GlobList?
        public var nodes: GlobList?
        public var taskTypes: GlobList?
        /// Replica roles of distributed and cluster tasks (`worker`, `head`, `worker-group:gpu`).
        public var roles: GlobList?
        public var namespaces: GlobList?
        public var labels: [(key: String, value: Glob)]?
        public var annotations: [(key: String, value: Glob)]?
        public var interruptible: Bool?
        public var resources: [String]?

        public init() {}
    }

    /// The fields behind one reference: the evaluator tests the clauses of every policy and rule
    /// against every subject, and a call on a clause that a policy holds copies the clause, which
    /// for a plain struct retains each of its lists.
    private let storage: SharedStorage<Fields>

    public init(_ fields: Fields = Fields()) {
        storage = SharedStorage(fields)
    }

    /// What the clause lists.
    public var fields: Fields { storage.fields }

    /// The field names this clause reads, as policy authors write them.
    public static let fieldNames = [
        "projects", "domains", "workflows", "tasks", "nodes", "taskTypes", "roles", "namespaces", "labels", "annotations",
        "interruptible", "resources",
    ]

    /// The fields this clause lists whose subject values can differ between the replica groups
    /// of one job (operators label each group; Spark drivers run non-interruptible).
    var fieldsVaryingWithinAJob: [String] {
        let fields = storage.fields
        let listed: [(String, Bool)] = [
            ("roles", fields.roles != nil), ("labels", fields.labels != nil), ("annotations", fields.annotations != nil),
            ("interruptible", fields.interruptible != nil), ("resources", fields.resources != nil),
        ]
        return listed.filter(\.1).map(\.0)
    }

    public var isEmpty: Bool {
        let fields = storage.fields
        return fields.projects == nil && fields.domains == nil && fields.workflows == nil && fields.tasks == nil && fields.nodes == nil
            && fields.taskTypes == nil && fields.roles == nil && fields.namespaces == nil && fields.labels == nil && fields.annotations == nil
            && fields.interruptible == nil && fields.resources == nil
    }

    public func matches(_ subject: Subject) -> Bool {
        // Fields are read in place (`storage.fields.x`): binding the fields or `subject.flyte`
        // would copy every list or string in them for every rule of every subject.
        if !Self.field(storage.fields.projects, subject.flyte?.project) { return false }
        if !Self.field(storage.fields.domains, subject.flyte?.domain) { return false }
        let sanitized = subject.flyte?.namesAreLabelValues == true
        if !Self.field(storage.fields.workflows, subject.flyte?.workflow, sanitized: sanitized) { return false }
        if !Self.field(storage.fields.tasks, subject.flyte?.task, sanitized: sanitized) { return false }
        if !Self.field(storage.fields.nodes, subject.flyte?.node, sanitized: sanitized) { return false }
        if !Self.field(storage.fields.taskTypes, subject.flyte?.taskType) { return false }
        if let roles = storage.fields.roles {
            // A subject without a role (a plain pod) never matches a `roles` clause.
            guard let role = subject.role, role.matchWords.contains(where: roles.matches) else { return false }
        }
        if !Self.field(storage.fields.namespaces, subject.namespace) { return false }
        if let labels = storage.fields.labels, !Self.map(labels, subject.pod.metadata.labels) { return false }
        if let annotations = storage.fields.annotations, !Self.map(annotations, subject.pod.metadata.annotations) { return false }
        if let interruptible = storage.fields.interruptible {
            guard let actual = subject.flyte?.interruptible, actual == interruptible else { return false }
        }
        if let resources = storage.fields.resources {
            let requested = subject.requestedResourceNames
            guard resources.contains(where: requested.contains) else { return false }
        }
        return true
    }

    /// `value` is read only when the clause names the field: most clauses name one or two.
    private static func field(_ globs: GlobList?, _ value: @autoclosure () -> String?, sanitized: Bool = false) -> Bool {
        guard let globs else { return true }
        guard let value = value() else { return false }
        return sanitized ? globs.matchesLabelValue(value) : globs.matches(value)
    }

    private static func map(_ wanted: [(key: String, value: Glob)], _ actual: StringMap) -> Bool {
        wanted.allSatisfy { key, glob in actual[key].map(glob.matches) ?? false }
    }
}
