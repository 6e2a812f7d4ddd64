import PolicyJSON

/// `resources`: requests and limits per container or for the whole pod, compared exactly.
public struct ResourcesCheck: RuleCheck {
    public static let key = "resources"
    static let fields = ["scope", "containers", "initContainers", "max", "min", "require", "requestsWithinLimits", "maxLimitRequestRatio", "maxPods"]

    public enum Scope: String, Sendable {
        case container, pod
        /// Everything one Flyte node launches: every replica group's pod times its replicas.
        case job
    }

    /// Which containers a container-scope check looks at.
    public enum Selection: Sendable {
        case all
        case primary
        case named(GlobList)
    }

    /// `requests` / `limits` bounds by resource name.
    public struct Bounds: Sendable {
        public var requests = ResourceList()
        public var limits = ResourceList()
        public init() {}
    }

    public var scope: Scope = .container
    public var containers: Selection = .all
    public var includeInitContainers = true
    public var max = Bounds()
    public var min = Bounds()
    /// `("requests", "cpu")` for `"requests.cpu"`.
    public var require: [(list: String, name: String)] = []
    public var requestsWithinLimits = false
    public var maxLimitRequestRatio = OrderedMap<Quantity>()
    /// The most pods a job may run (`scope: job` only).
    public var maxPods: Int?

    /// Native resources Kubernetes lets a container use without a limit. A missing limit on any
    /// other resource (GPUs, hugepages, ...) means none may be used, not "unbounded".
    static func isOvercommittable(_ name: String) -> Bool {
        name == "cpu" || name == "memory" || name == "ephemeral-storage"
    }

    public init() {}

    public init?(reading node: JSONNode, at pointer: JSONPointer, context: inout LoadContext) {
        guard let reader = ObjectReader(node, at: pointer, allowed: Self.fields, what: "a resources check", context: &context) else { return nil }
        let before = context.errors.count
        if let scopeText = reader.string("scope", context: &context) {
            if let value = Scope(rawValue: scopeText) {
                scope = value
            } else {
                context.fail(pointer.appending("scope"), "'\(scopeText)' is not a scope; use \"container\", \"pod\" or \"job\"")
            }
        }
        if let (selection, path) = reader.member("containers") {
            if selection.string == "all" {
                containers = .all
            } else if selection.string == "primary" {
                containers = .primary
            } else if selection.isArray, let globs = ObjectReader.globList(selection, at: path, context: &context) {
                containers = .named(globs)
            } else if !selection.isArray {
                context.fail(path, "expected \"all\", \"primary\" or a list of container name patterns, found \(selection.scalarText)")
            }
        }
        includeInitContainers = reader.bool("initContainers", context: &context) ?? true
        max = Self.bounds(reader, "max", context: &context)
        min = Self.bounds(reader, "min", context: &context)
        for (index, entry) in (reader.stringList("require", context: &context) ?? []).enumerated() {
            let parts = entry.split(separator: ".", maxSplits: 1).map(String.init)
            if parts.count == 2, parts[0] == "requests" || parts[0] == "limits", !parts[1].isEmpty {
                require.append((parts[0], parts[1]))
            } else {
                context.fail(
                    pointer.appending("require").appending(index),
                    "'\(entry)' is not of the form requests.NAME or limits.NAME (e.g. \"limits.memory\")")
            }
        }
        requestsWithinLimits = reader.bool("requestsWithinLimits", context: &context) ?? false
        if let (ratios, path) = reader.member("maxLimitRequestRatio") {
            if ratios.isObject {
                for (name, value) in ratios.members {
                    guard value.number != nil, let ratio = ObjectReader.quantity(value, at: path.appending(name), context: &context) else {
                        if value.number == nil {
                            context.fail(path.appending(name), "expected a number (the largest limit/request ratio), found \(value.kind.phrase)")
                        }
                        continue
                    }
                    guard ratio.nanos >= Quantity.nanosPerUnit else {
                        context.fail(path.appending(name), "a limit/request ratio below 1 can never be met; use a number of at least 1")
                        continue
                    }
                    maxLimitRequestRatio[name] = ratio
                }
            } else {
                context.fail(path, "expected an object of resource name to number, found \(ratios.kind.phrase)")
            }
        }
        if let (node, path) = reader.member("maxPods") {
            if let count = node.integer, count >= 1, count <= Int64(Int32.max) {
                maxPods = Int(count)
            } else {
                context.fail(path, "expected a whole number of pods of at least 1, found \(node.scalarText)")
            }
        }
        if scope == .job {
            // A job total is a sum over pods: only upper bounds on it mean something.
            for key in ["containers", "initContainers", "min", "require", "requestsWithinLimits", "maxLimitRequestRatio"] where reader.has(key) {
                context.fail(
                    pointer.appending(key),
                    "'\(key)' does not apply to scope \"job\", which bounds the job's totals; use max and maxPods, or a pod or container scope")
            }
        } else if reader.has("maxPods") {
            context.fail(pointer.appending("maxPods"), "maxPods bounds the pods of a whole job; add \"scope\": \"job\"")
        }
        let hasCheck =
            !max.requests.isEmpty || !max.limits.isEmpty || !min.requests.isEmpty || !min.limits.isEmpty || !require.isEmpty
            || requestsWithinLimits || !maxLimitRequestRatio.isEmpty || maxPods != nil
        if !hasCheck, context.errors.count == before {
            context.fail(pointer, "a resources check needs at least one of: max, min, require, requestsWithinLimits, maxLimitRequestRatio, maxPods")
        }
        guard context.errors.count == before else { return nil }
    }

