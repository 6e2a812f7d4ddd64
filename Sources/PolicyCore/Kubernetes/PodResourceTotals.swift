/// A pod's requests and limits as Kubernetes counts them for scheduling and quotas: max(sum of
/// app containers and sidecars, largest init container plus the sidecars started before it)
/// plus overhead. Limits add up the same way; a counted container without a limit leaves the
/// pod's limit of a cpu, memory or ephemeral storage unbounded, and uses none of anything else.
struct PodResourceTotals: Sendable {
    // Lists, not dictionaries: a pod names a handful of resources, and every pod of a replica
    // group is summed when its job is linked.
    private(set) var requests = ResourceList()
    /// The sum of the limits that are set; see ``unboundedLimits`` for the names some counted
    /// container leaves without one.
    private(set) var limits = ResourceList()
    /// Names whose limit is missing on some counted container.
    private(set) var unboundedLimits: [String] = []

    init(_ spec: PodSpec) {
        var names: [String] = []
        func collect(_ list: ResourceList) {
            let entries = list.quantities.entries
            for index in entries.indices where !names.contains(entries[index].key) { names.append(entries[index].key) }
        }
        spec.forEachContainer(includeInit: true, includeEphemeral: false) { container in
            collect(container.resources.requests)
            collect(container.resources.limits)
        }
        collect(spec.overhead)
        for name in names {
            for isRequest in [true, false] {
                // A container's request defaults to its limit, as Kubernetes does.
                func pick(_ container: borrowing Container) -> Quantity? {
                    isRequest ? container.resources.requests[name] ?? container.resources.limits[name] : container.resources.limits[name]
                }
                var sum = Quantity.zero
                var sidecars = Quantity.zero
                var initMax = Quantity.zero
                var missing = false
                for container in spec.containers {
                    if let value = pick(container) { sum = sum + value } else { missing = true }
                }
                for container in spec.initContainers {
                    let value = pick(container)
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
                    if missing { unboundedLimits.append(name) }
                }
            }
        }
    }

    /// Every resource with a request, in name order.
    var requestNames: [String] { requests.names.sorted() }
}
