#if canImport(Glibc)
import Glibc
#endif

/// A value shared between threads, reached only under its lock: the one lock of the project
/// (parallel maps, the List pipeline's join, the spool, the webhook's state and metrics).
///
/// A `pthread_mutex_t` rather than the standard library's `Mutex`: ThreadSanitizer follows
/// pthread locks, and `Mutex` is not instrumented, so every access it guarded was reported as
/// a race (13 reports on the suite in a release build, 3 in a debug one; docs/reliability.md).
/// Uncontended, both cost one atomic exchange each way.
package final class Locked<State> {
    /// Allocated once, at a stable address: a pthread mutex must not move.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var state: State

    package init(_ state: State) {
        self.state = state
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    /// Runs `body` with the value while holding the lock.
    package func withLock<Result, Failure: Error>(_ body: (inout State) throws(Failure) -> Result) throws(Failure) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state)
    }
}

/// The value is only ever reached under the lock.
extension Locked: @unchecked Sendable where State: Sendable {}
