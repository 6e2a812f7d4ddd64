import Foundation
import PolicyCore
import PolicyFlyte
import PolicyIO
import PolicyJSON
import PolicyYAML

/// `flyte-policy resolve [INPUT...]`: the pods Flyte would create, with provenance.
enum ResolveCommand {
    static let schemaVersion = "flyte-policy.resolve/v1"

    static let options: [OptionSpec] =
        [
            OptionSpec(name: "--format", valueName: "FORMAT", choices: ["json", "yaml"], help: "Output format; default yaml."),
            OptionSpec(name: "--output", valueName: "FILE", help: "Write to FILE instead of standard output."),
        ] + InputLoading.options

    static let help = ArgumentParser.help(
        usage: "flyte-policy resolve [INPUT...] [--platform FILE] [--pod-templates PATH] [--format json|yaml]",
        summary: "Print every pod a Flyte package or workflow will launch, as flytepropeller would build it.",
        options: options,
        details: """
            INPUT is what `check` reads: a pyflyte package (.tgz), its .pb files, or flyteidl entities
            as protobuf JSON. For every node that runs a pod (task nodes, nodes in branches and
            sub-workflows, map tasks), the output holds the node's Flyte identity, the resolved pod,
            and the provenance of each scheduling and resource value: which layer set it (task pod
            template, task resources, node override, platform config, cluster PodTemplate, GPU
            accelerator).

            Exit codes: 0 every node resolved; 2 an input or a node could not be resolved.
            """,
        examples: [
            "flyte-policy resolve examples/flyte/demo.tgz --pod-templates examples/platform/pod-templates.yaml",
            "flyte-policy resolve flyte-package.tgz --platform propeller.yaml --project ml --domain production --format json",
        ])

    static func run(_ arguments: [String], _ console: Console) -> ExitCode {
        let parsed: ParsedArguments
        switch ArgumentParser.start(arguments, options: options, command: "resolve", help: help, console: console) {
        case .run(let arguments): parsed = arguments
        case .exit(let code): return code
        }
        guard !parsed.positionals.isEmpty else {
            console.err(
                "flyte-policy resolve: name at least one input (a pyflyte package, .pb files or flyteidl JSON)\nRun 'flyte-policy resolve --help' for usage.\n"
            )
            return .failure
        }
        let loaded = InputLoading.load(parsed) { console.progress($0) }
        console.progress("")
        for warning in loaded.warnings { console.err("warning: \(warning)\n") }
        let pods = loaded.resolved.map(document)
        let rendered: [UInt8]
        do {
            if parsed.value("--format") == "json" {
                rendered = try JSONValue.object(["schemaVersion": .string(schemaVersion), "pods": .array(pods)]).serialized(pretty: true)
            } else {
                rendered = try YAMLWriter.emit(pods)
            }
        } catch {
            console.err("flyte-policy resolve: cannot render the output: \(error)\n")
            return .failure
        }
        guard console.emit(rendered, to: parsed.value("--output"), command: "resolve") else { return .failure }
        for notice in loaded.notices { console.err("note: \(notice)\n") }
        if loaded.subjects.count > loaded.resolved.count {
            console.err(
                "note: \(loaded.subjects.count - loaded.resolved.count) Kubernetes manifest pods were read; resolve prints Flyte nodes only\n")
        }
        for error in loaded.errors { console.err("error: \(error)\n") }
        if loaded.resolved.isEmpty, loaded.errors.isEmpty {
            console.err("flyte-policy resolve: the inputs hold no Flyte task or workflow\n")
            return .failure
        }
        return loaded.errors.isEmpty ? .success : .failure
    }

    /// One resolved node: identity, source, provenance (sorted by pointer) and the pod.
    static func document(_ node: ResolvedNode) -> JSONValue {
        var flyte = JSONObject()
        flyte["project"] = .string(node.identity.project ?? "")
        flyte["domain"] = .string(node.identity.domain ?? "")
        flyte["workflow"] = .string(node.identity.workflow ?? "")
        flyte["node"] = .string(node.identity.node ?? "")
        flyte["task"] = .string(node.identity.task ?? "")
        flyte["taskType"] = .string(node.identity.taskType ?? "")
        flyte["interruptible"] = .bool(node.identity.interruptible ?? false)
        if let role = node.role { flyte["role"] = .string(role.label) }
        if let replicas = node.replicas { flyte["replicas"] = .integer(Int64(replicas)) }
        let provenance = JSONObject(node.pod.provenance.map { ($0.key.description, JSONValue.string($0.value)) }.sorted { $0.0 < $1.0 })
        var object: JSONObject = [
            "source": .string(node.source.description), "flyte": .object(flyte), "namespace": .string(node.namespace),
            "primaryContainer": .string(node.pod.primaryContainerName), "provenance": .object(provenance),
        ]
        if !node.pod.notes.isEmpty {
            object["notes"] = .array(
                node.pod.notes.map { note in
                    [
                        "container": note.container.map(JSONValue.string) ?? .null, "path": .string(note.path.description),
                        "message": .string(note.message),
                        "layer": .string(note.layer),
                    ]
                })
        }
        object["pod"] = node.podJSON
        return .object(object)
    }
}
