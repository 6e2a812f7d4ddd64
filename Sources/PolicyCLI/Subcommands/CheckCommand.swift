import Foundation
import PolicyCore
import PolicyIO
import PolicyJSON

/// `flyte-policy check [INPUT...] --policies PATH...`
enum CheckCommand {
    static let options: [OptionSpec] =
        [
            OptionSpec(name: "--policies", valueName: "PATH", repeatable: true, help: "Policy file or folder (repeatable; required)."),
            OptionSpec(name: "--exceptions", valueName: "PATH", repeatable: true, help: "PolicyException file or folder (repeatable)."),
            OptionSpec(
                name: "--format", valueName: "FORMAT", choices: ReportFormat.allCases.map(\.rawValue),
                help:
                    "Report format; default text. sarif for code scanning, junit for CI test views, github for PR annotations, policyreport for wgpolicyk8s.io dashboards."
            ),
            OptionSpec(name: "--output", valueName: "FILE", help: "Write the report to FILE instead of standard output."),
            OptionSpec(
                name: "--fail-on", valueName: "LEVEL", choices: ["deny", "warn", "never"], help: "Exit 1 when a finding reaches LEVEL; default deny."),
            OptionSpec(
                name: "--baseline", valueName: "FILE",
                help: "Findings recorded in FILE are reported but do not fail; recorded ones no longer found are listed as fixed."),
            OptionSpec(name: "--write-baseline", valueName: "FILE", help: "Record the current failing findings in FILE (for --baseline) and exit 0."),
            OptionSpec(
                name: "--source", valueName: "DIR",
                help:
                    "The project's Python source: Flyte findings are placed on the @task or .with_overrides(...) line that set the value (SARIF, GitHub, text, JSON)."
            ),
            OptionSpec(name: "--quiet", valueName: nil, help: "Print only failing findings and the summary."),
            OptionSpec(
                name: "--jobs", valueName: "N",
                help: "Read files and evaluate pods on N threads (default: the machine's cores); the report is the same for every N."),
            OptionSpec(
                name: "--color", valueName: "WHEN", choices: ["auto", "always", "never"],
                help: "Colour the text report; default auto (a terminal, NO_COLOR unset)."),
        ] + InputLoading.options

    static let help = ArgumentParser.help(
        usage: "flyte-policy check [INPUT...] --policies PATH... [options]",
        summary: "Evaluate policies against every pod the inputs describe: the pre-merge CI gate.",
        options: options,
        details: """
            INPUT is a file, a folder (searched recursively for .json, .yaml, .yml, .pb and .tgz) or -
            for standard input, detected by content:
              - a pyflyte package archive (.tgz) or its .pb files: every node of every workflow is
                resolved into the pod flytepropeller would create (task pod template, node
                overrides, platform configuration, cluster PodTemplates) and checked;
              - flyteidl entities as protobuf JSON (TaskSpec, WorkflowSpec, WorkflowClosure,
                LaunchPlan, flytectl get ... -o json);
              - Kubernetes manifests in JSON or YAML, many documents per file (Pod, PodTemplate,
                Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob, List),
                AdmissionReview objects, and the pods inside custom resources by API group
                (Kubeflow PyTorchJob/TFJob/MPIJob/Notebook, Ray RayCluster/RayJob/RayService,
                SparkApplication, Argo Rollout/Workflow/CronWorkflow, Knative Service, Volcano
                Job, OpenShift DeploymentConfig; --workload adds more).
            A .yaml, .yml or .json name is read as text and a .pb name as protobuf; other
            names and standard input by content. In a folder walk, hidden entries and files
            that are not Kubernetes manifests (app configs, Helm values and templates) are
            listed as skipped, never dropped silently (--strict makes them errors).

            A JSON List or multi-document YAML stream of 4 MiB or more (a whole cluster's pods) is
            read, checked and located in chunks on --jobs threads, holding only the chunks in
            flight. A text report to --output, or to standard output redirected to a file, is
            written as the chunks are checked, so the run's memory does not grow with the
            findings (a 1 GB List: the file and about 100 MB). FLYTE_POLICY_TIMINGS=1 prints how long each phase took to stderr.

            Exit codes: 0 nothing reached --fail-on; 1 a finding reached it; 2 an input or the policy
            set could not be read (nothing is skipped silently).
            """,
        examples: [
            "flyte-policy check examples/ --policies policies/ --pod-templates examples/cluster/",
            "pyflyte --pkgs wf package -o flyte-package.tgz && flyte-policy check flyte-package.tgz --policies policies/ --platform propeller.yaml --project ml --domain production",
            "kubectl get pods -n ml-production -o json | flyte-policy check - --policies policies/",
            "kubectl get pods -A -o json > pods.json && flyte-policy check pods.json --policies policies/ > report.txt",
            "flyte-policy check deploy/ --policies policies/ --exceptions waivers/ --format json --output report.json",
            "flyte-policy check manifests/ --policies policies/ --fail-on warn",
            "flyte-policy check flyte-package.tgz --policies policies/ --format sarif --output flyte-policy.sarif",
            "flyte-policy check flyte-package.tgz --policies policies/ --write-baseline .flyte-policy-baseline.json",
            "flyte-policy check flyte-package.tgz --policies policies/ --baseline .flyte-policy-baseline.json --format github",
            "flyte-policy check flyte-package.tgz --policies policies/ --source src/ --format sarif --output flyte-policy.sarif",
        ])

