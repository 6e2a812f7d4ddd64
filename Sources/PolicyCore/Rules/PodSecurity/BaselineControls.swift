import PolicyJSON

/// The baseline controls of the Pod Security Standards (pod-security-admission v1.37).
enum BaselineControls {
    static let allowedCapabilities: Set<String> = [
        "AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP",
        "SETUID", "SYS_CHROOT",
    ]
    /// `check_sysctls.go` `sysctlsAllowedV1Dot37`.
    static let allowedSysctls: Set<String> = [
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
        "net.ipv4.ip_unprivileged_port_start", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes", "net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem",
        "net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat",
    ]
    /// `check_seLinuxOptions.go` `selinuxAllowedTypes1_31`.
    static let allowedSELinuxTypes: Set<String> = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"]
    static let profileTypes = "RuntimeDefault or Localhost"

    static func hostNamespaces(_ pod: PodSecurityView, _ violations: inout [Violation]) {
        for field in ["hostNetwork", "hostPID", "hostIPC"] where pod.spec?[field]?.bool == true {
            violations.append(
                .podSecurity(
                    ("/spec" as JSONPointer).appending(field), "\(field)=true shares the node's namespace with the pod (host namespaces)",
                    value: "true",
                    allowed: "false or unset"))
        }
    }

    static func privileged(_ pod: PodSecurityView, _ violations: inout [Violation]) {
        for container in pod.containers where container.securityContext?["privileged"]?.bool == true {
            violations.append(
                .podSecurity(
                    container.pointer.appending(contentsOf: ["securityContext", "privileged"]),
                    "container '\(container.name)' must not set securityContext.privileged=true",
                    value: "true", allowed: "false or unset"))
        }
    }

    static func capabilities(_ pod: PodSecurityView, _ violations: inout [Violation]) {
        for container in pod.containers { forbiddenAdds(container, allowed: allowedCapabilities, why: "non-default capabilities", &violations) }
    }

    /// One violation per capability in `securityContext.capabilities.add` outside `allowed`;
    /// `why` names the rule in the message. Both levels' capability controls read adds so.
    static func forbiddenAdds(_ container: PodSecurityView.ContainerView, allowed: Set<String>, why: String, _ violations: inout [Violation]) {
        for (index, capability) in (container.securityContext?["capabilities"]?["add"]?.elements ?? []).enumerated() {
            let name = capability.string ?? capability.scalarText
            guard !allowed.contains(name) else { continue }
            violations.append(
                .podSecurity(
                    container.pointer.appending(contentsOf: ["securityContext", "capabilities", "add"]).appending(index),
                    "container '\(container.name)' must not add the capability \(name) (\(why))", value: name,
                    allowed: allowed.sorted().joined(separator: ", ")))
        }
    }

    static func hostPathVolumes(_ pod: PodSecurityView, _ violations: inout [Violation]) {
        for (index, volume) in (pod.spec?["volumes"]?.elements ?? []).enumerated() where volume["hostPath"].map({ !$0.isNull }) ?? false {
            let name = volume["name"]?.string ?? ""
            violations.append(
                .podSecurity(
                    ("/spec/volumes" as JSONPointer).appending(index).appending("hostPath"), "volume '\(name)' must not be a hostPath volume",
                    value: "hostPath",
                    allowed: "no hostPath volumes"))
        }
    }

    static func hostPorts(_ pod: PodSecurityView, _ violations: inout [Violation]) {
        for container in pod.containers {
            for (index, port) in (container.node["ports"]?.elements ?? []).enumerated() {
                guard let hostPort = port["hostPort"]?.integer, hostPort != 0 else { continue }
                violations.append(
                    .podSecurity(
                        container.pointer.appending("ports").appending(index).appending("hostPort"),
                        "container '\(container.name)' must not use hostPort \(hostPort)",
                        value: String(hostPort),
                        allowed: "0 or unset"))
            }
        }
    }

    static func hostProbesAndLifecycle(_ pod: PodSecurityView, _ violations: inout [Violation]) {
        for container in pod.containers {
            var handlers: [(String, JSONNode)] = []
            for probe in ["livenessProbe", "readinessProbe", "startupProbe"] {
                if let node = container.node[probe], node.isObject { handlers.append((probe, node)) }
            }
            for hook in ["postStart", "preStop"] {
                if let node = container.node["lifecycle"]?[hook], node.isObject { handlers.append(("lifecycle/\(hook)", node)) }
            }
            for (place, handler) in handlers {
                for action in ["httpGet", "tcpSocket"] {
                    guard let host = handler[action]?["host"]?.string, !host.isEmpty else { continue }
                    violations.append(
                        .podSecurity(
                            container.pointer.appending(place).appending(action).appending("host"),
                            "container '\(container.name)' must not set \(place.replacingOccurrences(of: "/", with: ".")).\(action).host (\(host)): a probe or hook may only reach the pod itself",
                            value: host, allowed: "empty (the pod's own IP)"))
                }
            }
        }
    }