    private static func bounds(_ reader: ObjectReader, _ key: String, context: inout LoadContext) -> Bounds {
        var bounds = Bounds()
        guard let (node, path) = reader.member(key),
            let boundsReader = ObjectReader(node, at: path, allowed: ["requests", "limits"], what: "'\(key)' bounds", context: &context)
        else { return bounds }
        for list in ["requests", "limits"] {
            guard let (listNode, listPath) = boundsReader.member(list) else { continue }
            guard listNode.isObject else {
                context.fail(listPath, "expected an object of resource name to quantity, found \(listNode.kind.phrase)")
                continue
            }
            for (name, value) in listNode.members {
                guard let quantity = ObjectReader.quantity(value, at: listPath.appending(name), context: &context) else { continue }
                if list == "requests" { bounds.requests[name] = quantity } else { bounds.limits[name] = quantity }
            }
        }
        return bounds
    }

    public func evaluate(_ subject: Subject, into violations: inout [Violation]) {
        switch scope {
        case .container:
            func visit(_ container: borrowing Container) {
                check(Amounts(container), path: container.pointer, container: container.name, into: &violations)
            }
            switch containers {
            case .all:
                subject.pod.spec.forEachContainer(includeInit: includeInitContainers, includeEphemeral: false, visit)
            case .primary:
                if let primary = subject.primaryContainer { visit(primary) }
            case .named(let globs):
                subject.pod.spec.forEachContainer(includeInit: includeInitContainers, includeEphemeral: false) { container in
                    if globs.matches(container.name) { visit(container) }
                }
            }
        case .pod:
            check(Amounts(pod: subject.pod), path: "/spec", container: nil, into: &violations)
        case .job:
            checkJob(subject.jobShape, subject: subject, into: &violations)
        }
    }

