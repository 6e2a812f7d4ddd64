import Synchronization

/// The few facts every loop reads on every turn, as atomics: whether the server is draining,
/// and how many connections are open against the bound.
final class ServerControl: Sendable {
    private let draining = Atomic<Bool>(false)
    private let open = Atomic<Int>(0)
    let maxConnections: Int

    init(maxConnections: Int) {
        self.maxConnections = maxConnections
    }

    var isDraining: Bool { draining.load(ordering: .acquiring) }

    func startDraining() {
        draining.store(true, ordering: .releasing)
    }

    /// Takes a connection slot; `false` when the bound is reached.
    func reserveConnection() -> Bool {
        let after = open.wrappingAdd(1, ordering: .relaxed).newValue
        if after > maxConnections {
            open.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    func releaseConnection() {
        open.wrappingSubtract(1, ordering: .relaxed)
    }

    var openConnections: Int { open.load(ordering: .relaxed) }
}
