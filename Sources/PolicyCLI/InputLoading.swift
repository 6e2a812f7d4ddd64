import CLinux
import PolicyCore
import PolicyFlyte
import PolicyIO
import PolicyJSON

/// Reads the inputs of `check` and `resolve`: Kubernetes manifests as they are, Flyte packages
/// and entities resolved into one pod per node with the platform configuration and PodTemplates.
struct LoadedInputs {
    var subjects: [Subject] = []
    /// Pods of a large `List` evaluated as they were read, and resolved Flyte pods evaluated as
    /// they were made (with ``InputOptions/evaluator``), each part with the count of ``subjects`` read before it, which keeps the report in input
    /// order.
    var evaluated: [(before: Int, part: ReportPart)] = []
    /// Files whose findings were placed on their lines as they were read.
    var locatedFiles: Set<String> = []
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
    /// What ``InputOptions/spool`` wrote of the report while the inputs were read.
    var spooled = Report.Summary()
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
    static func maxInputBytes(_ text: String?) throws(InputError) -> Int {
        guard let text else { return InputFiles.defaultMaxBytes }
        guard let quantity = try? Quantity(parsing: text), quantity.isPositive, quantity.nanos % 1_000_000_000 == 0,
            quantity.nanos / 1_000_000_000 <= Int128(Int.max / 2)
        else {
            throw .unsupported(
                source: "--max-input-size", reason: "'\(text)' is not a size; write a whole number of bytes or a quantity such as 512Mi or 4Gi")
        }
        return Int(quantity.nanos / 1_000_000_000)
    }

    static func load(_ parsed: ParsedArguments, progress: @escaping @Sendable (String) -> Void = { _ in }) -> LoadedInputs {
        load(InputOptions(parsed), progress: progress)
    }

    /// - Parameter progress: a transient line of how far the run is (a terminal's stderr).
    static func load(_ options: InputOptions, progress: @escaping @Sendable (String) -> Void = { _ in }) -> LoadedInputs {
        var loaded = LoadedInputs()
        let settings: Settings
        do { settings = try Settings(options, notices: &loaded.notices, warnings: &loaded.warnings) } catch {
            loaded.errors.append(error)
            loaded.fatal = true
            return loaded
        }
        var packages: [FlyteBundle] = []
        var loose = FlyteBundle()
        do {
            // Large inputs are mapped: one truncated while it is read stops the run with a sentence.
            clinux_exit_on_bus_error()
            let files = try InputFiles.collect(
                options.inputs, maxBytes: settings.maxBytes, exclude: settings.exclude, mapsLargeFiles: true, notices: &loaded.notices)
            loaded.standardInput = files.first { $0.name == "<stdin>" }?.bytes.array
            if files.count > 20 { progress("reading \(files.count) inputs on \(min(options.jobs, files.count)) threads") }
            let contents = read(
                files, manifests: settings.manifests, jobs: options.jobs, evaluator: options.evaluator, spool: files.count == 1 ? options.spool : nil,
                progress: progress)
            for (file, content) in zip(files, contents) {
                do {
                    switch try content.get() {
                    case .manifests(let outcome):
                        loaded.subjects += outcome.subjects
                        loaded.skippedKinds += outcome.skippedKinds
                        loaded.notices += outcome.unreadPods
                    case .evaluated(let part, let outcome):
                        loaded.evaluated.append((loaded.subjects.count, part))
                        loaded.locatedFiles.insert(file.name)
                        loaded.skippedKinds += outcome.skippedKinds
                        loaded.notices += outcome.unreadPods
                    case .package(let bundle): packages.append(bundle)
                    case .entities(let bundle): loose.append(bundle)
                    }
                } catch {
                    // A repository holds application configs, Helm values and templates beside
                    // its manifests: a walk lists them; a named file must be what it says.
                    if file.fromFolder, !options.strict, case .notAManifest(_, let reason) = error {
                        loaded.skippedInputs.append(SkippedInput(file: file.name, reason: reason))
                    } else {
                        loaded.errors.append(error)
                    }
                }
            }
        } catch {
            loaded.errors.append(error)
        }
        resolve(packages + (loose.isEmpty ? [] : [loose]), settings: settings, options: options, into: &loaded, progress: progress)
        return loaded
    }

    /// Reads and parses every file, on up to `jobs` threads; the results are in the files' order.
    static func read(
        _ files: [InputFile], manifests: ManifestReader, jobs: Int, evaluator: Evaluator?, spool: ReportSpool? = nil,
        progress: (@Sendable (String) -> Void)? = nil
    ) -> [Result<FlyteInputs.Content, InputError>] {
        // One file takes every thread for its own items (a large List); several share them.
        let perFile = files.count == 1 ? jobs : 1
        let read: @Sendable (InputFile) -> Result<FlyteInputs.Content, InputError> = { file in
            Result { () throws(InputError) in
                try FlyteInputs.read(file, manifests: manifests, jobs: perFile, evaluator: evaluator, spool: spool, progress: progress)
            }
        }
        return ParallelMap.map(files.count, jobs: jobs) { read(files[$0]) }
    }

