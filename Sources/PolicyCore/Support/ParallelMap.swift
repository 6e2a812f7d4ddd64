import Dispatch
import PolicyJSON
import Synchronization

/// Work split over threads with results kept in order: every `--jobs` run of the project
/// (files, package members, workflows, resolved pods, subjects, report pieces) goes through
/// here, so each makes the same output whatever the thread count.
package enum ParallelMap {
    /// `body(index)` for every index below `count`, on up to `jobs` threads that each take the
    /// next index until none is left; the results in index order. One thread, or one index,
    /// runs in place.
    package static func map<Result: Sendable>(_ count: Int, jobs: Int, _ body: @Sendable (Int) -> Result) -> [Result] {
        guard jobs > 1, count > 1 else { return (0..<count).map(body) }
        let results = Locked<[Result?]>(Array(repeating: nil, count: count))
        let next = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: min(jobs, count)) { _ in
            while true {
                let index = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < count else { return }
                let result = body(index)
                results.withLock { $0[index] = result }
            }
        }
        // Every index was taken by a worker before `concurrentPerform` returned.
        return results.withLock { results in
            let taken = results
            results = []
            return taken
        }.compactMap { $0 }
    }
}

extension ParallelMap {
    /// How the JSON reports render the elements of large arrays on `jobs` threads (``PieceMap``);
    /// `nil` for one thread, which writes them as it goes.
    package static func pieces(jobs: Int) -> PieceMap? {
        guard jobs > 1 else { return nil }
        return { count, piece in map(count, jobs: jobs, piece) }
    }
}
