import PolicyJSON

/// The restricted controls of the Pod Security Standards (pod-security-admission v1.37). The
/// level's Windows exemptions (`spec.os.name: windows`) and user-namespace relaxations
/// (`hostUsers: false`) are applied by ``PodSecurityControl``.
enum RestrictedControls {
    /// Volume sources the restricted level allows (`check_restrictedVolumes.go`).
    static let allowedVolumeTypes: Set<String> = [
        "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image", "persistentVolumeClaim", "projected", "secret",
    ]
    /// The volume sources pod-security-admission names when it refuses one, in its order.
    static let knownVolumeTypes = [
        "hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi", "glusterfs", "rbd", "flexVolume", "cinder", "cephfs",
        "flocker", "fc", "azureFile", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "portworxVolume", "scaleIO", "storageos",
    ]

    static func volumes(_ pod: PodSecurityView, _ violations: inout [Violation]) {
        for (index, volume) in (pod.spec?["volumes"]?.elements ?? []).enumerated() {
            let sources = volume.members.filter { $0.key != "name" && !$0.value.isNull }.map(\.key)
            // A volume with no source is an emptyDir: the API server defaults it so.
            guard !sources.isEmpty, !sources.contains(where: allowedVolumeTypes.contains) else { continue }
            let type = knownVolumeTypes.first(where: sources.contains) ?? "unknown"
            violations.append(
                .podSecurity(
                    ("/spec/volumes" as JSONPointer).appending(index),
                    "volume '\(volume["name"]?.string ?? "")' uses the restricted volume type \(type)", value: type,
                    allowed: allowedVolumeTypes.sorted().joined(separator: ", ")))
        }
    }

    static func allowPrivilegeEscalation(_ pod: PodSecurityView, _ violations: inout [Violation]) {
        for container in pod.containers where container.securityContext?["allowPrivilegeEscalation"]?.bool != false {
            let set = container.securityContext?["allowPrivilegeEscalation"].map { !$0.isNull } ?? false
            violations.append(
                .podSecurity(
                    set
                        ? container.pointer.appending(contentsOf: ["securityContext", "allowPrivilegeEscalation"])
                        : container.securityContext == nil ? container.pointer : container.pointer.appending("securityContext"),
                    "container '\(container.name)' must set securityContext.allowPrivilegeEscalation=false", value: set ? "true" : "unset",
                    allowed: "false"))
        }
    }

    static func runAsNonRoot(_ pod: PodSecurityView, _ violations: inout [Violation]) {
        let podValue = pod.podSecurityContext?["runAsNonRoot"]?.bool
        if podValue == false {
            violations.append(
                .podSecurity(
                    "/spec/securityContext/runAsNonRoot", "the pod must not set securityContext.runAsNonRoot=false", value: "false", allowed: "true"))
        }
        for container in pod.containers {
            switch container.securityContext?["runAsNonRoot"]?.bool {
            case false?:
                violations.append(
                    .podSecurity(
                        container.pointer.appending(contentsOf: ["securityContext", "runAsNonRoot"]),
                        "container '\(container.name)' must not set securityContext.runAsNonRoot=false",
                        value: "false", allowed: "true"))
            case true?:
                continue
            case nil:
                guard podValue != true else { continue }
                violations.append(
                    .podSecurity(
                        container.securityContext == nil ? container.pointer : container.pointer.appending("securityContext"),
                        "the pod or container '\(container.name)' must set securityContext.runAsNonRoot=true", value: "unset", allowed: "true"))
            }
        }
    }

    static func runAsUser(_ pod: PodSecurityView, _ violations: inout [Violation]) {
        if pod.podSecurityContext?["runAsUser"]?.integer == 0 {
            violations.append(
                .podSecurity(
                    "/spec/securityContext/runAsUser", "the pod must not set securityContext.runAsUser=0", value: "0", allowed: "a non-zero user ID"))
        }
        for container in pod.containers where container.securityContext?["runAsUser"]?.integer == 0 {
            violations.append(
                .podSecurity(
                    container.pointer.appending(contentsOf: ["securityContext", "runAsUser"]),
                    "container '\(container.name)' must not set securityContext.runAsUser=0",
                    value: "0",
                    allowed: "a non-zero user ID"))
        }
    }

    static func seccomp(_ pod: PodSecurityView, _ violations: inout [Violation]) {
        // Invalid types, wherever set, as at baseline.
        BaselineControls.seccomp(pod, &violations)
        // A valid pod-level profile covers every container that sets none of its own.
        let podProfile = pod.podSecurityContext?["seccompProfile"]
        let podSet =
            podProfile.map { !$0.isNull } == true && BaselineControls.forbiddenProfileType("seccompProfile", in: pod.podSecurityContext) == nil
        guard !podSet else { return }
        for container in pod.containers where container.securityContext?["seccompProfile"].map({ $0.isNull }) ?? true {
            violations.append(
                .podSecurity(
                    container.securityContext == nil ? container.pointer : container.pointer.appending("securityContext"),
                    "the pod or container '\(container.name)' must set securityContext.seccompProfile.type to RuntimeDefault or Localhost",
                    value: "unset", allowed: BaselineControls.profileTypes))
        }
    }

    static func capabilities(_ pod: PodSecurityView, _ violations: inout [Violation]) {
        for container in pod.containers {
            let capabilities = container.securityContext?["capabilities"].flatMap { $0.isNull ? nil : $0 }
            let drop = capabilities?["drop"]?.elements.compactMap(\.string) ?? []
            if !drop.contains("ALL") {
                let pointer =
                    capabilities?["drop"] != nil
                    ? container.pointer.appending(contentsOf: ["securityContext", "capabilities", "drop"])
                    : capabilities != nil
                        ? container.pointer.appending(contentsOf: ["securityContext", "capabilities"])
                        : container.securityContext != nil ? container.pointer.appending("securityContext") : container.pointer
                violations.append(
                    .podSecurity(
                        pointer, "container '\(container.name)' must set securityContext.capabilities.drop=[\"ALL\"]",
                        value: drop.isEmpty ? "unset" : drop.joined(separator: ", "),
                        allowed: "ALL"))
            }
            BaselineControls.forbiddenAdds(container, allowed: ["NET_BIND_SERVICE"], why: "only NET_BIND_SERVICE may be added", &violations)
        }
    }
}
