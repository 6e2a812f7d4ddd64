/// The labels propeller puts on the pods it creates, how it turns Flyte names into label
/// values, and how webhook mode reads a ``FlyteIdentity`` back from them.
///
/// Keys and sanitizing follow flytepropeller v1.16.8 (`transformers/k8s/workflow.go`,
/// `nodes/node_exec_context.go`, `utils.SanitizeLabelValue`).
public enum FlyteLabels {
    public static let project = "project"
    public static let domain = "domain"
    public static let workflowName = "workflow-name"
    public static let executionID = "execution-id"
    public static let taskName = "task-name"
    public static let nodeID = "node-id"
    public static let interruptible = "interruptible"

    /// Lower case; every character outside `[a-z0-9-]` becomes `-`; at most 63; no leading or
    /// trailing `-`. `pipelines.train.training_wf` -> `pipelines-train-training-wf`.
    public static func sanitize(_ name: String) -> String {
        var text = String(map(name, keeping: "").prefix(63))
        trimDashes(&text)
        return text
    }

    /// The same mapping for a glob, keeping `*` and `?`, so that a policy written against
    /// Flyte names (`pipelines.train.*`) matches the label values a webhook sees
    /// (`pipelines-train-*`). A pattern without wildcards is cut at 63 like a name.
    public static func sanitizePattern(_ pattern: String) -> String {
        let hasWildcard = pattern.contains { $0 == "*" || $0 == "?" }
        var text = map(pattern, keeping: "*?")
        if !hasWildcard { text = String(text.prefix(63)) }
        trimDashes(&text)
        return text
    }

    /// The labels propeller sets for `identity`, in propeller's order.
    public static func labels(for identity: FlyteIdentity) -> [(String, String)] {
        var labels: [(String, String)] = []
        if let value = identity.project, !value.isEmpty { labels.append((project, value)) }
        if let value = identity.domain, !value.isEmpty { labels.append((domain, value)) }
        if let value = identity.workflow, !value.isEmpty { labels.append((workflowName, sanitize(value))) }
        if let value = identity.task, !value.isEmpty { labels.append((taskName, sanitize(value))) }
        if let value = identity.node, !value.isEmpty { labels.append((nodeID, value)) }
        labels.append((interruptible, identity.interruptible == true ? "true" : "false"))
        return labels
    }

    /// The Flyte identity of a pod propeller created, or `nil` when the labels do not say the
    /// pod is a Flyte task pod (no `execution-id`, `workflow-name`, `task-name` or `node-id`).
    ///
    /// Workflow, task and node names come back sanitized; ``FlyteIdentity/namesAreLabelValues``
    /// tells match clauses to compare sanitized forms.
    public static func identity(fromLabels labels: StringMap) -> FlyteIdentity? {
        let markers = [executionID, workflowName, taskName, nodeID]
        guard markers.contains(where: { labels[$0] != nil }) else { return nil }
        var identity = FlyteIdentity(
            project: labels[project], domain: labels[domain], workflow: labels[workflowName], task: labels[taskName],
            node: labels[nodeID], interruptible: labels[interruptible].map { $0 == "true" })
        identity.namesAreLabelValues = true
        return identity
    }

    private static func map(_ text: String, keeping extra: String) -> String {
        // Flyte names are ASCII: mapped byte by byte, as every resolved pod's labels are made
        // here. Anything else goes character by character, one `-` per character.
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            let kept = Array(extra.utf8)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(text.utf8.count)
            for byte in text.utf8 {
                switch byte {
                case 0x41...0x5A: bytes.append(byte + 0x20)
                case 0x61...0x7A, 0x30...0x39, 0x2D: bytes.append(byte)
                default: bytes.append(kept.contains(byte) ? byte : 0x2D)
                }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        return String(
            text.lowercased().map { character -> Character in
                (character.isASCII && (character.isLetter || character.isNumber)) || character == "-" || extra.contains(character)
                    ? character : "-"
            })
    }

    private static func trimDashes(_ text: inout String) {
        while text.hasPrefix("-") { text.removeFirst() }
        while text.hasSuffix("-") { text.removeLast() }
    }
}