    /// Job totals: every group's pod amount times its replicas. A total above its bound is
    /// reported once, on the group that contributes most (the first of equals), so each job
    /// gets one finding however many groups it has.
    private func checkJob(_ job: JobShape, subject: Subject, into violations: inout [Violation]) {
        func label(_ group: Int) -> String { job.groups[group].role?.label ?? "pod" }
        /// Appends the violation when this subject's group is `largest`; `parts` are each
        /// group's share as the message lists it (`worker 4 x 8`). The words are made only
        /// then: every pod of a job checks every bound, and one of them reports.
        /// - Parameter resource: the list and name the bound is on; the finding then points at
        ///   the value in this pod that contributes most to it (and its provenance names the
        ///   layer that set it), else at the pod.
        func report(
            largest: Int, parts: @autoclosure () -> [String], what: @autoclosure () -> String, total: @autoclosure () -> String,
            bound: @autoclosure () -> String, resource: (isRequest: Bool, name: String)? = nil
        ) {
            guard largest == job.member else { return }
            let who =
                subject.flyte?.node.flatMap { $0.isEmpty ? nil : "the job of node \($0)" }
                ?? (job.groups.count > 1 && !subject.name.isEmpty ? "the \(subject.kind) \(subject.name)" : "the job")
            var place = (pointer: "/spec" as JSONPointer, below: "", token: String?.none, container: String?.none)
            if let resource {
                var most = Quantity.zero
                subject.pod.spec.forEachContainer(includeInit: true, includeEphemeral: false) { container in
                    let explicit = resource.isRequest ? container.resources.requests[resource.name] : nil
                    guard let value = explicit ?? container.resources.limits[resource.name], value > most else { return }
                    most = value
                    place = (container.pointer, explicit == nil ? "/resources/limits" : "/resources/requests", resource.name, container.name)
                }
            }
            let context = (who: who, what: what(), total: total(), bound: bound(), parts: parts().joined(separator: ", "), most: label(largest))
            violations.append(
                Violation(pointer: place.pointer, below: place.below, token: place.token, container: place.container, context: context) {
                    .init(
                        "\($0.who) \($0.what) \($0.total) in total (\($0.parts)), above the maximum \($0.bound); \($0.most) contributes most",
                        value: $0.total, allowed: "<= \($0.bound)")
                })
        }

        for (isRequest, bounds) in [(true, max.requests), (false, max.limits)] {
            for (name, bound) in bounds {
                // `nil`: no limit on some container of the group's pod.
                let amounts: [Quantity?] = job.groups.map { group in
                    if isRequest { return group.totals.requests[name] ?? .zero }
                    // A container without a GPU limit uses none; without a cpu limit, any.
                    if Self.isOvercommittable(name), group.totals.unboundedLimits.contains(name) || group.totals.limits[name] == nil { return nil }
                    return group.totals.limits[name] ?? .zero
                }
                func parts() -> [String] {
                    job.groups.indices.map { "\(label($0)) \(job.groups[$0].replicas) x \(amounts[$0]?.description ?? "unbounded")" }
                }
                if !isRequest, Self.isOvercommittable(name), let first = amounts.firstIndex(where: { $0 == nil }) {
                    report(
                        largest: first, parts: parts(), what: "has no \(name) limit on some pod, so its \(name) limit is", total: "unbounded",
                        bound: bound.description)
                    continue
                }
                var total = Quantity.zero
                var largest = 0
                var largestShare = Quantity.zero
                for index in job.groups.indices {
                    let share = (amounts[index] ?? .zero) * job.groups[index].replicas
                    total = total + share
                    if share > largestShare { (largest, largestShare) = (index, share) }
                }
                if total > bound {
                    report(
                        largest: largest, parts: parts(), what: isRequest ? "requests \(name)" : "limits \(name) to", total: total.canonical,
                        bound: bound.description, resource: (isRequest, name))
                }
            }
        }
        if let maxPods, job.pods > maxPods {
            var largest = 0
            for index in job.groups.indices where job.groups[index].replicas > job.groups[largest].replicas { largest = index }
            report(
                largest: largest, parts: job.groups.indices.map { "\(label($0)) \(job.groups[$0].replicas)" }, what: "runs",
                total: "\(job.pods) pods", bound: "\(maxPods) pods")
        }
    }

    /// Effective requests and limits of one container or of the whole pod.
    ///
    /// A container's amounts are read straight from its lists (a request defaults to the limit,
    /// as Kubernetes does), so checking a container builds nothing and holds one reference; the
    /// pod's are summed once.
    struct Amounts {
        private let container: Container?
        private let pod: PodResourceTotals?

        init(_ container: borrowing Container) {
            self.container = copy container
            self.pod = nil
        }

        func request(_ name: String) -> Quantity? {
            guard let container else { return pod?.requests[name] }
            return container.resources.requests[name] ?? container.resources.limits[name]
        }

        /// The limit; `nil` for a pod where some counted container sets none.
        func limit(_ name: String) -> Quantity? {
            guard let container else { return pod.flatMap { $0.unboundedLimits.contains(name) ? nil : $0.limits[name] } }
            return container.resources.limits[name]
        }