    /// What the options make before any input is read: the platform configuration and
    /// PodTemplates, the manifest reader with its kinds, the walk's exclusions, the size bound.
    struct Settings {
        var config = PlatformConfig()
        var store = PodTemplateStore(defaultNamespace: "flyte")
        var manifests: ManifestReader
        var exclude: [Glob] = []
        var maxBytes: Int

        init(_ options: InputOptions, notices: inout [String], warnings: inout [String]) throws(InputError) {
            maxBytes = try InputLoading.maxInputBytes(options.maxInputSize)
            if let path = options.platform {
                let platform = try FlyteInputs.platform(InputFile(name: path, bytes: try InputFiles.read(path, maxBytes: maxBytes)))
                config = platform.config
                warnings += platform.warnings
            }
            if !options.podTemplates.isEmpty {
                let files = try InputFiles.collect(options.podTemplates, extensions: ["json", "yaml", "yml"], maxBytes: maxBytes, notices: &notices)
                try FlyteInputs.podTemplates(files, into: &store)
            }
            var workloads = WorkloadKinds.builtIn
            for text in options.workloads { workloads.add(try WorkloadKinds.parse(text)) }
            manifests = ManifestReader(defaultNamespace: options.namespace, workloads: workloads)
            for pattern in options.exclude {
                guard let glob = Glob(pattern) else {
                    throw .unsupported(source: "--exclude \(pattern)", reason: "not a glob; use \(Glob.expectedForm)")
                }
                exclude.append(glob)
            }
        }
    }

    /// Resolves every Flyte bundle into pods, one job per node; with `check`'s evaluator, into
    /// their evaluation.
    private static func resolve(
        _ bundles: [FlyteBundle], settings: Settings, options: InputOptions, into loaded: inout LoadedInputs,
        progress: @Sendable (String) -> Void
    ) {
        let context = FlyteContext(project: options.project, domain: options.domain, namespace: options.namespace)
        let resolver = FlyteResolver(builder: PodBuilder(config: settings.config, templates: settings.store), context: context)
        for bundle in bundles {
            progress("resolving \(bundle.workflows.count) workflows, \(bundle.tasks.count) tasks")
            let outcome = resolver.resolve(bundle, jobs: options.jobs)
            loaded.notices += outcome.notices
            loaded.errors += outcome.errors.map { InputError.resolution($0) }
            if let evaluator = options.evaluator {
                // `check` evaluates the pods run by run and keeps only what reports need.
                let (part, errors) = outcome.evaluated(by: evaluator, jobs: options.jobs)
                loaded.evaluated.append((loaded.subjects.count, part))
                loaded.errors += errors.map { InputError.resolution($0) }
                continue
            }
            let (subjects, nodes, errors) = outcome.subjects(jobs: options.jobs)
            loaded.subjects += subjects
            loaded.resolved += nodes
            loaded.errors += errors.map { InputError.resolution($0) }
        }
    }
}

/// The options inputs are read with, typed: what `check` and `resolve` take from their
/// command line, and what a PolicyTest case states.
struct InputOptions {
    /// Files, folders, or `-` for standard input.
    var inputs: [String]
    var platform: String?
    var podTemplates: [String] = []
    var project = ""
    var domain = ""
    var namespace: String?
    var exclude: [String] = []
    var strict = false
    /// `--max-input-size` as written; `nil` for the default.
    var maxInputSize: String?
    /// `--workload GROUP/KIND=POINTER` as written.
    var workloads: [String] = []
    /// Threads for reading files (`--jobs`).
    var jobs = 1
    /// `check`'s evaluator: a large `List` is evaluated as it is read, so its parsed items are
    /// freed chunk by chunk instead of all being held until evaluation.
    var evaluator: Evaluator?
    /// `check`'s text report written as a large input is evaluated (only when the run reads one
    /// file: a report in input order cannot write one file's pods before another's are read).
    var spool: ReportSpool?

    init(inputs: [String]) {
        self.inputs = inputs
    }

    init(_ parsed: ParsedArguments) {
        inputs = parsed.positionals
        platform = parsed.value("--platform")
        podTemplates = parsed.all("--pod-templates")
        project = parsed.value("--project") ?? ""
        domain = parsed.value("--domain") ?? ""
        namespace = parsed.value("--namespace")
        exclude = parsed.all("--exclude")
        strict = parsed.flags.contains("--strict")
        maxInputSize = parsed.value("--max-input-size")
        workloads = parsed.all("--workload")
    }
}
