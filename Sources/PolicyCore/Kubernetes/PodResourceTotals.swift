/// A pod's requests and limits as Kubernetes counts them for scheduling and quotas: max(sum of
/// app containers and sidecars, largest init container plus the sidecars started before it)
/// plus overhead. Limits add up the same way; a counted container without a limit leaves the
/// pod's limit of a cpu, memory or ephemeral storage unbounded, and uses none of anything else.
struct PodResourceTotals: Sendable {
    private(set) var requests: [String: Quantity] = [:]
    /// The sum of the limits that are set; see ``unboundedLimits`` for the names some counted
    /// container leaves without one.
    private(set) var limits: [String: Quantity] = [:]
    /// Names whose limit is missing on some counted container.
    private(set) var unboundedLimits: Set<String> = []

    init(_ spec: PodSpec) {
        // A container's request defaults to its limit, as Kubernetes does.
        func request(_ container: Container, _ name: String) -> Quantity? {
            container.resources.requests[name] ?? container.resources.limits[name]
        }
        func limit(_ container: Container, _ name: String) -> Quantity? { container.resources.limits[name] }
        var names = Set<String>()
        for container in spec.initContainers + spec.containers {
            names.formUnion(container.resources.requests.names)
            names.formUnion(container.resources.limits.names)
        }
        for (name, _) in spec.overhead { names.insert(name) }
        for name in names {
            for (isRequest, pick) in [(true, request), (false, limit)] {
                var sum = Quantity.zero
                var sidecars = Quantity.zero
                var initMax = Quantity.zero
                var missing = false
                for container in spec.containers {
                    if let value = pick(container, name) { sum = sum + value } else { missing = true }
                }
                for container in spec.initContainers {
                    let value = pick(container, name)
                    if value == nil { missing = true }
                    if container.isSidecar {
                        sum = sum + (value ?? .zero)
                        sidecars = sidecars + (value ?? .zero)
                        initMax = max(initMax, sidecars)
                    } else {
                        initMax = max(initMax, (value ?? .zero) + sidecars)
                    }
                }
                let total = max(sum, initMax) + (spec.overhead[name] ?? .zero)
                if isRequest {
                    requests[name] = total
                } else {
                    limits[name] = total
                    if missing { unboundedLimits.insert(name) }
                }
            }
        }
    }
}
