import PolicyJSON

/// `podSecurity`: one control of the Kubernetes Pod Security Standards, as
/// `k8s.io/pod-security-admission` v1.37 enforces it (`policy/check_*.go`), over the pod's
/// containers, init containers and ephemeral containers and its pod-level security context.
/// One violation per offending field, at its pointer, naming the field and what is allowed.
public struct PodSecurityCheck: RuleCheck {
    public static let key = "podSecurity"
    static let fields = ["control"]

    public var control: PodSecurityControl

    public init(control: PodSecurityControl) {
        self.control = control
    }

    public init?(reading node: JSONNode, at pointer: JSONPointer, context: inout LoadContext) {
        guard let reader = ObjectReader(node, at: pointer, allowed: Self.fields, what: "a podSecurity check", context: &context),
            let name = reader.string("control", required: true, context: &context)
        else { return nil }
        guard let control = PodSecurityControl(rawValue: name) else {
            let suggestion = Suggest.closest(to: name, among: PodSecurityControl.allCases.map(\.rawValue)).map { " (did you mean '\($0)'?)" } ?? ""
            context.fail(
                pointer.appending("control"),
                "'\(name)' is not a Pod Security Standards control\(suggestion); controls are \(PodSecurityControl.allCases.map(\.rawValue).joined(separator: ", "))"
            )
            return nil
        }
        self.control = control
    }

    public func evaluate(_ subject: Subject, into violations: inout [Violation]) {
        let pod = PodSecurityView(spec: subject.specNode, metadata: subject.metadataNode)
        control.check(pod, into: &violations)
    }
}

/// The controls of the Pod Security Standards, by pod-security-admission's check IDs, with
/// the level that introduces each.
public enum PodSecurityControl: String, Sendable, CaseIterable {
    // Baseline.
    case hostNamespaces, privileged
    case capabilitiesBaseline = "capabilities_baseline"
    case hostPathVolumes, hostPorts, hostProbesAndHostLifecycle, appArmorProfile, seLinuxOptions, procMount
    case seccompProfileBaseline = "seccompProfile_baseline"
    case sysctls, windowsHostProcess
    // Restricted.
    case restrictedVolumes, allowPrivilegeEscalation, runAsNonRoot, runAsUser
    case seccompProfileRestricted = "seccompProfile_restricted"
    case capabilitiesRestricted = "capabilities_restricted"
    case procMountRestricted = "procMount_restricted"

    public enum Level: String, Sendable {
        case baseline, restricted
    }

    public var level: Level {
        switch self {
        case .hostNamespaces, .privileged, .capabilitiesBaseline, .hostPathVolumes, .hostPorts, .hostProbesAndHostLifecycle, .appArmorProfile,
            .seLinuxOptions, .procMount, .seccompProfileBaseline, .sysctls, .windowsHostProcess:
            .baseline
        case .restrictedVolumes, .allowPrivilegeEscalation, .runAsNonRoot, .runAsUser, .seccompProfileRestricted, .capabilitiesRestricted,
            .procMountRestricted:
            .restricted
        }
    }

    func check(_ pod: PodSecurityView, into violations: inout [Violation]) {
        switch self {
        case .hostNamespaces: BaselineControls.hostNamespaces(pod, &violations)
        case .privileged: BaselineControls.privileged(pod, &violations)
        case .capabilitiesBaseline: BaselineControls.capabilities(pod, &violations)
        case .hostPathVolumes: BaselineControls.hostPathVolumes(pod, &violations)
        case .hostPorts: BaselineControls.hostPorts(pod, &violations)
        case .hostProbesAndHostLifecycle: BaselineControls.hostProbesAndLifecycle(pod, &violations)
        case .appArmorProfile: BaselineControls.appArmor(pod, &violations)
        case .seLinuxOptions: BaselineControls.seLinux(pod, &violations)
        case .procMount:
            // Since 1.35 a pod in its own user namespace may set any procMount at baseline.
            if !pod.hostUsersOff { BaselineControls.procMount(pod, &violations) }
        case .seccompProfileBaseline: BaselineControls.seccomp(pod, &violations)
        case .sysctls: BaselineControls.sysctls(pod, &violations)
        case .windowsHostProcess: BaselineControls.windowsHostProcess(pod, &violations)
        case .restrictedVolumes: RestrictedControls.volumes(pod, &violations)
        case .allowPrivilegeEscalation: if !pod.isWindows { RestrictedControls.allowPrivilegeEscalation(pod, &violations) }
        case .runAsNonRoot: if !pod.hostUsersOff { RestrictedControls.runAsNonRoot(pod, &violations) }
        case .runAsUser: if !pod.hostUsersOff { RestrictedControls.runAsUser(pod, &violations) }
        case .seccompProfileRestricted: if !pod.isWindows { RestrictedControls.seccomp(pod, &violations) }
        case .capabilitiesRestricted: if !pod.isWindows { RestrictedControls.capabilities(pod, &violations) }
        case .procMountRestricted: BaselineControls.procMount(pod, &violations)
        }
    }
}

