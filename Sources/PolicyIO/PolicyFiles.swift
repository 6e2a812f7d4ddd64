import PolicyCore

/// Loads policy and exception files from paths (files or folders of `.json`, `.yaml`, `.yml`).
package enum PolicyFiles {
    package static let extensions: Set<String> = ["json", "yaml", "yml"]

    /// Reads every policy file under the paths and loads them as one set. YAML files are read
    /// as JSON ones, and their errors carry the YAML's line and column.
    ///
    /// - Throws: ``PolicyLoadFailure`` for files that do not load, including unreadable ones.
    package static func load(_ paths: [String]) throws(PolicyLoadFailure) -> PolicySet {
        var inputs: [InputFile] = []
        for path in paths {
            do { inputs += try InputFiles.collect([path], extensions: extensions) } catch {
                throw PolicyLoadFailure(errors: [PolicyLoadError(file: path, pointer: "", message: error.description)])
            }
        }
        var files: [(name: String, contents: [UInt8])] = []
        var documents: [String: (file: InputFile, count: Int)] = [:]
        var errors: [PolicyLoadError] = []
        for input in inputs {
            do {
                let (bytes, count) = try PolicyText.json(input)
                files.append((input.name, bytes))
                documents[input.name] = (input, count)
            } catch {
                errors.append(error)
            }
        }
        let set: PolicySet
        do { set = try PolicyLoader.load(files: files) } catch {
            // Loader errors of YAML files are placed on the YAML's lines.
            let placed = error.errors.map { problem in
                documents[problem.file].map { PolicyText.place([problem], in: $0.file, documents: $0.count)[0] } ?? problem
            }
            throw PolicyLoadFailure(errors: errors + placed)
        }
        guard errors.isEmpty else { throw PolicyLoadFailure(errors: errors) }
        return set
    }
}
