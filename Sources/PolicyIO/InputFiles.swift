import Foundation
import PolicyCore

#if canImport(Glibc)
import Glibc
#endif

/// One file's bytes and the name used for it in messages and reports.
package struct InputFile: Sendable {
    package var name: String
    package var bytes: InputBytes
    /// Found by walking a folder rather than named: a file that is not a manifest is then
    /// skipped with a notice instead of failing the run.
    package var fromFolder = false

    package init(name: String, bytes: [UInt8]) {
        self.init(name: name, bytes: InputBytes(bytes))
    }

    package init(name: String, bytes: InputBytes) {
        self.name = name
        self.bytes = bytes
    }

    /// JSON text starts with `{` or `[` after white space; anything else is read as YAML.
    var looksLikeJSON: Bool {
        let first = bytes.withUnsafeBufferPointer { $0.first { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) } }
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
    }
}

/// Expands command-line paths into files: folders recursively (sorted, so runs are
/// deterministic), `-` for standard input. What a folder walk leaves out is said, never dropped
/// quietly: hidden entries are listed in `notices`; symbolic links to folders are followed once.
package enum InputFiles {
    /// Extensions picked up when walking a folder; a file named explicitly is read whatever its name.
    package static let folderExtensions: Set<String> = ["json", "yaml", "yml", "pb", "tgz", "gz", "tar"]

    /// The largest input read by default (`--max-input-size`): 1 GiB. A bound keeps a mistaken
    /// input (`/dev/zero`, a disk image) from growing memory until the machine gives out.
    package static let defaultMaxBytes = 1 << 30

    package static func collect(
        _ paths: [String], extensions: Set<String> = folderExtensions, maxBytes: Int = defaultMaxBytes,
        readStdin: (() throws(InputError) -> [UInt8])? = nil
    ) throws(InputError) -> [InputFile] {
        var notices: [String] = []
        return try collect(paths, extensions: extensions, maxBytes: maxBytes, notices: &notices, readStdin: readStdin)
    }

    /// - Parameter notices: receives what a folder walk skipped (hidden folders and files).
    /// - Parameter exclude: globs over a walked file's path below its folder (`charts/*`,
    ///   `*/values.yaml`) or its name (`kustomization.yaml`); named files are always read.
    /// - Parameter mapsLargeFiles: map regular files of ``mappedBytes`` or more instead of
    ///   reading them (``InputBytes``). Only for a process that stops with a message on
    ///   `SIGBUS` (`flyte-policy`'s commands): a mapped file truncated while it is read raises
    ///   it. The webhook never maps what it reads.
    package static func collect(
        _ paths: [String], extensions: Set<String> = folderExtensions, maxBytes: Int = defaultMaxBytes, exclude: [Glob] = [],
        mapsLargeFiles: Bool = false, notices: inout [String], readStdin: (() throws(InputError) -> [UInt8])? = nil
    ) throws(InputError) -> [InputFile] {
        let mappedFrom = mapsLargeFiles ? mappedBytes : Int.max
        var files: [InputFile] = []
        for path in paths {
            if path == "-" {
                let bytes: [UInt8]
                if let readStdin { bytes = try readStdin() } else { bytes = try readStandardInput(maxBytes: maxBytes) }
                guard bytes.contains(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }) else {
                    throw .unreadable(
                        path: "<stdin>",
                        reason: "standard input is empty; the command that should have produced it may have failed, so nothing was checked")
                }
                files.append(InputFile(name: "<stdin>", bytes: bytes))
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .notFound(path: path) }
            if isDirectory.boolValue {
                let walk = try folderWalk(path, extensions: extensions)
                notices += walk.notices
                guard !walk.files.isEmpty else { throw .empty(path: path) }
                for file in walk.files where !excluded(file, in: path, by: exclude) {
                    var input = InputFile(name: file, bytes: try load(file, maxBytes: maxBytes, mappedFrom: mappedFrom))
                    input.fromFolder = true
                    files.append(input)
                }
            } else {
                files.append(InputFile(name: path, bytes: try load(path, maxBytes: maxBytes, mappedFrom: mappedFrom)))
            }
        }
        return files
    }

    /// Whether `--exclude` leaves out `file`, found below `folder`.
    static func excluded(_ file: String, in folder: String, by globs: [Glob]) -> Bool {
        guard !globs.isEmpty else { return false }
        let base = folder.hasSuffix("/") ? folder : folder + "/"
        let relative = file.hasPrefix(base) ? String(file.dropFirst(base.count)) : file
        let name = (file as NSString).lastPathComponent
        return globs.contains { $0.matches(relative) || $0.matches(name) || $0.matchesPathOrParent(relative) }
    }

    /// The files of a folder tree with one of `extensions`, sorted.
    package static func folderFiles(_ folder: String, extensions: Set<String>) throws(InputError) -> [String] {
        try folderWalk(folder, extensions: extensions).files
    }

    /// A folder tree's files with one of `extensions`, sorted, and a notice for what was left
    /// out: hidden folders and files (`.git`, `.chainsaw-test/`), links that lead back into the
    /// tree, entries that cannot be listed.
    package static func folderWalk(_ folder: String, extensions: Set<String>) throws(InputError) -> (files: [String], notices: [String]) {
        let base = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
        let manager = FileManager.default
        var files: [String] = []
        var hidden: [String] = []
        var loops: [String] = []
        var unlisted: [String] = []
        var visited = Set<String>()
        var pending = [base]
        while let directory = pending.popLast() {
            // Symbolic links to folders are followed; the resolved path stops a loop.
            let resolved = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
            guard visited.insert(resolved).inserted else {
                loops.append(directory)
                continue
            }
            guard let names = try? manager.contentsOfDirectory(atPath: directory) else {
                // The folder named is an error; one found inside it is a notice.
                if directory == base { throw .unreadable(path: folder, reason: "the folder cannot be listed") }
                unlisted.append(directory)
                continue
            }
            for name in names.sorted() {
                let full = "\(directory)/\(name)"
                var isDirectory: ObjCBool = false
                guard manager.fileExists(atPath: full, isDirectory: &isDirectory) else { continue }
                if name.hasPrefix(".") {
                    if isDirectory.boolValue || extensions.contains((name as NSString).pathExtension.lowercased()) { hidden.append(full) }
                    continue
                }
                if isDirectory.boolValue {
                    pending.append(full)
                } else if extensions.contains((name as NSString).pathExtension.lowercased()) {
                    files.append(full)
                }
            }
        }
        var notices: [String] = []
        if !hidden.isEmpty {
            notices.append(
                "\(folder): skipped \(hidden.count) hidden \(hidden.count == 1 ? "entry" : "entries") (\(Self.list(hidden.sorted()))); name \(hidden.count == 1 ? "it" : "them") on the command line to check \(hidden.count == 1 ? "it" : "them")"
            )
        }
        if !loops.isEmpty {
            notices.append(
                "\(folder): \(Self.list(loops.sorted())) \(loops.count == 1 ? "leads" : "lead") back to a folder already read (a symbolic link loop); read once"
            )
        }
        if !unlisted.isEmpty {
            notices.append(
                "\(folder): \(Self.list(unlisted.sorted())) cannot be listed (permission denied?); nothing in \(unlisted.count == 1 ? "it" : "them") was checked"
            )
        }
        return (files.sorted(), notices)
    }

    /// The first few of `items`, and how many more.
    static func list(_ items: [String]) -> String {
        items.count <= 5 ? items.joined(separator: ", ") : items.prefix(5).joined(separator: ", ") + " and \(items.count - 5) more"
    }

    /// Regular files from this size on are mapped rather than read (``InputBytes``): the size
    /// from which an input takes the chunked path (``ListPipeline``), which gives pages back.
    static let mappedBytes = ListPipeline.minimumBytes

    /// A file's bytes: mapped when it is a regular file of `mappedFrom` bytes or more, read
    /// otherwise (see `collect`'s `mapsLargeFiles` for who may map).
    package static func load(_ path: String, maxBytes: Int = defaultMaxBytes, mappedFrom: Int = Int.max) throws(InputError) -> InputBytes {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)).lowercased())
        }
        // The mapping holds its own reference to the file: the descriptor can go.
        defer { close(descriptor) }
        var status = stat()
        if fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG, Int(status.st_size) >= mappedFrom {
            guard Int(status.st_size) <= maxBytes else { throw .tooLarge(path: path, limit: maxBytes) }
            if let mapping = MappedFile(descriptor: descriptor, count: Int(status.st_size)) { return InputBytes(mapping: mapping) }
        }
        return InputBytes(try readAll(descriptor, name: path, maxBytes: maxBytes))
    }

    /// A file's bytes, read into memory (``load(_:maxBytes:mappedFrom:)`` never maps unless asked).
    package static func read(_ path: String, maxBytes: Int = defaultMaxBytes) throws(InputError) -> [UInt8] {
        try load(path, maxBytes: maxBytes).array
    }

    /// Standard input, to its end. A closed descriptor is an error, not a crash.
    package static func readStandardInput(maxBytes: Int = defaultMaxBytes) throws(InputError) -> [UInt8] {
        try readAll(STDIN_FILENO, name: "<stdin>", maxBytes: maxBytes)
    }

    /// Reads `descriptor` to its end in one buffer, sized up front for a regular file; past
    /// `maxBytes` it stops with an error naming the bound.
    static func readAll(_ descriptor: Int32, name: String, maxBytes: Int) throws(InputError) -> [UInt8] {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = errno == EBADF ? "it is closed" : String(cString: strerror(errno)).lowercased()
            throw .unreadable(path: name, reason: reason)
        }
        if (status.st_mode & S_IFMT) == S_IFDIR { throw .unreadable(path: name, reason: "it is a folder") }
        let tooLarge = InputError.tooLarge(path: name, limit: maxBytes)
        let expected = (status.st_mode & S_IFMT) == S_IFREG ? Int(status.st_size) : 0
        if expected > maxBytes { throw tooLarge }
        var bytes = [UInt8](repeating: 0, count: max(expected + 1, 64 * 1024))
        var count = 0
        while true {
            if count == bytes.count {
                // Doubling, but never past one byte over the bound (which is how the bound is seen).
                bytes.append(contentsOf: repeatElement(0, count: max(1, min(bytes.count, maxBytes + 1 - count))))
            }
            let got = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(descriptor, buffer.baseAddress.map { $0 + count }, buffer.count - count)
            }
            if got < 0 {
                if errno == EINTR { continue }
                let reason = errno == EBADF ? "it is closed" : String(cString: strerror(errno)).lowercased()
                throw .unreadable(path: name, reason: reason)
            }
            if got == 0 { break }
            count += got
            if count > maxBytes { throw tooLarge }
        }
        bytes.removeSubrange(count...)
        return bytes
    }
}