        /// ``request(_:)`` and ``limit(_:)`` in nano-units, for comparisons: every rule compares
        /// every container's amounts, and only a violation needs the quantity itself.
        func requestNanos(_ name: String) -> Int128? {
            guard let container else { return pod?.requests[name]?.nanos }
            return container.resources.requests.nanos(of: name) ?? container.resources.limits.nanos(of: name)
        }

        func limitNanos(_ name: String) -> Int128? {
            guard let container else { return limit(name)?.nanos }
            return container.resources.limits.nanos(of: name)
        }

        /// Whether the request is written (not defaulted from the limit), for better paths.
        func isExplicitRequest(_ name: String) -> Bool {
            guard let container else { return true }
            return container.resources.requests.contains(name)
        }

        func isUnboundedLimit(_ name: String) -> Bool {
            pod?.unboundedLimits.contains(name) ?? false
        }

        /// Every resource with a request, in name order.
        var requestNames: [String] {
            guard let container else { return pod?.requestNames ?? [] }
            return Set(container.resources.requests.names + container.resources.limits.names).sorted()
        }

        /// The pod's amounts as Kubernetes counts them (``PodResourceTotals``).
        init(pod: Pod) {
            container = nil
            self.pod = PodResourceTotals(pod.spec)
        }
    }

    /// Who the explanation talks about; formatted only when a message is shown.
    private static func label(_ container: String?) -> String {
        container.map { "container '\($0)'" } ?? "the pod"
    }

    /// - Parameter path: the container's pointer (`/spec/containers/0`), or `/spec` for the pod;
    ///   pointers below it are joined only when a report reads them.
    private func check(_ amounts: Amounts, path: JSONPointer, container: String?, into violations: inout [Violation]) {
        var target = Target(amounts: amounts, path: path, container: container, violations: violations)
        violations = []
        target.checkMaximums(max)
        target.checkMinimums(min)
        target.checkRequired(require)
        if requestsWithinLimits { target.checkRequestsWithinLimits() }
        target.checkRatios(maxLimitRequestRatio)
        violations = target.violations
    }

    /// One container's (or the pod's) amounts, checked bound by bound into `violations`.
    ///
    /// Bounds are compared in nano-units, by index (a `for (name, bound) in` loop copies each
    /// entry); the words are recipes over what they name (see ``Violation``) and capture nothing.
    private struct Target {
        let amounts: Amounts
        let path: JSONPointer
        let container: String?
        var violations: [Violation]

        /// Where a violation points below `path`: a list and a resource name (nothing for the pod).
        typealias Place = (below: String, token: String?)

        var podScope: Bool { container == nil }

        mutating func add<Context: Sendable>(_ place: Place, _ context: Context, _ explain: @escaping @Sendable (Context) -> Violation.Explanation) {
            violations.append(
                Violation(pointer: path, below: place.below, token: place.token, container: container, context: context, explain: explain))
        }

        func requestPath(_ name: String) -> Place {
            podScope ? ("", nil) : (amounts.isExplicitRequest(name) ? "/resources/requests" : "/resources/limits", name)
        }

        func limitPath(_ name: String) -> Place {
            podScope ? ("", nil) : ("/resources/limits", name)
        }

        func isUnbounded(_ name: String) -> Bool {
            ResourcesCheck.isOvercommittable(name) && (amounts.limitNanos(name) == nil || amounts.isUnboundedLimit(name))
        }

