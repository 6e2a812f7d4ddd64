import Foundation
import PolicyCore
import PolicyIO
import PolicyJSON

/// `flyte-policy test PATH...`: runs PolicyTest suites (docs/policy-tests.md).
enum TestCommand {
    static let options: [OptionSpec] = []

    static let help = ArgumentParser.help(
        usage: "flyte-policy test PATH...",
        summary: "Run policy test suites: each case's subjects against the expected result of each policy rule.",
        options: options,
        details: """
            PATH is a PolicyTest file or a folder searched recursively for .json files; in a folder,
            files of other kinds (the policies themselves) are passed over. A suite names the policies
            it tests and cases: an inline Kubernetes object or inputs as 'check' reads them (a
            pyflyte package with --platform and --pod-templates), and per policy rule the expected
            result: pass, fail (optionally the action, the JSON pointer, a message fragment, a count)
            or excepted. An expectation naming a rule the policies do not have fails, so a typo
            cannot pass silently.

            Prints one line per expectation and a closing line 'N passed, N failed'. Exit codes: 0 all
            passed; 1 an expectation failed; 2 a suite, its policies or a case's inputs could not be read.
            """,
        examples: ["flyte-policy test policies/", "flyte-policy test policies/tests/gpu-node-pools.test.json"])

    static func run(_ arguments: [String], _ console: Console) -> ExitCode {
        let parsed: ParsedArguments
        switch ArgumentParser.start(arguments, options: options, command: "test", help: help, console: console) {
        case .run(let arguments): parsed = arguments
        case .exit(let code): return code
        }
        guard !parsed.positionals.isEmpty else {
            console.err("flyte-policy test: name at least one PolicyTest file or folder\nRun 'flyte-policy test --help' for usage.\n")
            return .failure
        }
        let files: [InputFile]
        do { files = try InputFiles.collect(parsed.positionals, extensions: PolicyFiles.extensions) } catch {
            console.err("error: \(error)\n")
            return .failure
        }
        var tally = Tally()
        var suites = 0
        for file in files {
            // JSON or YAML, one suite or several per file.
            let document: JSONDocument
            let count: Int
            do {
                let text = try PolicyText.json(file)
                count = text.documents
                document = try JSONDocument.parse(text.bytes, source: file.name)
            } catch {
                tally.error(console, "\(error)")
                continue
            }
            let roots = count > 1 ? document.rootNode.elements : [document.rootNode]
            let suiteRoots = roots.enumerated().filter { $0.element["kind"]?.string == PolicyTestSuite.kind }
            if suiteRoots.isEmpty, parsed.positionals.contains(file.name) {
                tally.error(console, "\(file.name): /kind: expected \"\(PolicyTestSuite.kind)\"; this file is not a policy test suite")
            }
            for (index, root) in suiteRoots {
                var context = LoadContext(file: file.name)
                let suite = PolicyTestSuite.read(root, file: file.name, context: &context)
                guard let suite, context.errors.isEmpty else {
                    // Pointers of a document of several are below its index, as the YAML placing expects.
                    let errors =
                        count > 1
                        ? context.errors.map { error in
                            var error = error
                            error.pointer = JSONPointer.root.appending(index).appending(pointer: error.pointer)
                            return error
                        } : context.errors
                    for problem in PolicyText.place(errors, in: file, documents: count) { tally.error(console, "\(problem)") }
                    continue
                }
                suites += 1
                run(suite, console: console, tally: &tally)
            }
        }
        if suites == 0, tally.errors == 0 {
            console.err("flyte-policy test: no PolicyTest suite under \(parsed.positionals.joined(separator: ", "))\n")
            return .failure
        }
        console.out("\(tally.passed) passed, \(tally.failed) failed\(tally.errors > 0 ? ", \(tally.errors) could not run" : "")\n")
        if tally.errors > 0 { return .failure }
        return tally.failed > 0 ? .findings : .success
    }

    struct Tally {
        var passed = 0
        var failed = 0
        var errors = 0

        mutating func error(_ console: Console, _ message: String) {
            errors += 1
            console.err("error: \(message)\n")
        }
    }

    private static func run(_ suite: PolicyTestSuite, console: Console, tally: inout Tally) {
        let base = (suite.file as NSString).deletingLastPathComponent
        func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : (base as NSString).appendingPathComponent(path) }
        let policies: PolicySet
        do { policies = try PolicyFiles.load((suite.policies + suite.exceptions).map(resolve)) } catch {
            for problem in error.errors { tally.error(console, "\(problem)") }
            tally.error(console, "\(suite.file): the policies under test do not load; the suite did not run")
            return
        }
        let today = suite.today ?? CalendarDay(secondsSince1970: Int64(Date().timeIntervalSince1970))
        let evaluator = Evaluator(policies: policies, today: today)
        let rules = Set(policies.policies.flatMap { policy in policy.rules.map { "\(policy.name)/\($0.name)" } })

        for testCase in suite.cases {
            let label = "\(suite.name) › \(testCase.name)"
            var subjects: [Subject]
            if let object = testCase.object {
                do {
                    subjects = try ManifestReader().read(object: object, source: SubjectSource(file: suite.file)).subjects
                } catch {
                    tally.error(console, "\(label): the object cannot be read: \(error)")
                    continue
                }
            } else {
                var options = InputOptions(inputs: testCase.inputs.map(resolve))
                options.platform = testCase.platform.map(resolve)
                options.podTemplates = testCase.podTemplates.map(resolve)
                options.project = testCase.project ?? ""
                options.domain = testCase.domain ?? ""
                let loaded = InputLoading.load(options)
                guard loaded.errors.isEmpty else {
                    for error in loaded.errors { tally.error(console, "\(label): \(error)") }
                    continue
                }
                subjects = loaded.subjects
            }
            if let select = testCase.select { subjects = subjects.filter(select.matches) }
            guard !subjects.isEmpty else {
                tally.error(console, "\(label): the case describes no pod\(testCase.select == nil ? "" : " matching its 'select'")")
                continue
            }
            let findings = evaluator.report(subjects).findings
            for expectation in testCase.expectations {
                let mismatch =
                    rules.contains("\(expectation.policy)/\(expectation.rule)")
                    ? expectation.mismatch(in: findings)
                    : "the policies under test have no rule \(expectation.policy)/\(expectation.rule) (have: \(rules.sorted().joined(separator: ", ")))"
                if let mismatch {
                    tally.failed += 1
                    console.out("FAIL  \(label) › \(expectation.summary)\n      expected: \(expectation.summary)\n      actual:   \(mismatch)\n")
                } else {
                    tally.passed += 1
                    console.out("ok    \(label) › \(expectation.summary)\n")
                }
            }
        }
    }
}
