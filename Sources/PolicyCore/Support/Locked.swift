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
    /// Allocated once, at a stable address: a pthread mutex (and condition) must not move.
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    /// Signalled by ``signal()``, for threads waiting in ``withLock(when:_:)``.
    private let changed: UnsafeMutablePointer<pthread_cond_t>
    private var state: State

    package init(_ state: State) {
        self.state = state
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        changed = .allocate(capacity: 1)
        changed.initialize(to: pthread_cond_t())
        // Timed waits count on the monotonic clock: a wall-clock step must not stretch them.
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(changed, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(changed)
        changed.deinitialize(count: 1)
        changed.deallocate()
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

    /// Waits, without holding the lock, until `ready` holds for the value (checked under the
    /// lock each time another thread calls ``signal()``), or until `timeout` nanoseconds have
    /// passed when one is given; then runs `body` still holding the lock.
    package func withLock<Result>(when ready: (State) -> Bool, timeout: UInt64? = nil, _ body: (inout State) -> Result) -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        if let timeout {
            var now = timespec()
            clock_gettime(CLOCK_MONOTONIC, &now)
            let end = UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec) + timeout
            var deadline = timespec(tv_sec: Int(end / 1_000_000_000), tv_nsec: Int(end % 1_000_000_000))
            while !ready(state), pthread_cond_timedwait(changed, mutex, &deadline) != ETIMEDOUT {}
        } else {
            while !ready(state) { pthread_cond_wait(changed, mutex) }
        }
        return body(&state)
    }

    /// Wakes every thread waiting in ``withLock(when:_:)`` to check its condition again; call it
    /// after changing the value.
    package func signal() {
        pthread_cond_broadcast(changed)
    }
}

/// The value is only ever reached under the lock.
extension Locked: @unchecked Sendable where State: Sendable {}
