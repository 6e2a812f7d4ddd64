import PolicyJSON

/// Something Flyte will do to a resolved pod that its author may not expect: a request or limit
/// propeller lowers to a platform limit, a node's resource override that never reaches a replica
/// group. A note never fails the gate; reports show it beside the subject's findings (text),
/// in `notes` (JSON) and as a `note`-level result (SARIF).
public struct SubjectNote: Sendable, Hashable {
    /// The container the note is about; `nil` for the pod as a whole.
    public var container: String?
    /// Where in the pod (`/spec/containers/0/resources/requests/cpu`).
    public var path: JSONPointer
    /// What happens, as a sentence: `Flyte will lower requests.cpu from 16 to 8 (task_resources.limits)`.
    public var message: String
    /// The configuration layer that asked for the value (`node override at wf node n1 (resources)`).
    public var layer: String

    public init(container: String?, path: JSONPointer, message: String, layer: String) {
        self.container = container
        self.path = path
        self.message = message
        self.layer = layer
    }

    /// The note as one line: who, what, and who asked.
    public var text: String {
        (container.map { "container '\($0)': " } ?? "") + message + "; asked by \(layer)"
    }
}
