import Foundation
import PolicyIO

/// What a set of watched paths looks like on disk: every file's path, inode, size and
/// modification time, following symlinks.
///
/// Following symlinks is what catches Kubernetes volume updates: a ConfigMap or Secret volume
/// swaps its `..data` symlink to a new folder, so the files keep their names but resolve to
/// new inodes.
struct FileFingerprint: Equatable, Sendable {
    private var entries: [String]

    /// Fingerprints `paths`; a folder stands for its files with one of `extensions`.
    init(_ paths: [String], extensions: Set<String>) {
        var entries: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
                let files = (try? InputFiles.folderFiles(path, extensions: extensions)) ?? []
                entries.append("\(path)/ \(files.count)")
                for file in files { entries.append(Self.describe(file)) }
            } else {
                entries.append(Self.describe(path))
            }
        }
        self.entries = entries
    }

    private static func describe(_ path: String) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else { return "\(path) missing errno=\(errno)" }
        return "\(path) \(info.st_dev):\(info.st_ino) \(info.st_size) \(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
    }
}
