import PolicyCore
import PolicyJSON
import PolicyYAML

/// Policy, exception and test files in JSON or YAML. YAML (one or many documents) becomes the
/// JSON text the loader reads, and the loader's pointers are placed back on the YAML's lines, so
/// every error says `file:line:column` either way.
package enum PolicyText {
    /// Whether a file is read as YAML: by its name.
    static func isYAML(_ name: String) -> Bool {
        name.hasSuffix(".yaml") || name.hasSuffix(".yml")
    }

    /// The file as JSON text for the loader: a JSON file as it is; a YAML file's documents as
    /// one document, or an array of them when there are several.
    package static func json(_ file: InputFile) throws(PolicyLoadError) -> (bytes: [UInt8], documents: Int) {
        guard isYAML(file.name) else { return (file.bytes.array, 1) }
        let text = file.normalizedText()
        let documents: [YAMLDocument]
        do { documents = try YAMLReader.documents(text.bytes.array, source: file.name).filter { $0.value != .null } } catch {
            throw PolicyLoadError(file: file.name, pointer: "", message: "invalid YAML: \(error.reason)", line: error.line, column: error.column)
        }
        let value: JSONValue = documents.count == 1 ? documents[0].value : .array(documents.map(\.value))
        do { return (try value.serialized(pretty: false), documents.count) } catch {
            throw PolicyLoadError(file: file.name, pointer: error.pointer, message: error.reason)
        }
    }

    /// Puts the line and column of each error's pointer (or of its nearest parent) in the YAML
    /// file on the error.
    package static func place(_ errors: [PolicyLoadError], in file: InputFile, documents: Int) -> [PolicyLoadError] {
        guard isYAML(file.name), !errors.isEmpty else { return errors }
        /// The document (1-based) and the pointer inside it.
        func split(_ pointer: JSONPointer) -> (document: Int, pointer: JSONPointer) {
            guard documents > 1 else { return (1, pointer) }
            let tokens = pointer.tokens
            guard let first = tokens.first, let index = Int(first) else { return (1, pointer) }
            return (index + 1, JSONPointer(tokens: Array(tokens.dropFirst())))
        }
        // The locator records the parents of what is wanted too, for the nearest fallback.
        var wanted: [Int: Set<String>] = [:]
        for error in errors where error.line == nil {
            let (document, pointer) = split(error.pointer)
            wanted[document, default: []].insert(pointer.description)
        }
        let found = YAMLLocator.positions(in: file.normalizedText().bytes.array, wanted: wanted)
        return errors.map { error in
            guard error.line == nil else { return error }
            let (document, pointer) = split(error.pointer)
            var placed = error
            placed.pointer = pointer
            if let position = found[document].flatMap({ FindingLocator.nearest(pointer.description, in: $0) }) {
                placed.line = position.line
                placed.column = position.column
            }
            return placed
        }
    }
}
