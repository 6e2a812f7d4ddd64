import Foundation

/// Where a command writes: injectable so tests can capture output without a process.
struct Console: Sendable {
    var out: @Sendable (String) -> Void
    var err: @Sendable (String) -> Void
    var stdoutIsTerminal: Bool
    var stderrIsTerminal: Bool
    var environment: [String: String]
    /// Writes bytes to standard output as they are; `nil` sends them through `out` as text.
    /// Reports can be hundreds of megabytes, and text would copy them twice more.
    var outBytes: (@Sendable ([UInt8]) -> Void)? = nil
    /// Standard output's descriptor, when the report may be written to it directly as it is made
    /// (a large List's text report to a file, ``ReportFile``); `nil` sends everything through
    /// `out`.
    var stdoutDescriptor: Int32? = nil

    static let standard = Console(
        out: { text in FileHandle.standardOutput.write(Data(text.utf8)) },
        err: { text in FileHandle.standardError.write(Data(text.utf8)) },
        stdoutIsTerminal: isatty(STDOUT_FILENO) == 1,
        stderrIsTerminal: isatty(STDERR_FILENO) == 1,
        environment: ProcessInfo.processInfo.environment,
        outBytes: { bytes in _ = writeAll(bytes, to: STDOUT_FILENO) }, stdoutDescriptor: STDOUT_FILENO)

    /// Writes a rendered report to `--output` when given, else to standard output.
    /// - Returns: false (after saying why on stderr) when the file cannot be written.
    func emit(_ rendered: [UInt8], to output: String?, command: String) -> Bool {
        emit(to: output, command: command) { sink in sink(rendered) }
    }

    /// Writes a report that `produce` hands over in chunks (through the sink it is given) to
    /// `--output` when given, else to standard output, without holding it whole. A file is
    /// written to a temporary beside it and renamed over it, so a reader never sees half a report.
    /// - Returns: false (after saying why on stderr) when the report cannot be written.
    func emit(to output: String?, command: String, _ produce: (_ sink: ([UInt8]) -> Bool) -> Bool) -> Bool {
        guard let output else {
            let written = produce { chunk in
                if let outBytes { outBytes(chunk) } else { out(String(decoding: chunk, as: UTF8.self)) }
                return true
            }
            if !written { err("flyte-policy \(command): the report could not be written in full\n") }
            return written
        }
        if let file = ReportFile(path: output) {
            if !produce(file.write) {
                file.abandon()
            } else if file.finish() {
                return true
            }
        }
        err("flyte-policy \(command): cannot write the output to \(output)\n")
        return false
    }

    /// Writes every byte, across short writes and interrupted calls.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Bool {
        bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return true }
            var offset = 0
            while offset < buffer.count {
                let count = write(descriptor, base + offset, buffer.count - offset)
                if count < 0 {
                    if errno == EINTR { continue }
                    return false
                }
                offset += count
            }
            return true
        }
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
