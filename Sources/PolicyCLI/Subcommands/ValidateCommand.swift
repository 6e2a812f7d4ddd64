import Foundation
import PolicyCore
import PolicyIO

/// `flyte-policy validate POLICY_PATH...`
enum ValidateCommand {
    static let options: [OptionSpec] = []

    static let help = ArgumentParser.help(
        usage: "flyte-policy validate POLICY_PATH...",
        summary: "Load and lint policies and exceptions; print every error with its file and JSON pointer.",
        options: options,
        details: "POLICY_PATH is a policy file or a folder searched recursively for .json files. Exit 0 when everything loads, 2 otherwise.",
        examples: ["flyte-policy validate policies/", "flyte-policy validate policies/gpu.json exceptions/"])

    static func run(_ arguments: [String], _ console: Console) -> ExitCode {
        let parsed: ParsedArguments
        switch ArgumentParser.start(arguments, options: options, command: "validate", help: help, console: console) {
        case .run(let arguments): parsed = arguments
        case .exit(let code): return code
        }
        guard !parsed.positionals.isEmpty else {
            console.err("flyte-policy validate: name at least one policy file or folder\nRun 'flyte-policy validate --help' for usage.\n")
            return .failure
        }
        do {
            let set = try PolicyFiles.load(parsed.positionals)
            let policies = set.policies.count == 1 ? "1 policy" : "\(set.policies.count) policies"
            let exceptions = set.exceptions.count == 1 ? "1 exception" : "\(set.exceptions.count) exceptions"
            console.out("ok: \(policies) (\(set.ruleCount) rules) and \(exceptions) loaded\n")
            let today = CalendarDay(secondsSince1970: Int64(Date().timeIntervalSince1970))
            for notice in Evaluator(policies: set, today: today).notices { console.err("warning: \(notice)\n") }
            return .success
        } catch {
            for problem in error.errors { console.err("error: \(problem)\n") }
            console.err("\(error.errors.count == 1 ? "1 error" : "\(error.errors.count) errors"); the policy set does not load\n")
            return .failure
        }
    }
}