    /// Evaluates the loaded subjects, places findings on their lines, and adds what the run
    /// did not check as notices.
    static func evaluate(_ loaded: inout LoadedInputs, evaluator: Evaluator, jobs: Int, timer: inout PhaseTimer) -> Report {
        // Moved out, so the evaluator holds the only copy and frees each parsed pod as it goes.
        // Reversed, so popping from the end moves them out in input order.
        var pending = loaded.subjects
        loaded.subjects = []
        pending.reverse()
        let evaluated = loaded.evaluated
        loaded.evaluated = []
        var builder = ReportBuilder(evaluator: evaluator)
        // Subjects read whole and parts evaluated as they were read, in input order.
        var added = 0
        for (before, part) in evaluated {
            var batch: [Subject] = []
            while added < before, let subject = pending.popLast() {
                batch.append(subject)
                added += 1
            }
            builder.add(consume batch, jobs: jobs)
            builder.append(part)
        }
        pending.reverse()
        builder.add(consume pending, jobs: jobs)
        var report = builder.finish()
        report.spooled = loaded.spooled
        timer.lap("evaluation")
        let standardInput = loaded.standardInput
        FindingLocator.locate(&report, skipping: loaded.locatedFiles) { name in name == "<stdin>" ? standardInput : try? InputFiles.read(name) }
        timer.lap("finding positions")
        report.notices += loaded.notices
        report.skippedInputs = loaded.skippedInputs
        if !loaded.skippedInputs.isEmpty {
            let count = loaded.skippedInputs.count
            let shown = loaded.skippedInputs.prefix(5).map { "\($0.file): \($0.reason)" }.joined(separator: "; ")
            report.notices.append(
                "skipped \(count) file\(count == 1 ? "" : "s") of a folder walk that \(count == 1 ? "is" : "are") not Kubernetes manifests (\(shown)\(count > 5 ? "; and \(count - 5) more" : "")); --strict makes them errors, --exclude leaves them out"
            )
        }
        let skipped = loaded.skippedKinds
        if !skipped.isEmpty {
            let kinds = Set(skipped).sorted().joined(separator: ", ")
            report.notices.append("\(skipped.count) document\(skipped.count == 1 ? "" : "s") without a pod template not checked (\(kinds))")
        }
        if report.subjects.isEmpty, report.spooled.subjects == 0, loaded.errors.isEmpty {
            report.notices.append("the inputs describe no pod, so nothing was checked")
        }
        return report
    }

