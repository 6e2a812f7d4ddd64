import PolicyCore
import PolicyJSON

/// What propeller silently does to a container's resources, as ``SubjectNote``s: values
/// `ensureResourceRange` lowers, and a node override a replica group's own resources hide.
struct ResourceNotes {
    /// One requested value and the layer that asked for it.
    struct Ask {
        var layer: String
        var quantity: Quantity
    }

    /// One stage's values, as recorded; the asks are worked out from them only when some value
    /// was lowered, which is rare: every container of every pod records its stages.
    private struct Record {
        var resources: ContainerResources
        var layer: String
        var previous: ContainerResources?
    }

    private var records: [Record] = []

    init() {
        // A container goes through at most four stages: one allocation, not one per growth.
        records.reserveCapacity(4)
    }

    /// Records every value of `resources` as asked by `layer`; with `previous`, only the values
    /// that differ from it (what a stage that fills gaps added).
    mutating func record(_ resources: ContainerResources, layer: String, since previous: ContainerResources? = nil) {
        records.append(Record(resources: resources, layer: layer, previous: previous))
    }

    /// `requests/cpu` -> the value asked for and by whom, in the order first asked.
    private var asks: [(key: String, ask: Ask)] {
        var asks: [(key: String, ask: Ask)] = []
        for record in records {
            let previous = record.previous
            for (list, map, before) in [
                ("requests", record.resources.requests, previous?.requests), ("limits", record.resources.limits, previous?.limits),
            ] {
                for (name, quantity) in map where !(before?[name]?.isSpelledAlike(quantity) ?? false) || before == nil {
                    let key = "\(list)/\(name)"
                    let ask = Ask(layer: record.layer, quantity: quantity)
                    if let index = asks.firstIndex(where: { $0.key == key }) { asks[index].ask = ask } else { asks.append((key, ask)) }
                }
            }
        }
        return asks
    }

    /// Whether some recorded value is above what `final` holds.
    private func anyAbove(_ final: ContainerResources) -> Bool {
        func above(_ map: ResourceList, _ final: ResourceList) -> Bool {
            map.names.contains { name in
                guard let asked = map[name], let now = final[name] else { return false }
                return now < asked
            }
        }
        return records.contains { above($0.resources.requests, final.requests) || above($0.resources.limits, final.limits) }
    }

    /// A note for every asked value that `final` holds lower: the platform limit
    /// (`task_resources.limits`) or, for a request, the container's own limit brought it down.
    func lowered(
        in final: ContainerResources, platformLimits: ResourceList, gpuResourceName: String, container: String, pointer: JSONPointer
    )
        -> [SubjectNote]
    {
        guard anyAbove(final) else { return [] }
        var notes: [SubjectNote] = []
        for (key, ask) in asks where ask.quantity.isPositive {
            let parts = key.split(separator: "/", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            let (list, name) = (parts[0], parts[1])
            let now = (list == "requests" ? final.requests : final.limits)[name]
            guard let now, now < ask.quantity else { continue }
            let platform = platformLimits.value(name)
            let cause =
                !platform.isZero && now == platform
                ? "task_resources.limits\(name == gpuResourceName ? ", the platform's GPU limit" : "")"
                : "the container's limits.\(name)"
            notes.append(
                SubjectNote(
                    container: container, path: pointer.appending(contentsOf: ["resources", list, name]),
                    message: "Flyte will lower \(list).\(name) from \(ask.quantity) to \(now) (\(cause))", layer: ask.layer))
        }
        return notes
    }

    /// A replica group's resources replace the node's override and merge over the container's
    /// own key by key (`WithResources`), after `ApplyK8sResourceOverrides` filled in the cpu and
    /// memory the group does not state from the platform defaults. A note for every value asked
    /// before that such a filled-in default replaces with a different one; then every applied
    /// value counts as asked by `layer`, and the stated ones keep what was stated.
    mutating func replaceByGroup(
        applied: ContainerResources, stated: ContainerResources, group: String, layer: String, container: String, pointer: JSONPointer
    ) -> [SubjectNote] {
        var notes: [SubjectNote] = []
        let asked = asks
        for (list, map, statedMap) in [("requests", applied.requests, stated.requests), ("limits", applied.limits, stated.limits)] {
            for (name, quantity) in map where !statedMap.contains(name) {
                guard let previous = asked.first(where: { $0.key == "\(list)/\(name)" })?.ask, !previous.quantity.isSpelledAlike(quantity)
                else {
                    continue
                }
                notes.append(
                    SubjectNote(
                        container: container, path: pointer.appending(contentsOf: ["resources", list, name]),
                        message:
                            "Flyte will replace \(list).\(name) \(previous.quantity) with \(quantity): the \(group) states resources without \(name), so the platform default fills it in",
                        layer: previous.layer))
            }
        }
        record(applied, layer: layer)
        record(stated, layer: layer)
        return notes
    }

    /// The note for resources that never reach the pod: a node's `with_overrides(requests=...,
    /// limits=...)` that a replica group's own resources replace, or a Spark task's resources.
    /// - Parameters:
    ///   - what: whose resources (`the node's resource override`).
    ///   - because: why they are not used (`worker of pytorch task T states its own resources, which Flyte uses instead`).
    static func ignored(
        _ resources: ContainerResources, what: String, because: String, container: String, pointer: JSONPointer, layer: String
    ) -> SubjectNote {
        var parts: [String] = []
        for (list, map) in [("requests", resources.requests), ("limits", resources.limits)] where !map.isEmpty {
            parts.append("\(list) " + map.map { "\($0.key)=\($0.value)" }.joined(separator: ", "))
        }
        return SubjectNote(
            container: container, path: pointer.appending("resources"),
            message: "\(what) (\(parts.joined(separator: "; "))) does not reach this pod: \(because)", layer: layer)
    }
}
