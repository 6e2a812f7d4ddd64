/// A flyteidl entity (protobuf or protobuf JSON) that cannot be read faithfully.
package struct FlyteDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, and the archive member when there is one.
    package var source: String
    /// JSON pointer (protobuf JSON) or field path (binary protobuf) of the problem.
    package var location: String
    package var reason: String

    package init(source: String, location: String, reason: String) {
        self.source = source
        self.location = location
        self.reason = reason
    }

    package var description: String {
        "\(source): \(location.isEmpty ? "(document)" : location): \(reason)."
    }
}
