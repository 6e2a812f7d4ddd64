import Foundation

/// Where a command writes: injectable so tests can capture output without a process.
struct Console: Sendable {
    var out: @Sendable (String) -> Void
    var err: @Sendable (String) -> Void
    var stdoutIsTerminal: Bool
    var stderrIsTerminal: Bool
    var environment: [String: String]

    static let standard = Console(
        out: { text in FileHandle.standardOutput.write(Data(text.utf8)) },
        err: { text in FileHandle.standardError.write(Data(text.utf8)) },
        stdoutIsTerminal: isatty(STDOUT_FILENO) == 1,
        stderrIsTerminal: isatty(STDERR_FILENO) == 1,
        environment: ProcessInfo.processInfo.environment)

    /// Writes a rendered report to `--output` when given, else to standard output.
    /// - Returns: false (after saying why on stderr) when the file cannot be written.
    func emit(_ rendered: [UInt8], to output: String?, command: String) -> Bool {
        guard let output else {
            out(String(decoding: rendered, as: UTF8.self))
            return true
        }
        guard FileManager.default.createFile(atPath: output, contents: Data(rendered)) else {
            err("flyte-policy \(command): cannot write the output to \(output)\n")
            return false
        }
        return true
    }

    /// A transient progress line on a terminal's stderr; nothing when stderr is a file or pipe.
    func progress(_ text: String) {
        guard stderrIsTerminal else { return }
        err("\u{1B}[2K\r\(text)\r")
    }
}

/// Process exit statuses (cli.md): 0 clean, 1 findings at the fail level, 2 could not run faithfully.
struct ExitCode: Equatable, Sendable {
    var rawValue: Int32

    static let success = ExitCode(rawValue: 0)
    static let findings = ExitCode(rawValue: 1)
    static let failure = ExitCode(rawValue: 2)
}