    /// The time of the run: `SOURCE_DATE_EPOCH` when set (the reproducible-builds convention,
    /// so reports can be compared byte for byte), else the clock.
    static var now: Int64 {
        ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap { Int64($0) } ?? Int64(Date().timeIntervalSince1970)
    }

    static func run(_ arguments: [String], _ console: Console) -> ExitCode {
        let parsed: ParsedArguments
        switch ArgumentParser.start(arguments, options: options, command: "check", help: help, console: console) {
        case .run(let arguments): parsed = arguments
        case .exit(let code): return code
        }
        let policyPaths = parsed.all("--policies")
        guard !policyPaths.isEmpty else {
            console.err("flyte-policy check: --policies is required (a policy file or folder)\nRun 'flyte-policy check --help' for usage.\n")
            return .failure
        }
        guard !parsed.positionals.isEmpty else {
            console.err(
                "flyte-policy check: name at least one input (a file, a folder, or - for standard input)\nRun 'flyte-policy check --help' for usage.\n"
            )
            return .failure
        }

        var timer = PhaseTimer(console)
        let policies: PolicySet
        do { policies = try PolicyFiles.load(policyPaths + parsed.all("--exceptions")) } catch {
            for problem in error.errors { console.err("error: \(problem)\n") }
            console.err("flyte-policy check: the policy set does not load; nothing was checked\n")
            return .failure
        }

        guard let jobs = Self.jobs(parsed, console) else { return .failure }
        var inputOptions = InputOptions(parsed)
        inputOptions.jobs = jobs
        let now = Self.now
        let evaluator = Evaluator(policies: policies, today: CalendarDay(secondsSince1970: now))
        inputOptions.evaluator = evaluator
        let failOn = FailLevel(rawValue: parsed.value("--fail-on") ?? "deny") ?? .deny
        var context = ReportContext(policies: policies, failOn: failOn, toolVersion: VersionCommand.version, timestamp: now)
        context.jobs = jobs
        context.textStyle = textStyle(parsed, console)
        let spooling = Spooling(parsed, context: context, console)
        inputOptions.spool = spooling?.spool
        var loaded = InputLoading.load(inputOptions) { console.progress($0) }
        loaded.spooled = spooling?.spool.summary ?? Report.Summary()
        console.progress("")  // the progress line, if any, is cleared before the report
        for warning in loaded.warnings { console.err("warning: \(warning)\n") }
        if loaded.fatal {
            spooling?.abandon()
            for error in loaded.errors { console.err("error: \(error)\n") }
            console.err("flyte-policy check: the platform configuration, the PodTemplates or an option cannot be used; nothing was checked\n")
            return .failure
        }
        timer.lap("policies and inputs")
        let inputErrors = loaded.errors
        /// Says which inputs could not be read; the run then exits 2 whatever it found.
        func incomplete(_ what: String) -> Bool {
            guard !inputErrors.isEmpty else { return false }
            for error in inputErrors { console.err("error: \(error)\n") }
            console.err(
                "flyte-policy check: \(inputErrors.count) input\(inputErrors.count == 1 ? "" : "s") could not be read; \(what) is incomplete (exit 2)\n"
            )
            return true
        }
        var report = Self.evaluate(&loaded, evaluator: evaluator, jobs: jobs, timer: &timer)
        if let folder = parsed.value("--source"), !placeOnSources(&report, folder: folder, inputOptions, console) { return .failure }
        if let file = parsed.value("--baseline"), !apply(baseline: file, to: &report, console) { return .failure }
        if let file = parsed.value("--write-baseline") {
            let baseline = Baseline(report: report)
            guard console.emit(baseline.rendered(), to: file, command: "check") else { return .failure }
            console.err(
                "flyte-policy check: recorded \(baseline.entries.count) finding\(baseline.entries.count == 1 ? "" : "s") in \(file); check with --baseline \(file) fails only on new ones\n"
            )
            return incomplete("the baseline") ? .failure : .success
        }

        // A spool that failed has dropped the subjects of its parts: its run must not look whole.
        if let spooling, spooling.spool.summary.subjects > 0 || spooling.spool.failed {
            guard spooling.finish(report, parsed, console) else { return .failure }
        } else {
            // Nothing was read in parts: the report is written whole, as when nothing is spooled.
            spooling?.abandon()
            guard emit(report, context: context, parsed, console) else { return .failure }
        }
        timer.lap("report")
        if incomplete("the result") { return .failure }
        if report.usedBaseline { describeBaseline(report, console) }
        return report.fails(at: failOn) ? .findings : .success
    }

