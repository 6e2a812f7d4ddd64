/// Writes the text report of a run's subjects as each part of the run is joined, in order, and
/// keeps only what the rest of the run needs of them: their counts and what the evaluator did
/// with each rule. A List of any size is then checked in bounded memory, where a report held
/// every finding until it was written (a 1 GB List kept 3.2 GiB).
///
/// Only the text report can be written this way: it is grouped by subject in input order and
/// ends with its summary, so the bytes are those of the report rendered whole. The other
/// formats put counts or every finding's fingerprint first, and baselines compare the run as
/// a whole; `check` spools only a text report without a baseline.
package final class TextSpool: Sendable {
    private let style: TextReport.Style
    private let output: any SpoolOutput
    private struct State {
        var summary = Report.Summary()
        var failed = false
        /// Where the input being spooled began, to go back to when it cannot be read in parts.
        var mark: (summary: Report.Summary, offset: Int64)?
    }
    private let state = Locked(State())

    package init(style: TextReport.Style, output: any SpoolOutput) {
        self.style = style
        self.output = output
    }

    /// Marks where an input's text begins: a large input is read in parts until one does not
    /// read, and it is then read again whole, for an error positioned in the file.
    package func begin() {
        state.withLock { state in state.mark = output.offset.map { (state.summary, $0) } }
    }

    /// Takes back what was written since ``begin()``.
    package func rollback() {
        state.withLock { state in
            guard let mark = state.mark else { return }
            if !output.truncate(to: mark.offset) { state.failed = true }
            state.summary = mark.summary
            state.mark = nil
        }
    }

    /// A part's text, rendered on the thread that evaluated it and waiting for its turn to be
    /// written (``write(_:)``): rendering is most of a spool's work, and it needs no order.
    package struct Rendered: Sendable {
        fileprivate var bytes: [UInt8]
        fileprivate var summary: Report.Summary
        fileprivate var outcomes: RuleOutcomes
    }

    /// Renders the part's subjects with their findings; safe on any thread, in any order.
    package func render(_ part: consuming ReportPart) -> Rendered {
        let outcomes = part.outcomes
        let report = Report(subjects: part.subjects, findings: part.findings)
        var bytes: [UInt8] = []
        // One piece on this thread: a part is a chunk of the run, smaller than a piece.
        _ = TextReport.renderSubjects(report, style: style, jobs: 1) { piece in
            bytes += piece
            return true
        }
        return Rendered(bytes: bytes, summary: report.summary, outcomes: outcomes)
    }

    /// Writes a rendered part and gives back what the report still needs of it: what the
    /// evaluator did with each rule, for the notices about rules that never applied. Parts
    /// must come in the run's order, one at a time.
    package func write(_ rendered: consuming Rendered) -> ReportPart {
        let written = rendered.bytes.isEmpty || output.write(rendered.bytes)
        let counted = rendered.summary
        state.withLock { state in
            state.summary.add(counted)
            if !written { state.failed = true }
        }
        return ReportPart(outcomes: rendered.outcomes)
    }

    /// ``render(_:)`` then ``write(_:)``: for a part already in its turn.
    package func take(_ part: consuming ReportPart) -> ReportPart {
        write(render(part))
    }

    /// The counts of every subject and finding written so far.
    package var summary: Report.Summary { state.withLock { $0.summary } }

    /// Whether a piece could not be written (the output is then incomplete).
    package var failed: Bool { state.withLock { $0.failed } }
}

/// Where a ``TextSpool`` writes: a file it can go back in.
package protocol SpoolOutput: Sendable {
    /// Writes every byte; false when it could not.
    func write(_ bytes: [UInt8]) -> Bool
    /// How many bytes are written; `nil` when that cannot be known.
    var offset: Int64? { get }
    /// Drops every byte after `offset`, and writes on from there.
    func truncate(to offset: Int64) -> Bool
}