        mutating func checkMaximums(_ max: Bounds) {
            let requests = max.requests.quantities.entries
            for index in requests.indices {
                let name = requests[index].key
                if let value = amounts.requestNanos(name), value > requests[index].value.nanos {
                    add(requestPath(name), (who: container, name: name, value: amounts.request(name) ?? .zero, bound: requests[index].value)) {
                        .init(
                            "\(ResourcesCheck.label($0.who)) requests \($0.value) of \($0.name), above the maximum \($0.bound)",
                            value: $0.value.description,
                            allowed: "<= \($0.bound)")
                    }
                }
            }
            let limits = max.limits.quantities.entries
            for index in limits.indices {
                let name = limits[index].key
                if isUnbounded(name) {
                    add(limitPath(name), (who: container, name: name, bound: limits[index].value)) {
                        .init(
                            "\(ResourcesCheck.label($0.who)) has no \($0.name) limit (unbounded); the maximum is \($0.bound)", value: "unbounded",
                            allowed: "<= \($0.bound)")
                    }
                } else if let value = amounts.limitNanos(name), value > limits[index].value.nanos {
                    add(limitPath(name), (who: container, name: name, value: amounts.limit(name) ?? .zero, bound: limits[index].value)) {
                        .init(
                            "\(ResourcesCheck.label($0.who)) limits \($0.name) to \($0.value), above the maximum \($0.bound)",
                            value: $0.value.description,
                            allowed: "<= \($0.bound)")
                    }
                }
            }
        }

        mutating func checkMinimums(_ min: Bounds) {
            let requests = min.requests.quantities.entries
            for index in requests.indices {
                let name = requests[index].key
                if amounts.requestNanos(name) ?? 0 < requests[index].value.nanos {
                    add(requestPath(name), (who: container, name: name, value: amounts.request(name), bound: requests[index].value)) {
                        let shown = $0.value?.description ?? "nothing"
                        return .init(
                            "\(ResourcesCheck.label($0.who)) requests \(shown) of \($0.name), below the minimum \($0.bound)", value: shown,
                            allowed: ">= \($0.bound)")
                    }
                }
            }
            let limits = min.limits.quantities.entries
            for index in limits.indices {
                let name = limits[index].key
                if let value = amounts.limitNanos(name), value < limits[index].value.nanos {
                    add(limitPath(name), (who: container, name: name, value: amounts.limit(name) ?? .zero, bound: limits[index].value)) {
                        .init(
                            "\(ResourcesCheck.label($0.who)) limits \($0.name) to \($0.value), below the minimum \($0.bound)",
                            value: $0.value.description,
                            allowed: ">= \($0.bound)")
                    }
                }
            }
        }

        mutating func checkRequired(_ require: [(list: String, name: String)]) {
            for (list, name) in require {
                let present = list == "requests" ? amounts.request(name) != nil : (amounts.limit(name) != nil && !amounts.isUnboundedLimit(name))
                if !present {
                    add(podScope ? ("", nil) : ("/resources/\(list)", nil), (who: container, list: list, name: name)) {
                        .init("\(ResourcesCheck.label($0.who)) must set \($0.list).\($0.name)", allowed: "\($0.list).\($0.name)")
                    }
                }
            }
        }

        mutating func checkRequestsWithinLimits() {
            for name in amounts.requestNames {
                if let request = amounts.request(name), let limit = amounts.limit(name), request > limit {
                    add(requestPath(name), (who: container, name: name, request: request, limit: limit)) {
                        .init(
                            "\(ResourcesCheck.label($0.who)) requests \($0.request) of \($0.name), more than its limit \($0.limit)",
                            value: $0.request.description, allowed: "<= \($0.limit)")
                    }
                }
            }
        }

        mutating func checkRatios(_ maxLimitRequestRatio: OrderedMap<Quantity>) {
            for (name, ratio) in maxLimitRequestRatio {
                let request = amounts.request(name)
                if isUnbounded(name), request != nil {
                    add(limitPath(name), (who: container, name: name, ratio: ratio)) {
                        .init(
                            "\(ResourcesCheck.label($0.who)) has no \($0.name) limit, so its limit/request ratio is unbounded (maximum \($0.ratio))",
                            value: "unbounded", allowed: "<= \($0.ratio)")
                    }
                } else if let limit = amounts.limit(name), let request {
                    if request.isZero || !limit.isAtMost(ratio, times: request) {
                        add(limitPath(name), (who: container, name: name, request: request, limit: limit, ratio: ratio)) {
                            .init(
                                "\(ResourcesCheck.label($0.who)) limits \($0.name) to \($0.limit) for a request of \($0.request), a ratio above \($0.ratio)",
                                value: "\($0.limit)/\($0.request)", allowed: "<= \($0.ratio)")
                        }
                    }
                }
            }
        }
    }
}