/// A pod as the controls read it: its JSON, with containers in pod-security-admission's
/// order (init containers, containers, ephemeral containers).
struct PodSecurityView {
    struct ContainerView {
        var node: JSONNode
        var pointer: JSONPointer
        /// Read for a violation's words only: most containers pass every control.
        var name: String { node["name"]?.string ?? "" }
        var securityContext: JSONNode? { node["securityContext"].flatMap { $0.isNull ? nil : $0 } }
    }

    let spec: JSONNode?
    let metadata: JSONNode?

    /// Made for every control of every pod, so it holds the two nodes and nothing more: the
    /// containers are walked where a control reads them, not gathered into an array first.
    init(spec: JSONNode?, metadata: JSONNode?) {
        self.spec = spec
        self.metadata = metadata
    }

    /// Every container that is an object, in pod-security-admission's order.
    var containers: Containers { Containers(spec: spec) }

    struct Containers: Sequence {
        let spec: JSONNode?

        func makeIterator() -> Iterator { Iterator(spec: spec) }

        struct Iterator: IteratorProtocol {
            static let kinds: [ContainerKind] = [.initContainer, .container, .ephemeralContainer]
            let spec: JSONNode?
            var kindIndex = -1
            var list: JSONNode?
            var count = 0
            var index = 0

            init(spec: JSONNode?) { self.spec = spec }

            mutating func next() -> ContainerView? {
                while true {
                    while index < count {
                        let current = index
                        index += 1
                        if let node = list?[current], node.isObject {
                            return ContainerView(node: node, pointer: Container.pointer(Self.kinds[kindIndex], current))
                        }
                    }
                    kindIndex += 1
                    guard kindIndex < Self.kinds.count else { return nil }
                    list = spec?[Self.kinds[kindIndex].rawValue]
                    count = list.map { $0.isArray ? $0.count : 0 } ?? 0
                    index = 0
                }
            }
        }
    }

    /// `spec.securityContext`, when set.
    var podSecurityContext: JSONNode? { spec?["securityContext"].flatMap { $0.isNull ? nil : $0 } }

    /// Calls `body` with the pod's security context, then each container's, with who sets it
    /// (`the pod`, `container 'main'`), which also knows where it is.
    func forEachSecurityContext(_ body: (_ context: JSONNode?, _ who: Owner) -> Void) {
        body(podSecurityContext, .pod)
        for container in containers { body(container.securityContext, .container(container)) }
    }

    /// Whose security context a control reads, named in its words only when it fails.
    enum Owner: CustomStringConvertible {
        case pod
        case container(ContainerView)

        var description: String {
            switch self {
            case .pod: "the pod"
            case .container(let container): "container '\(container.name)'"
            }
        }

        /// Where its security context is, spelled only for a violation: every control of
        /// every pod walks every context.
        var securityContextPointer: JSONPointer {
            switch self {
            case .pod: "/spec/securityContext"
            case .container(let container): container.pointer.appending("securityContext")
            }
        }
    }

    /// `spec.os.name: windows`: the restricted level exempts these pods from Linux-only controls.
    var isWindows: Bool { spec?["os"]?["name"]?.string == "windows" }

    /// `spec.hostUsers: false` (a user namespace): some controls relax for it since 1.35.
    var hostUsersOff: Bool { spec?["hostUsers"]?.bool == false }
}

extension Violation {
    /// A Pod Security Standards violation at `pointer`, with the offending value and what the
    /// standard allows.
    static func podSecurity(_ pointer: JSONPointer, _ detail: String, value: String? = nil, allowed: String) -> Violation {
        Violation(path: pointer, detail: detail, value: value, allowed: allowed)
    }
}
