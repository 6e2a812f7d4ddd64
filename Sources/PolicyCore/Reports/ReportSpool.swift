/// Writes a run's report part by part as a large input is checked, and keeps only what the
/// rest of the run needs of each part: its counts and what the evaluator did with each rule.
/// A List of any size is then checked in bounded memory, in every format, where a report held
/// every finding until it was written (a 1 GB List kept 3.2 GiB).
///
/// Each part becomes text under named sections (``SpoolSection``: the text report's subjects,
/// the JSON report's findings and notes, a JUnit suite's cases, a namespace's PolicyReport
/// results), rendered on the thread that evaluated the part and written in the run's order.
/// The report is put together at the end (``SpooledFormat/assemble(_:spooled:context:to:)``):
/// its counts come first in most formats, so only then can its head be written, and each
/// section is copied in where it belongs. The bytes are those of the report rendered whole.
package final class ReportSpool: Sendable {
    package let format: ReportFormat
    private let context: ReportContext
    private let output: any SpoolOutput
    /// Whether `output` is where the report goes (a text report to a file): its sections are
    /// then in place, and only what follows them is written at the end.
    package let inPlace: Bool
    private struct State {
        var summary = Report.Summary()
        var index = SpoolIndex()
        var failed = false
        /// Where the input being spooled began, to go back to when it cannot be read in parts.
        var mark: (summary: Report.Summary, index: SpoolIndex, offset: Int64)?
    }
    private let state = Locked(State())

    /// - Parameter inPlace: `output` is the report's destination (only a text report can be
    ///   written there as it goes: the other formats put counts first).
    package init(format: ReportFormat, context: ReportContext, output: any SpoolOutput, inPlace: Bool) {
        self.format = format
        self.context = context
        self.output = output
        self.inPlace = inPlace && format == .text
    }

    /// Marks where an input's text begins: a large input is read in parts until one does not
    /// read, and it is then read again whole, for an error positioned in the file.
    package func begin() {
        state.withLock { state in state.mark = output.offset.map { (state.summary, state.index, $0) } }
    }

    /// Takes back what was written since ``begin()``.
    package func rollback() {
        state.withLock { state in
            guard let mark = state.mark else { return }
            if !output.truncate(to: mark.offset) { state.failed = true }
            state.summary = mark.summary
            state.index = mark.index
            state.mark = nil
        }
    }

    /// A part's text, rendered on the thread that evaluated it and waiting for its turn to be
    /// written (``write(_:)``): rendering is most of a spool's work, and it needs no order.
    package struct Rendered: Sendable {
        fileprivate var sections: [SpoolSection]?
        fileprivate var summary: Report.Summary
        fileprivate var outcomes: RuleOutcomes
    }

    /// Renders the part's subjects with their findings; safe on any thread, in any order.
    package func render(_ part: consuming ReportPart) -> Rendered {
        let outcomes = part.outcomes
        var report = Report(subjects: part.subjects, findings: part.findings)
        report.ruleOutcomes = outcomes
        return Rendered(sections: format.spooled.sections(of: report, context: context), summary: report.summary, outcomes: outcomes)
    }

    /// Writes a rendered part and gives back what the report still needs of it: what the
    /// evaluator did with each rule, for the notices about rules that never applied. Parts
    /// must come in the run's order, one at a time.
    package func write(_ rendered: consuming Rendered) -> ReportPart {
        let counted = rendered.summary
        let outcomes = rendered.outcomes
        guard let sections = rendered.sections else {
            state.withLock { $0.failed = true }
            return ReportPart(outcomes: outcomes)
        }
        // One write for the part's sections together.
        var text: [UInt8] = []
        text.reserveCapacity(sections.reduce(0) { $0 + $1.text.count })
        for section in sections { text += section.text }
        state.withLock { state in
            guard !state.failed else { return }
            guard let offset = output.offset, text.isEmpty || output.write(text) else {
                state.failed = true
                return
            }
            var at = offset
            for section in sections {
                state.index.add(section, at: at)
                at += Int64(section.text.count)
            }
            state.summary.add(counted)
        }
        return ReportPart(outcomes: outcomes)
    }

    /// ``render(_:)`` then ``write(_:)``: for a part already in its turn.
    package func take(_ part: consuming ReportPart) -> ReportPart {
        write(render(part))
    }

    /// The counts of every subject and finding written so far.
    package var summary: Report.Summary { state.withLock { $0.summary } }

    /// Whether a part could not be written (the output is then incomplete).
    package var failed: Bool { state.withLock { $0.failed } }

    /// What was written, for putting the report together.
    package var spooled: SpooledSections {
        SpooledSections(index: state.withLock { $0.index }, output: output, inPlace: inPlace)
    }
}

/// Where a ``ReportSpool`` writes: a file it can go back in and read again.
package protocol SpoolOutput: Sendable {
    /// Writes every byte; false when it could not.
    func write(_ bytes: [UInt8]) -> Bool
    /// How many bytes are written; `nil` when that cannot be known.
    var offset: Int64? { get }
    /// Drops every byte after `offset`, and writes on from there.
    func truncate(to offset: Int64) -> Bool
    /// `count` bytes from `offset`; `nil` when they cannot be read.
    func read(at offset: Int64, count: Int) -> [UInt8]?
}
