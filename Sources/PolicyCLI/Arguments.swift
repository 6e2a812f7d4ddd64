import PolicyCore

/// One option a subcommand accepts.
struct OptionSpec: Sendable {
    var name: String
    /// `nil` for a flag; otherwise the value's placeholder in help (`PATH`).
    var valueName: String?
    var repeatable = false
    var choices: [String]? = nil
    var help: String

    var takesValue: Bool { valueName != nil }
}

/// The arguments of one subcommand after parsing.
struct ParsedArguments: Sendable {
    var values: [String: [String]] = [:]
    var flags: Set<String> = []
    var positionals: [String] = []
    var help = false

    func value(_ name: String) -> String? { values[name]?.last }
    func all(_ name: String) -> [String] { values[name] ?? [] }
}

/// A command-line mistake; always exit 2 with a one-line reason.
struct UsageError: Error, Sendable, CustomStringConvertible {
    var message: String
    var command: String

    var description: String { "\(message)\nRun 'flyte-policy \(command) --help' for usage." }
}

/// Splits argv the way users expect: `--opt value`, `--opt=value`, `--` ends options, `-h`.
enum ArgumentParser {
    static func parse(_ arguments: [String], options: [OptionSpec], command: String) throws(UsageError) -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        var onlyPositionals = false
        while index < arguments.count {
            let token = arguments[index]
            index += 1
            if onlyPositionals || token == "-" || !token.hasPrefix("-") {
                parsed.positionals.append(token)
                continue
            }
            if token == "--" {
                onlyPositionals = true
                continue
            }
            if token == "-h" || token == "--help" {
                parsed.help = true
                continue
            }
            var name = token
            var inlineValue: String?
            if let equals = token.firstIndex(of: "=") {
                name = String(token[..<equals])
                inlineValue = String(token[token.index(after: equals)...])
            }
            guard let spec = options.first(where: { $0.name == name }) else {
                var message = "unknown option '\(name)'"
                if let guess = closest(name, options.map(\.name)) { message += " (did you mean '\(guess)'?)" }
                throw UsageError(message: message, command: command)
            }
            guard spec.takesValue else {
                if inlineValue != nil { throw UsageError(message: "'\(name)' takes no value", command: command) }
                parsed.flags.insert(name)
                continue
            }
            let value: String
            if let inlineValue {
                value = inlineValue
            } else {
                guard index < arguments.count else {
                    throw UsageError(message: "'\(name)' needs a value (\(spec.valueName ?? "VALUE"))", command: command)
                }
                value = arguments[index]
                index += 1
            }
            if let choices = spec.choices, !choices.contains(value) {
                throw UsageError(
                    message: "'\(value)' is not a valid value for \(name); use one of: \(choices.joined(separator: ", "))", command: command)
            }
            if !spec.repeatable, parsed.values[name] != nil {
                throw UsageError(message: "'\(name)' is given twice", command: command)
            }
            parsed.values[name, default: []].append(value)
        }
        return parsed
    }

    static func closest(_ word: String, _ candidates: [String]) -> String? {
        Suggest.closest(to: word, among: candidates, maxDistance: 3)
    }

    /// The help screen of a subcommand.
    static func help(usage: String, summary: String, options: [OptionSpec], details: String, examples: [String]) -> String {
        var text = "\(summary)\n\nUSAGE: \(usage)\n"
        if !details.isEmpty { text += "\n\(details)\n" }
        if !options.isEmpty {
            text += "\nOPTIONS:\n"
            let rows =
                options.map { option -> (String, String) in
                    var left = option.name + (option.valueName.map { " \($0)" } ?? "")
                    if option.repeatable { left += " ..." }
                    var right = option.help
                    if let choices = option.choices { right += " (\(choices.joined(separator: "|")))" }
                    return (left, right)
                } + [("-h, --help", "Show this help.")]
            let width = (rows.map(\.0.count).max() ?? 0) + 2
            for (left, right) in rows { text += "  " + left + String(repeating: " ", count: width - left.count) + right + "\n" }
        }
        if !examples.isEmpty {
            text += "\nEXAMPLES:\n" + examples.map { "  \($0)" }.joined(separator: "\n") + "\n"
        }
        return text
    }
}

/// What a subcommand does after its arguments were read.
enum Start {
    case run(ParsedArguments)
    case exit(ExitCode)
}

extension ArgumentParser {
    /// The preamble every subcommand shares: parse, or print the usage error (exit 2), or print
    /// the help (exit 0).
    static func start(_ arguments: [String], options: [OptionSpec], command: String, help: String, console: Console) -> Start {
        let parsed: ParsedArguments
        do { parsed = try parse(arguments, options: options, command: command) } catch {
            console.err("flyte-policy \(command): \(error)\n")
            return .exit(.failure)
        }
        if parsed.help {
            console.out(help)
            return .exit(.success)
        }
        return .run(parsed)
    }
}