    /// A profile (`appArmorProfile`, `seccompProfile`) set in a security context with a type
    /// other than RuntimeDefault or Localhost: its type (empty when unset), else `nil`.
    static func forbiddenProfileType(_ field: String, in context: JSONNode?) -> String? {
        guard let profile = context?[field], !profile.isNull else { return nil }
        let type = profile["type"]?.string ?? ""
        return type == "RuntimeDefault" || type == "Localhost" ? nil : type
    }

    /// One violation for every security context (the pod's, then each container's) that sets
    /// `field` to a forbidden profile type.
    static func profileTypes(_ field: String, named name: String, _ pod: PodSecurityView, _ violations: inout [Violation]) {
        pod.forEachSecurityContext { context, who in
            guard let type = forbiddenProfileType(field, in: context) else { return }
            violations.append(
                .podSecurity(
                    who.securityContextPointer.appending(field).appending("type"),
                    "\(who) must not set \(name) to \(type.isEmpty ? "nothing" : type)", value: type,
                    allowed: profileTypes))
        }
    }

    static func appArmor(_ pod: PodSecurityView, _ violations: inout [Violation]) {
        profileTypes("appArmorProfile", named: "the AppArmor profile type", pod, &violations)
        let prefix = "container.apparmor.security.beta.kubernetes.io/"
        for (key, value) in (pod.metadata?["annotations"]?.members ?? []).sorted(by: { $0.key < $1.key }) where key.hasPrefix(prefix) {
            let profile = value.string ?? ""
            guard !(profile.isEmpty || profile == "runtime/default" || profile.hasPrefix("localhost/")) else { continue }
            violations.append(
                .podSecurity(
                    ("/metadata/annotations" as JSONPointer).appending(key), "the annotation \(key)=\"\(profile)\" sets a forbidden AppArmor profile",
                    value: profile,
                    allowed: "runtime/default or localhost/<profile>"))
        }
    }

    static func seLinux(_ pod: PodSecurityView, _ violations: inout [Violation]) {
        pod.forEachSecurityContext { context, who in
            guard let options = context?["seLinuxOptions"], options.isObject else { return }
            let type = options["type"]?.string ?? ""
            if !allowedSELinuxTypes.contains(type) {
                violations.append(
                    .podSecurity(
                        who.securityContextPointer.appending(contentsOf: ["seLinuxOptions", "type"]),
                        "\(who) must not set securityContext.seLinuxOptions.type to \(type)", value: type,
                        allowed: allowedSELinuxTypes.sorted().map { $0.isEmpty ? "unset" : $0 }.joined(separator: ", ")))
            }
            for field in ["user", "role"] {
                guard let value = options[field]?.string, !value.isEmpty else { continue }
                violations.append(
                    .podSecurity(
                        who.securityContextPointer.appending("seLinuxOptions").appending(field),
                        "\(who) must not set securityContext.seLinuxOptions.\(field)",
                        value: value,
                        allowed: "unset"))
            }
        }
    }

    static func procMount(_ pod: PodSecurityView, _ violations: inout [Violation]) {
        for container in pod.containers {
            guard let mount = container.securityContext?["procMount"], !mount.isNull else { continue }
            let value = mount.string ?? mount.scalarText
            guard value != "Default" else { continue }
            violations.append(
                .podSecurity(
                    container.pointer.appending(contentsOf: ["securityContext", "procMount"]),
                    "container '\(container.name)' must not set securityContext.procMount to \(value)", value: value,
                    allowed: "Default or unset"))
        }
    }

    static func seccomp(_ pod: PodSecurityView, _ violations: inout [Violation]) {
        profileTypes("seccompProfile", named: "securityContext.seccompProfile.type", pod, &violations)
    }

    static func sysctls(_ pod: PodSecurityView, _ violations: inout [Violation]) {
        for (index, sysctl) in (pod.podSecurityContext?["sysctls"]?.elements ?? []).enumerated() {
            let name = sysctl["name"]?.string ?? ""
            guard !allowedSysctls.contains(name) else { continue }
            violations.append(
                .podSecurity(
                    ("/spec/securityContext/sysctls" as JSONPointer).appending(index).appending("name"), "the pod must not set the sysctl \(name)",
                    value: name,
                    allowed: allowedSysctls.sorted().joined(separator: ", ")))
        }
    }

    static func windowsHostProcess(_ pod: PodSecurityView, _ violations: inout [Violation]) {
        if pod.podSecurityContext?["windowsOptions"]?["hostProcess"]?.bool == true {
            violations.append(
                .podSecurity(
                    "/spec/securityContext/windowsOptions/hostProcess", "the pod must not set securityContext.windowsOptions.hostProcess=true",
                    value: "true",
                    allowed: "false or unset"))
        }
        for container in pod.containers where container.securityContext?["windowsOptions"]?["hostProcess"]?.bool == true {
            violations.append(
                .podSecurity(
                    container.pointer.appending(contentsOf: ["securityContext", "windowsOptions", "hostProcess"]),
                    "container '\(container.name)' must not set securityContext.windowsOptions.hostProcess=true", value: "true",
                    allowed: "false or unset"))
        }
    }
}
