import Foundation
import PolicyCore

/// Where `check` writes a text report as a large input is evaluated (``ReportSpool``), opened
/// before the inputs are read: `--output FILE`, or standard output when it is a file
/// (`check ... > report.txt`). Either can be truncated back, which the spool needs when a
/// large input has to be read again whole.
///
/// `--output` is written to a temporary beside the file and renamed over it once the report is
/// complete (``Console/emit(to:command:_:)`` writes every `--output` this way): a run that stops
/// first leaves the file as it was. Standard output is written in place, and a run that
/// stops first takes back what it wrote.
final class ReportFile: DescriptorSpoolOutput {
    /// What messages call the destination.
    let name: String
    let descriptor: Int32
    /// The temporary renamed over `--output`; `nil` for standard output.
    private let temporary: (path: String, destination: String)?
    /// Where standard output stood when the run began.
    private let start: Int64

    /// `--output FILE`; `nil` when the temporary cannot be created (the report is then written
    /// at the end, where the error is said).
    init?(path: String) {
        name = path
        let temporaryPath = "\(path).\(getpid()).tmp"
        descriptor = open(temporaryPath, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return nil }
        temporary = (temporaryPath, path)
        start = 0
    }

    /// Standard output, when it is a regular file opened to be written from where it stands (a
    /// terminal or a pipe cannot take back what was written, and a file opened to append, `>>`,
    /// writes at its end whatever the offset says); `nil` otherwise.
    init?(standardOutput descriptor: Int32) {
        var status = stat()
        guard fstat(descriptor, &status) == 0, status.st_mode & S_IFMT == S_IFREG else { return nil }
        let flags = fcntl(descriptor, F_GETFL)
        guard flags >= 0, flags & O_APPEND == 0 else { return nil }
        let position = lseek(descriptor, 0, SEEK_CUR)
        guard position >= 0 else { return nil }
        name = "standard output"
        self.descriptor = descriptor
        temporary = nil
        start = Int64(position)
    }

    /// Closes `--output` and puts it in place; false when that fails.
    func finish() -> Bool {
        guard let temporary else { return true }
        guard close(descriptor) == 0, rename(temporary.path, temporary.destination) == 0 else {
            unlink(temporary.path)
            return false
        }
        return true
    }

    /// The run stopped before its report was complete: removes the temporary, or takes back
    /// what was written to standard output.
    func abandon() {
        guard let temporary else {
            _ = truncate(to: start)
            return
        }
        close(descriptor)
        unlink(temporary.path)
    }
}
