import Foundation

/// One file's bytes and the name used for it in messages and reports.
public struct InputFile: Sendable {
    public var name: String
    public var bytes: [UInt8]

    public init(name: String, bytes: [UInt8]) {
        self.name = name
        self.bytes = bytes
    }

    /// JSON text starts with `{` or `[` after white space; anything else is read as YAML.
    var looksLikeJSON: Bool {
        let first = bytes.first { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D) }
        return first == UInt8(ascii: "{") || first == UInt8(ascii: "[")
    }
}

/// Expands command-line paths into files: folders recursively (sorted, so runs are
/// deterministic), `-` for standard input.
public enum InputFiles {
    /// Extensions picked up when walking a folder; a file named explicitly is read whatever its name.
    public static let folderExtensions: Set<String> = ["json", "yaml", "yml", "pb", "tgz", "gz", "tar"]

    public static func collect(_ paths: [String], extensions: Set<String> = folderExtensions, readStdin: () -> [UInt8] = readStandardInput) throws(InputError) -> [InputFile] {
        var files: [InputFile] = []
        for path in paths {
            if path == "-" {
                files.append(InputFile(name: "<stdin>", bytes: readStdin()))
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .notFound(path: path) }
            if isDirectory.boolValue {
                let found = try folderFiles(path, extensions: extensions)
                guard !found.isEmpty else { throw .empty(path: path) }
                for file in found { files.append(InputFile(name: file, bytes: try read(file))) }
            } else {
                files.append(InputFile(name: path, bytes: try read(path)))
            }
        }
        return files
    }

    public static func folderFiles(_ folder: String, extensions: Set<String>) throws(InputError) -> [String] {
        let base = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        guard let enumerator = FileManager.default.enumerator(atPath: base) else { throw .unreadable(path: folder, reason: "the folder cannot be listed") }
        var result: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") {
                if (enumerator.fileAttributes?[.type] as? FileAttributeType) == .typeDirectory { enumerator.skipDescendants() }
                continue
            }
            let ext = (name as NSString).pathExtension.lowercased()
            guard extensions.contains(ext) else { continue }
            let full = "\(base)/\(relative)"
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue { result.append(full) }
        }
        return result.sorted()
    }

    public static func read(_ path: String) throws(InputError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .unreadable(path: path, reason: "permission denied or not a regular file") }
        defer { try? handle.close() }
        do {
            return [UInt8](try handle.readToEnd() ?? Data())
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
    }

    public static func readStandardInput() -> [UInt8] {
        [UInt8](FileHandle.standardInput.readDataToEndOfFile())
    }
}
