import CLinux
import Foundation
import PolicyCore

/// A temporary file without a name, where `check` spools a report that is put together at the
/// end (``ReportSpool``): JSON, SARIF, JUnit, GitHub and PolicyReport put their counts first,
/// and so does a text report that goes to a pipe. The system removes it when it is closed,
/// however the run ends.
final class SpoolFile: DescriptorSpoolOutput {
    let descriptor: Int32

    /// A file in `directory`; `nil` when none can be made there.
    init?(directory: String) {
        descriptor = clinux_open_unnamed(directory)
        guard descriptor >= 0 else { return nil }
    }

    deinit { close(descriptor) }

}

/// A ``SpoolOutput`` that is an open file: the spool's temporary, or a text report's destination.
protocol DescriptorSpoolOutput: SpoolOutput {
    var descriptor: Int32 { get }
}

extension DescriptorSpoolOutput {
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

    /// `count` bytes at `offset`, across short reads and interrupted calls.
    func read(at offset: Int64, count: Int) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        let complete = bytes.withUnsafeMutableBytes { buffer -> Bool in
            guard let base = buffer.baseAddress else { return true }
            while done < count {
                let got = pread(descriptor, base + done, count - done, off_t(offset) + off_t(done))
                if got < 0, errno == EINTR { continue }
                guard got > 0 else { return false }
                done += got
            }
            return true
        }
        return complete ? bytes : nil
    }
}