    /// Writes the report in the chosen format, to `--output` or standard output.
    static func emit(_ report: Report, context: ReportContext, _ parsed: ParsedArguments, _ console: Console) -> Bool {
        // Every format is written as it is made: JSON and JUnit reports can be hundreds of megabytes.
        console.emit(to: parsed.value("--output"), command: "check", { format(parsed).render(report, context: context, to: $0) })
    }

    /// `--format`, text by default (the argument parser admits only the formats' names).
    static func format(_ parsed: ParsedArguments) -> ReportFormat {
        ReportFormat(rawValue: parsed.value("--format") ?? "text") ?? .text
    }

    /// `--jobs`, else the machine's cores; `nil` (after saying why) when it is not a number of threads.
    static func jobs(_ parsed: ParsedArguments, _ console: Console) -> Int? {
        guard let text = parsed.value("--jobs") else { return ProcessInfo.processInfo.activeProcessorCount }
        guard let value = Int(text), value >= 1, value <= 1024 else {
            console.err("flyte-policy check: --jobs takes a number of threads from 1 to 1024, not '\(text)'\n")
            return nil
        }
        return value
    }

    /// `--source`: puts Flyte findings on the lines of the project's Python; false (after
    /// saying why) when the folder or the configuration it needs cannot be read.
    static func placeOnSources(_ report: inout Report, folder: String, _ inputOptions: InputOptions, _ console: Console) -> Bool {
        do {
            let placer = SourcePlacer(
                sources: try PythonSources.read(folder: folder),
                platform: try inputOptions.platform.map { path throws(InputError) in InputFile(name: path, bytes: try InputFiles.read(path)) },
                podTemplates: try InputFiles.collect(inputOptions.podTemplates, extensions: ["json", "yaml", "yml"], notices: &report.notices))
            report.notices += placer.place(&report)
            return true
        } catch {
            console.err("error: \(error)\nflyte-policy check: --source cannot be read; nothing was decided\n")
            return false
        }
    }

    /// `--baseline FILE`: marks the findings it records; false (after saying why) when it
    /// cannot be read or used.
    static func apply(baseline file: String, to report: inout Report, _ console: Console) -> Bool {
        guard let bytes = FileManager.default.contents(atPath: file) else {
            console.err("flyte-policy check: cannot read the baseline \(file); write one with --write-baseline\n")
            return false
        }
        do { report.apply(try Baseline.parse([UInt8](bytes), source: file)) } catch {
            console.err("error: \(error)\nflyte-policy check: the baseline cannot be used; nothing was decided\n")
            return false
        }
        return true
    }

    /// The report of a large input written as it is checked, when nothing needs the whole run
    /// first (a baseline, `--source`): the run's memory then does not grow with the findings.
    /// A text report to `--output`, or to standard output redirected to a file, is written there
    /// as it goes; the other formats (and text to a pipe) are spooled to a temporary file beside
    /// `--output` (else in `TMPDIR`) and put together at the end, since their counts come first.
    struct Spooling {
        let spool: ReportSpool
        /// The text report's destination, written in place; `nil` for a temporary.
        private let file: ReportFile?
        private let context: ReportContext
        /// The set the run is checked against, which the spooled formats lay out their rules by.
        private let policies: PolicySet

