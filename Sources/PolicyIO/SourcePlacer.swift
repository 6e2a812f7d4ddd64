import PolicyCore
import PolicyFlyte
import PolicyJSON
import PolicyYAML

/// Puts Flyte findings on the line that wrote the offending value (`check --source`): a task's
/// pod template, resources or accelerator on its `@task` decorator, a node override on its
/// `.with_overrides(...)` call in the workflow function, a platform value on its key in the
/// `--platform` file, a cluster PodTemplate's value in its `--pod-templates` file. A value no
/// layer claims comes from the task's own container, so it goes to the `@task` too.
package struct SourcePlacer {
    let sources: PythonSources
    /// The `--platform` file, when given.
    let platform: InputFile?
    /// The PodTemplates of the `--pod-templates` files, each with its file and 1-based document.
    let podTemplates: [(file: InputFile, document: Int, name: String, namespace: String?)]

    package init(sources: PythonSources, platform: InputFile? = nil, podTemplates: [InputFile] = []) {
        self.sources = sources
        self.platform = platform
        // Read once here, not for every finding a cluster PodTemplate set.
        self.podTemplates = podTemplates.flatMap { file in
            ((try? ManifestReader.documents(file)) ?? []).enumerated().compactMap { index, document in
                guard document.node["kind"]?.string == "PodTemplate", let name = document.node["metadata"]?["name"]?.string else { return nil }
                return (file, index + 1, name, document.node["metadata"]?["namespace"]?.string)
            }
        }
    }

    /// Places what it can and returns a notice saying how many findings stayed on the package
    /// and why, so a missing annotation in a pull request is never a mystery.
    package func place(_ report: inout Report) -> [String] {
        var placed = 0
        var reasons: [String: Int] = [:]
        // Many findings share a platform key: its line is looked up once.
        var platformLines: [String: Result<SourceLine, Unplaced>] = [:]
        for index in report.findings.indices {
            let finding = report.findings[index]
            guard report.subjects.indices.contains(finding.subjectIndex) else { continue }
            let subject = report.subjects[finding.subjectIndex]
            guard subject.source.isResolved, let flyte = subject.flyte else { continue }
            switch line(for: finding, flyte: flyte, platformLines: &platformLines) {
            case .success(let line):
                report.findings[index].sourceLine = line
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

    private func line(
        for finding: Finding, flyte: FlyteIdentity, platformLines: inout [String: Result<SourceLine, Unplaced>]
    ) -> Result<SourceLine, Unplaced> {
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
        case .platform(let key)?:
            if let known = platformLines[key ?? ""] { return known }
            let line = platformLine(key)
            platformLines[key ?? ""] = line
            return line
        case .clusterPodTemplate(let name, let namespace)?:
            let pointer = "/template" + finding.path.description
            for template in podTemplates where template.name == name && (namespace == nil || template.namespace.map { $0 == namespace } ?? true) {
                if let found = FindingLocator.positions(in: template.file, wanted: [template.document: [pointer]])[template.document],
                    let place = FindingLocator.nearest(pointer, floor: 0, in: found)
                {
                    return .success(SourceLine(file: template.file.name, line: place.line, column: place.column))
                }
            }
            return .failure(Unplaced(text: "set by cluster PodTemplate '\(name)', which is not in the --pod-templates files"))
        case nil: return .failure(Unplaced(text: "set by a plugin's default, not by the Python source"))
        }
    }

    /// The line of a platform key: under `plugins.k8s`, or bare; a dotted key is a path from the top.
    private func platformLine(_ key: String?) -> Result<SourceLine, Unplaced> {
        guard let platform else { return .failure(Unplaced(text: "set by the platform configuration, which was not given as a file")) }
        let path = (key ?? "plugins.k8s").split(separator: ".").map { JSONPointer.escape(String($0)) }.joined(separator: "/")
        let candidates = key?.contains(".") == true ? ["/" + path] : ["/plugins/k8s/" + path, "/" + path, "/plugins/k8s"]
        let found = FindingLocator.positions(in: platform, wanted: [1: Set(candidates)])[1] ?? [:]
        for pointer in candidates {
            if let place = found[pointer] { return .success(SourceLine(file: platform.name, line: place.line, column: place.column)) }
        }
        return .failure(Unplaced(text: "set by the platform configuration, whose \(key ?? "plugins.k8s") is not in \(platform.name)"))
    }
}
