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
    /// `make(index)` for every index below `count`, `wave` indices at a time on up to `jobs`
    /// threads, each wave's results handed to `take` in index order before the next wave is
    /// made: output written in order, whatever the thread count, with only one wave held.
    /// - Returns: false as soon as `take` refuses a result.
    package static func inWaves<Result: Sendable>(
        _ count: Int, wave: Int, jobs: Int, _ make: @Sendable (Int) -> Result, take: (Result) -> Bool
    ) -> Bool {
        var first = 0
        while first < count {
            let size = min(max(1, wave), count - first)
            let start = first
            for result in map(size, jobs: jobs, { make(start + $0) }) {
                guard take(result) else { return false }
            }
            first += size
        }
        return true
    }

    /// How the JSON reports render the batches of large arrays on `jobs` threads (``PieceMap``):
    /// 16 batches a wave; `nil` for one thread, which writes them as it goes.
    package static func pieces(jobs: Int) -> PieceMap? {
        guard jobs > 1 else { return nil }
        return { count, piece, take in inWaves(count, wave: 16, jobs: jobs, piece, take: take) }
    }
}
