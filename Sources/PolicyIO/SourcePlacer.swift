import PolicyCore
import PolicyFlyte

/// Puts Flyte findings on the Python line that wrote the offending value (`check --source`):
/// a task's pod template, resources or accelerator on its `@task` decorator, a node override on
/// its `.with_overrides(...)` call in the workflow function. A value no layer claims comes from
/// the task's own container, so it goes to the `@task` too.
package enum SourcePlacer {
    /// Places what it can and returns a notice saying how many findings stayed on the package
    /// and why, so a missing annotation in a pull request is never a mystery.
    package static func place(_ report: inout Report, sources: PythonSources) -> [String] {
        var placed = 0
        var reasons: [String: Int] = [:]
        for index in report.findings.indices {
            let finding = report.findings[index]
            guard report.subjects.indices.contains(finding.subjectIndex) else { continue }
            let subject = report.subjects[finding.subjectIndex]
            guard subject.source.isResolved, let flyte = subject.flyte else { continue }
            switch line(for: finding, flyte: flyte, sources: sources) {
            case .success(let line):
                report.findings[index].sourceLine = SourceLine(file: line.file, position: SourcePosition(line: line.line, column: line.column))
                placed += 1
            case .failure(let reason):
                reasons[reason.text, default: 0] += 1
            }
        }
        guard !reasons.isEmpty else { return [] }
        let unplaced = reasons.values.reduce(0, +)
        let why = reasons.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.map { "\($0.value): \($0.key)" }
        return [
            "--source placed \(placed) of \(placed + unplaced) Flyte findings on Python lines; the others stay on the package (\(why.joined(separator: "; ")))"
        ]
    }

    /// Why a finding stays on the package.
    struct Unplaced: Error {
        var text: String
    }

    private static func line(for finding: Finding, flyte: FlyteIdentity, sources: PythonSources) -> Result<PythonSources.Line, Unplaced> {
        // A recorded layer says who wrote the value; words of no written origin stay unplaced.
        let origin: LayerOrigin?
        if let provenance = finding.provenance { origin = LayerOrigin(provenance) } else { origin = flyte.task.map(LayerOrigin.task) }
        switch origin {
        case .task(let task)?:
            guard let line = sources.task(task) else {
                return .failure(Unplaced(text: "task \(task) is not defined with @task in the source folder"))
            }
            return .success(line)
        case .nodeOverride(let workflow, let node)?:
            guard let call = sources.node(node, of: workflow, runs: flyte.task) else {
                return .failure(Unplaced(text: "node \(node) of \(workflow) is not matched to a call in the workflow's function"))
            }
            return .success(call.overrides ?? call.call)
        case .platform?: return .failure(Unplaced(text: "set by the platform configuration"))
        case .clusterPodTemplate?: return .failure(Unplaced(text: "set by a cluster PodTemplate"))
        case nil: return .failure(Unplaced(text: "set by a plugin's default, not by the Python source"))
        }
    }
}
