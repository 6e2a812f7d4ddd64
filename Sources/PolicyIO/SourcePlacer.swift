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
    /// The files of `--pod-templates`.
    let podTemplates: [InputFile]

    package init(sources: PythonSources, platform: InputFile? = nil, podTemplates: [InputFile] = []) {
        self.sources = sources
        self.platform = platform
        self.podTemplates = podTemplates
    }

    /// Places what it can and returns a notice saying how many findings stayed on the package
    /// and why, so a missing annotation in a pull request is never a mystery.
    package func place(_ report: inout Report) -> [String] {
        var placed = 0
        var reasons: [String: Int] = [:]
        for index in report.findings.indices {
            let finding = report.findings[index]
            guard report.subjects.indices.contains(finding.subjectIndex) else { continue }
            let subject = report.subjects[finding.subjectIndex]
            guard subject.source.isResolved, let flyte = subject.flyte else { continue }
            switch line(for: finding, flyte: flyte) {
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

    private func line(for finding: Finding, flyte: FlyteIdentity) -> Result<PythonSources.Line, Unplaced> {
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
            guard let platform else { return .failure(Unplaced(text: "set by the platform configuration, which was not given as a file")) }
            // Keys sit under `plugins.k8s`, or bare; dotted keys are paths from the top.
            let path = (key ?? "plugins.k8s").split(separator: ".").map { JSONPointer.escape(String($0)) }.joined(separator: "/")
            let candidates = key?.contains(".") == true ? ["/" + path] : ["/plugins/k8s/" + path, "/" + path, "/plugins/k8s"]
            guard let line = Self.first(of: candidates, in: platform, document: 1) else {
                return .failure(Unplaced(text: "set by the platform configuration, whose \(key ?? "plugins.k8s") is not in \(platform.name)"))
            }
            return .success(line)
        case .clusterPodTemplate(let name, let namespace)?:
            for file in podTemplates {
                guard let documents = try? ManifestReader.documents(file) else { continue }
                for (index, document) in documents.enumerated()
                where document.node["kind"]?.string == "PodTemplate" && document.node["metadata"]?["name"]?.string == name
                    && (namespace == nil || document.node["metadata"]?["namespace"]?.string.map { $0 == namespace } ?? true)
                {
                    let pointer = "/template" + finding.path
                    if let found = Self.positions(in: file, wanted: [index + 1: [pointer]])[index + 1],
                        let place = FindingLocator.nearest(pointer, floor: 0, in: found)
                    {
                        return .success(PythonSources.Line(file: file.name, line: place.line, column: place.column))
                    }
                }
            }
            return .failure(Unplaced(text: "set by cluster PodTemplate '\(name)', which is not in the --pod-templates files"))
        case nil: return .failure(Unplaced(text: "set by a plugin's default, not by the Python source"))
        }
    }

    /// The place of the first of `pointers` written in a document of `file`.
    private static func first(of pointers: [String], in file: InputFile, document: Int) -> PythonSources.Line? {
        let found = positions(in: file, wanted: [document: Set(pointers)])[document] ?? [:]
        for pointer in pointers {
            if let place = found[pointer] { return PythonSources.Line(file: file.name, line: place.line, column: place.column) }
        }
        return nil
    }

    private static func positions(in file: InputFile, wanted: [Int: Set<String>]) -> [Int: [String: (line: Int, column: Int)]] {
        let text = file.normalizedText()
        return text.looksLikeJSON ? JSONLocator.positions(in: text.bytes, wanted: wanted) : YAMLLocator.positions(in: text.bytes, wanted: wanted)
    }
}
