import PolicyCore
import PolicyJSON

/// A kind of Kubernetes object that carries pods, keyed by API group and kind (a Volcano
/// `batch.volcano.sh` Job is not a `batch` Job), and where its pod templates sit.
package struct WorkloadKind: Sendable {
    /// The API group (`apps`, `kubeflow.org`); empty for the core group.
    package var group: String
    package var kind: String
    /// Every place a pod template sits, each with how its role and replica count are read.
    package var templates: [TemplateLocation]
    /// For kinds whose pods are not stored as pod templates (Argo workflow steps, Spark drivers
    /// and executors): builds each pod as the operator would, from the object.
    var synthesize: (@Sendable (JSONNode, JSONPointer) throws(InputError) -> [FoundPod])?

    package init(group: String, kind: String, templates: [TemplateLocation]) {
        self.group = group
        self.kind = kind
        self.templates = templates
        self.synthesize = nil
    }

    init(group: String, kind: String, synthesize: @escaping @Sendable (JSONNode, JSONPointer) throws(InputError) -> [FoundPod]) {
        self.group = group
        self.kind = kind
        self.templates = []
        self.synthesize = synthesize
    }

    /// `apps/Deployment`, `Pod` for the core group.
    package var name: String { Self.name(group: group, kind: kind) }

    /// The name of a kind in a group, as kinds are keyed.
    static func name(group: String, kind: String) -> String { group.isEmpty ? kind : "\(group)/\(kind)" }

    /// The API group of an `apiVersion` (`apps/v1` -> `apps`, `v1` -> the core group).
    package static func group(ofAPIVersion apiVersion: String) -> String {
        guard let slash = apiVersion.lastIndex(of: "/") else { return "" }
        return String(apiVersion[..<slash])
    }
}

/// One pod a workload holds: its metadata and spec, where it sits, and its replica group.
struct FoundPod {
    var metadata: JSONNode?
    var spec: JSONNode?
    /// JSON pointer of the pod template (or of what the pod was built from) in the object.
    var pointer: JSONPointer
    var role: ReplicaRole?
    var replicas: Int?
}

/// Where one pod template sits: steps from the object, `*` for every element of an array or
/// member of an object.
package struct TemplateLocation: Sendable {
    package var steps: [String]
    /// How the template's group is named.
    package var role: RoleSource
    /// A member, beside the template, holding the group's replica count (`replicas`).
    package var replicasKey: String?

    package enum RoleSource: Sendable {
        case none
        case fixed(ReplicaRole)
        /// The object key the `*` step matched: Kubeflow's replica types (`Master`, `Worker`, ...).
        case replicaTypeKey
        /// A Ray worker group, named by its `groupName` beside the template.
        case rayWorkerGroup
    }

    package init(_ pointer: String, role: RoleSource = .none, replicasKey: String? = nil) {
        steps = pointer.isEmpty ? [] : JSONPointer(pointer.hasPrefix("/") ? pointer : "/" + pointer).tokens
        self.role = role
        self.replicasKey = replicasKey
    }

    /// Every template this location reaches in `object`.
    func find(in object: JSONNode, base: JSONPointer) -> [FoundPod] {
        var found: [FoundPod] = []
        func walk(_ node: JSONNode, _ index: Int, _ pointer: JSONPointer, parent: JSONNode?, key: String?) {
            guard index < steps.count else {
                guard node.isObject else { return }
                found.append(
                    FoundPod(
                        metadata: node["metadata"], spec: node["spec"], pointer: pointer, role: role(parent: parent, key: key),
                        replicas: replicas(parent: parent)))
                return
            }
            let step = steps[index]
            if step == "*" {
                if node.isArray {
                    for (position, element) in node.elements.enumerated() {
                        walk(element, index + 1, pointer.appending(position), parent: element, key: nil)
                    }
                } else if node.isObject {
                    for (name, member) in node.members {
                        walk(member, index + 1, pointer.appending(name), parent: member, key: name)
                    }
                }
            } else if let child = node[step] {
                // The parent of the template is the node one step above it.
                walk(child, index + 1, pointer.appending(step), parent: index + 1 == steps.count ? node : parent, key: key)
            }
        }
        walk(object, 0, base, parent: nil, key: nil)
        return found
    }

    private func role(parent: JSONNode?, key: String?) -> ReplicaRole? {
        switch role {
        case .none: nil
        case .fixed(let role): role
        case .replicaTypeKey: key.flatMap { ReplicaRole(label: $0.lowercased()) }
        case .rayWorkerGroup: parent?["groupName"]?.string.map(ReplicaRole.workerGroup)
        }
    }

    private func replicas(parent: JSONNode?) -> Int? {
        guard let replicasKey, let parent else { return nil }
        // An autoscaling Ray group runs up to maxReplicas.
        if case .rayWorkerGroup = role, let most = parent["maxReplicas"]?.integer { return Int(clamping: most) }
        return parent[replicasKey]?.integer.map { Int(clamping: $0) } ?? 1
    }
}
