import PolicyCore
import PolicyFlyte
import PolicyIO
import PolicyJSON

/// Reads the inputs of `check` and `resolve`: Kubernetes manifests as they are, Flyte packages
/// and entities resolved into one pod per node with the platform configuration and PodTemplates.
struct LoadedInputs {
    var subjects: [Subject] = []
    var resolved: [ResolvedNode] = []
    var skippedKinds: [String] = []
    /// Files of a folder walk that are not Kubernetes manifests.
    var skippedInputs: [SkippedInput] = []
    /// Standard input as read, to place findings on its lines afterwards.
    var standardInput: [UInt8]?
    var notices: [String] = []
    var warnings: [String] = []
    var errors: [InputError] = []
    /// Set when the platform configuration or the PodTemplates could not be read: nothing Flyte
    /// can be resolved faithfully, so nothing is checked.
    var fatal = false
}

enum InputLoading {
    static let options: [OptionSpec] = [
        OptionSpec(
            name: "--platform", valueName: "FILE", help: "flytepropeller's k8s plugin configuration (YAML or JSON; keys under plugins.k8s, or bare)."),
        OptionSpec(
            name: "--pod-templates", valueName: "PATH", repeatable: true,
            help: "Cluster PodTemplate manifests (file or folder, repeatable) for pod_template_name and the default template."),
        OptionSpec(name: "--project", valueName: "NAME", help: "Flyte project of inputs that do not carry one (a pyflyte package)."),
        OptionSpec(name: "--domain", valueName: "NAME", help: "Flyte domain of inputs that do not carry one."),
        OptionSpec(name: "--namespace", valueName: "NAME", help: "Namespace of pods that do not name one; Flyte default <project>-<domain>."),
        OptionSpec(
            name: "--exclude", valueName: "GLOB", repeatable: true,
            help: "Leave out files of a folder walk whose path below the folder or whose name matches (e.g. 'charts/*', values.yaml)."),
        OptionSpec(
            name: "--strict", valueName: nil,
            help: "A file of a folder walk that is not a Kubernetes manifest is an error (exit 2), not a skipped file."),
        OptionSpec(
            name: "--max-input-size", valueName: "SIZE", help: "The largest input file read, as a quantity (default 1Gi); a larger one is an error."),
        OptionSpec(
            name: "--workload", valueName: "GROUP/KIND=POINTER", repeatable: true,
            help:
                "Also read pods from this kind of object, at POINTER (* for every element or member; several pointers comma-separated), e.g. example.com/Trainer=/spec/replicas/*/template."
        ),
    ]

    /// `--max-input-size` in bytes.
    static func maxInputBytes(_ parsed: ParsedArguments) throws(InputError) -> Int {
        guard let text = parsed.value("--max-input-size") else { return InputFiles.defaultMaxBytes }
        guard let quantity = try? Quantity(parsing: text), quantity.isPositive, quantity.nanos % 1_000_000_000 == 0,
            quantity.nanos / 1_000_000_000 <= Int128(Int.max / 2)
        else {
            throw .unsupported(
                source: "--max-input-size", reason: "'\(text)' is not a size; write a whole number of bytes or a quantity such as 512Mi or 4Gi")
        }
        return Int(quantity.nanos / 1_000_000_000)
    }

    static func load(_ parsed: ParsedArguments, progress: (String) -> Void = { _ in }) -> LoadedInputs {
        var loaded = LoadedInputs()
        var store = PodTemplateStore(defaultNamespace: "flyte")
        var config = PlatformConfig()
        let maxBytes: Int
        do {
            maxBytes = try maxInputBytes(parsed)
            if let path = parsed.value("--platform") {
                let platform = try FlyteInputs.platform(InputFile(name: path, bytes: try InputFiles.read(path, maxBytes: maxBytes)))
                config = platform.config
                loaded.warnings += platform.warnings
            }
            let templatePaths = parsed.all("--pod-templates")
            if !templatePaths.isEmpty {
                try FlyteInputs.podTemplates(
                    try InputFiles.collect(templatePaths, extensions: ["json", "yaml", "yml"], maxBytes: maxBytes, notices: &loaded.notices),
                    into: &store)
            }
        } catch {
            loaded.errors.append(error)
            loaded.fatal = true
            return loaded
        }

        var workloads = WorkloadKinds.builtIn
        for text in parsed.all("--workload") {
            do { workloads.add(try WorkloadKinds.parse(text)) } catch {
                loaded.errors.append(error)
                loaded.fatal = true
                return loaded
            }
        }
        let manifests = ManifestReader(defaultNamespace: parsed.value("--namespace"), workloads: workloads)
        var packages: [FlyteBundle] = []
        var loose = FlyteBundle()
        var exclude: [Glob] = []
        for pattern in parsed.all("--exclude") {
            guard let glob = Glob(pattern) else {
                loaded.errors.append(.unsupported(source: "--exclude \(pattern)", reason: "not a glob; use \(Glob.expectedForm)"))
                loaded.fatal = true
                return loaded
            }
            exclude.append(glob)
        }
        do {
            let files = try InputFiles.collect(parsed.positionals, maxBytes: maxBytes, exclude: exclude, notices: &loaded.notices)
            loaded.standardInput = files.first { $0.name == "<stdin>" }?.bytes
            for (index, file) in files.enumerated() {
                if files.count > 20, index % 20 == 0 { progress("reading inputs: \(index)/\(files.count)") }
                do {
                    switch try FlyteInputs.read(file, manifests: manifests) {
                    case .manifests(let outcome):
                        loaded.subjects += outcome.subjects
                        loaded.skippedKinds += outcome.skippedKinds
                        loaded.notices += outcome.unreadPods
                    case .package(let bundle): packages.append(bundle)
                    case .entities(let bundle): loose.append(bundle)
                    }
                } catch {
                    // A repository holds application configs, Helm values and templates beside
                    // its manifests: a walk lists them; a named file must be what it says.
                    if file.fromFolder, !parsed.flags.contains("--strict"), case .notAManifest(_, let reason) = error {
                        loaded.skippedInputs.append(SkippedInput(file: file.name, reason: reason))
                    } else {
                        loaded.errors.append(error)
                    }
                }
            }
        } catch {
            loaded.errors.append(error)
        }

        let context = FlyteContext(
            project: parsed.value("--project") ?? "", domain: parsed.value("--domain") ?? "", namespace: parsed.value("--namespace"))
        let resolver = FlyteResolver(builder: PodBuilder(config: config, templates: store), context: context)
        for bundle in packages + (loose.isEmpty ? [] : [loose]) {
            progress("resolving \(bundle.workflows.count) workflows, \(bundle.tasks.count) tasks")
            let outcome = resolver.resolve(bundle)
            loaded.notices += outcome.notices
            loaded.errors += outcome.errors.map { InputError.resolution($0) }
            let (subjects, nodes, errors) = outcome.subjects()
            loaded.subjects += subjects
            loaded.resolved += nodes
            loaded.errors += errors.map { InputError.resolution($0) }
        }
        return loaded
    }
}
