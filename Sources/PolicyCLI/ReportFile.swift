import Foundation
import PolicyCore

/// `--output FILE` opened before the inputs are read, so `check` can write a text report as a
/// large input is evaluated (``TextSpool``). Bytes go to a temporary beside the file, renamed
/// over it once the report is complete, as ``Console/emit(to:command:_:)`` does for a report
/// written at the end; a run that stops first leaves the file as it was.
final class ReportFile: SpoolOutput {
    let path: String
    private let temporary: String
    private let descriptor: Int32

    /// `nil` when the temporary cannot be created (the report is then written at the end, where
    /// the error is said).
    init?(path: String) {
        self.path = path
        temporary = "\(path).\(getpid()).tmp"
        descriptor = open(temporary, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return nil }
    }

    func write(_ bytes: [UInt8]) -> Bool {
        Console.writeAll(bytes, to: descriptor)
    }

    var offset: Int64? {
        let position = lseek(descriptor, 0, SEEK_CUR)
        return position < 0 ? nil : Int64(position)
    }

    func truncate(to offset: Int64) -> Bool {
        ftruncate(descriptor, off_t(offset)) == 0 && lseek(descriptor, off_t(offset), SEEK_SET) >= 0
    }

    /// Closes the file and puts it in place; false when that fails.
    func finish() -> Bool {
        guard close(descriptor) == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            return false
        }
        return true
    }

    /// Closes and removes the temporary: the run stopped before its report was complete.
    func abandon() {
        close(descriptor)
        unlink(temporary)
    }
}
