import Foundation

/// Prints how long each phase of a run took to stderr when `FLYTE_POLICY_TIMINGS` is set, so a
/// slow run can be taken apart without a profiler (`bench/run.sh --check` reads it).
struct PhaseTimer {
    private let console: Console?
    private var last: ContinuousClock.Instant

    init(_ console: Console) {
        self.console = console.environment["FLYTE_POLICY_TIMINGS"].map { $0.isEmpty || $0 == "0" } == false ? console : nil
        self.last = .now
    }

    /// Ends the phase called `name` and starts the next.
    mutating func lap(_ name: String) {
        guard let console else { return }
        let now = ContinuousClock.Instant.now
        let elapsed = last.duration(to: now)
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        console.err("timing: \(name) \(String(format: "%.1f", milliseconds)) ms\n")
        last = now
    }
}