        /// `nil` when the report needs the whole run, or no temporary file can be made (the
        /// report is then written whole at the end).
        init?(_ parsed: ParsedArguments, context: ReportContext, _ console: Console) {
            guard ["--baseline", "--write-baseline", "--source"].allSatisfy({ parsed.value($0) == nil }), let policies = context.policies else {
                return nil
            }
            self.policies = policies
            let format = CheckCommand.format(parsed)
            let output = parsed.value("--output")
            self.context = context
            if format == .text, let file = output.map(ReportFile.init(path:)) ?? console.stdoutDescriptor.flatMap(ReportFile.init(standardOutput:)) {
                self.file = file
                spool = ReportSpool(format: format, context: context, output: file, inPlace: true)
                return
            }
            let directory = output.map { ($0 as NSString).deletingLastPathComponent } ?? console.environment["TMPDIR"] ?? "/tmp"
            guard let temporary = SpoolFile(directory: directory.isEmpty ? "." : directory) else { return nil }
            file = nil
            spool = ReportSpool(format: format, context: context, output: temporary, inPlace: false)
        }

        /// Writes the report from what was spooled and what `report` holds besides, and puts
        /// it in place; false (after saying why) when it cannot be written.
        func finish(_ report: Report, _ parsed: ParsedArguments, _ console: Console) -> Bool {
            var report = report
            if !report.subjects.isEmpty, !spool.inPlace {
                // Subjects not read in parts go after those that were, as the text report puts them.
                var part = ReportPart(outcomes: (report.ruleOutcomes ?? RuleOutcomes(policies: policies)).rows(from: report.spooled.subjects))
                part.subjects = report.subjects
                part.findings = report.findings
                _ = spool.take(part)
                (report.subjects, report.findings, report.spooled) = ([], [], spool.summary)
            }
            let spooled = spool.spooled
            let assemble = { (sink: ([UInt8]) -> Bool) in
                !spool.failed && spool.format.spooled.assemble(report, spooled: spooled, context: context, to: sink)
            }
            if let file {
                guard assemble(file.write), file.finish() else {
                    file.abandon()
                    console.err("flyte-policy check: cannot write the report to \(file.name)\n")
                    return false
                }
                return true
            }
            guard !spool.failed else {
                console.err(
                    "flyte-policy check: the report could not be written to its temporary file as the List was checked (beside --output, else in TMPDIR; is the disk full?); nothing was decided\n"
                )
                return false
            }
            return console.emit(to: parsed.value("--output"), command: "check", assemble)
        }

        /// Leaves a text report's destination as it was (the temporary goes with the spool).
        func abandon() {
            file?.abandon()
        }
    }

    /// `--color` (`auto`: on a terminal that takes it, never in a file) and `--quiet`.
    static func textStyle(_ parsed: ParsedArguments, _ console: Console) -> TextReport.Style {
        let color: Bool
        switch parsed.value("--color") ?? "auto" {
        case "always": color = true
        case "never": color = false
        default:
            color =
                parsed.value("--output") == nil && console.stdoutIsTerminal && console.environment["NO_COLOR"] == nil
                && console.environment["TERM"] != "dumb"
        }
        return TextReport.Style(color: color, quiet: parsed.flags.contains("--quiet"))
    }

    /// What the baseline made of the run: new findings, known ones, and what was fixed.
    static func describeBaseline(_ report: Report, _ console: Console) {
        let summary = report.summary
        console.err(
            "flyte-policy check: \(summary.findings - summary.baselined) new finding\(summary.findings - summary.baselined == 1 ? "" : "s"), \(summary.baselined) in the baseline, \(report.fixed.count) fixed since it was written\n"
        )
        for entry in report.fixed.prefix(20) { console.err("  fixed: \(entry.policy)/\(entry.rule) \(entry.subject) at \(entry.path)\n") }
        if report.fixed.count > 20 {
            console.err("  ... and \(report.fixed.count - 20) more; regenerate the baseline with --write-baseline to drop them\n")
        }
    }
}
