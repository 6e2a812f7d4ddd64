import CLinux
import Foundation

/// Entry point of the `flyte-policy` executable.
package enum PolicyCLIMain {
    /// A subcommand: its name, one line for the overview, and how to run it.
    struct Subcommand: Sendable {
        var name: String
        var summary: String
        var run: @Sendable ([String], Console) -> ExitCode
    }

    static let subcommands: [Subcommand] = [
        Subcommand(name: "check", summary: "Evaluate policies against every pod the inputs describe (the CI gate).", run: CheckCommand.run),
        Subcommand(name: "resolve", summary: "Print every pod a Flyte package will launch, with provenance.", run: ResolveCommand.run),
        Subcommand(name: "serve", summary: "Run the Kubernetes validating admission webhook over HTTPS.", run: ServeCommand.run),
        Subcommand(name: "test", summary: "Run policy test suites; print 'N passed, N failed'.", run: TestCommand.run),
        Subcommand(name: "validate", summary: "Load and lint policies and exceptions; print every error.", run: ValidateCommand.run),
        Subcommand(name: "version", summary: "Print the version and the libraries it was built with.", run: VersionCommand.run),
    ]

    static let overview = """
        flyte-policy: policy and validation engine for Flyte on Kubernetes.

        Checks every pod a workflow will really launch, after with_overrides(pod_template=...),
        against declarative JSON policies: GPU node pools, required and forbidden tolerations,
        CPU / memory / GPU caps, approved images.

        USAGE: flyte-policy <subcommand> [options]

        SUBCOMMANDS:
        \(subcommands.map { "  " + $0.name.padding(toLength: 10, withPad: " ", startingAt: 0) + $0.summary }.joined(separator: "\n"))

        EXIT CODES: 0 nothing reached --fail-on, 1 findings reached it, 2 could not run faithfully.

        EXAMPLES:
          flyte-policy check flyte-package.tgz --policies policies/ --platform propeller.yaml
          flyte-policy resolve flyte-package.tgz --pod-templates cluster/
          flyte-policy validate policies/
          flyte-policy check --help

        """

    /// Runs with the process arguments and exits.
    package static func run() -> Never {
        signal(SIGPIPE, SIG_IGN)
        #if DEBUG
        // Release builds allocate with jemalloc (Package.swift), and a static one cannot link
        // glibc's `mallopt` beside it. Debug builds keep glibc's allocator, which raises its
        // mmap threshold each time a large buffer is freed, after which large buffers come
        // from the heap and leave holes there; fixing it at 128 KiB keeps their memory figures
        // comparable (the 20,000-pod List's peak: 166 -> 148 MiB, docs/benchmarks.md).
        _ = mallopt(M_MMAP_THRESHOLD, 128 * 1024)
        #endif
        let code = run(Array(CommandLine.arguments.dropFirst()), console: .standard)
        exit(code.rawValue)
    }

    static func run(_ arguments: [String], console: Console) -> ExitCode {
        guard let first = arguments.first else {
            console.err(overview)
            return .failure
        }
        if first == "-h" || first == "--help" || first == "help" {
            if arguments.count > 1, let sub = subcommands.first(where: { $0.name == arguments[1] }) {
                return sub.run(["--help"], console)
            }
            console.out(overview)
            return .success
        }
        if first == "--version" { return VersionCommand.run([], console) }
        guard let subcommand = subcommands.first(where: { $0.name == first }) else {
            var message = "flyte-policy: unknown subcommand '\(first)'"
            if let guess = ArgumentParser.closest(first, subcommands.map(\.name)) { message += " (did you mean '\(guess)'?)" }
            console.err(message + "\nRun 'flyte-policy --help' for the list of subcommands.\n")
            return .failure
        }
        return subcommand.run(Array(arguments.dropFirst()), console)
    }
}
