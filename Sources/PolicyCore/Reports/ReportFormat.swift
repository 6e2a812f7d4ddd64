/// Writes a report in one format, in chunks, to `sink` (a report can be hundreds of megabytes,
/// so none of them has to be held whole); `false` when the sink refused the bytes.
public protocol ReportRenderer {
    static func render(_ report: Report, context: ReportContext, to sink: ([UInt8]) -> Bool) -> Bool
}

/// The formats `check --format` writes, each with its renderer.
public enum ReportFormat: String, Sendable, CaseIterable {
    case text, json, sarif, junit, github, policyreport

    public var renderer: any ReportRenderer.Type { spooled }

    /// The format's renderer, which also writes it part by part as a large input is checked.
    package var spooled: any SpooledFormat.Type {
        switch self {
        case .text: TextReport.self
        case .json: JSONReport.self
        case .sarif: SARIFReport.self
        case .junit: JUnitReport.self
        case .github: GitHubReport.self
        case .policyreport: PolicyReportFormat.self
        }
    }

    /// Renders `report` in this format to `sink`.
    public func render(_ report: Report, context: ReportContext, to sink: ([UInt8]) -> Bool) -> Bool {
        renderer.render(report, context: context, to: sink)
    }
}

/// A report format written part by part as a large input is checked (``ReportSpool``): the
/// same bytes as its ``ReportRenderer`` writes for the whole report.
package protocol SpooledFormat: ReportRenderer {
    /// The text of `part` (consecutive subjects of the run, with their findings and rule
    /// outcomes) under its sections, in order; `nil` when it cannot be written ahead of the
    /// report (the spool then fails, and says so).
    static func sections(of part: Report, context: ReportContext) -> [SpoolSection]?
    /// Writes the whole report to `sink`: the sections read back from `spooled` where they
    /// belong, and what the spool did not take from `report` (its notices; its counts include
    /// the spooled subjects, ``Report/spooled``). Every subject of `report` has been spooled.
    static func assemble(_ report: Report, spooled: SpooledSections, context: ReportContext, to sink: ([UInt8]) -> Bool) -> Bool
}

extension TextReport: ReportRenderer {
    public static func render(_ report: Report, context: ReportContext, to sink: ([UInt8]) -> Bool) -> Bool {
        render(report, style: context.textStyle, jobs: context.jobs, to: sink)
    }
}

extension JSONReport: ReportRenderer {
    public static func render(_ report: Report, context: ReportContext, to sink: ([UInt8]) -> Bool) -> Bool {
        render(report, jobs: context.jobs, to: sink)
    }
}

extension GitHubReport: ReportRenderer {
    public static func render(_ report: Report, context: ReportContext, to sink: ([UInt8]) -> Bool) -> Bool {
        sink(render(report, context: context))
    }
}

extension SARIFReport: ReportRenderer {}
extension JUnitReport: ReportRenderer {}
extension PolicyReportFormat: ReportRenderer {}
