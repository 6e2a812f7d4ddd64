import PolicyCore

/// Loads policy and exception files from paths (files or folders of `.json`).
package enum PolicyFiles {
    /// Reads every `.json` file under the paths and loads them as one set.
    ///
    /// - Throws: ``PolicyLoadFailure`` for files that do not load, including unreadable ones.
    package static func load(_ paths: [String]) throws(PolicyLoadFailure) -> PolicySet {
        var files: [(name: String, contents: [UInt8])] = []
        for path in paths {
            do {
                for file in try InputFiles.collect([path], extensions: ["json"]) { files.append((file.name, file.bytes)) }
            } catch {
                throw PolicyLoadFailure(errors: [PolicyLoadError(file: path, pointer: "", message: error.description)])
            }
        }
        return try PolicyLoader.load(files: files)
    }
}
