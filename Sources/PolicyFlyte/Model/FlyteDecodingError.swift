/// A flyteidl entity (protobuf or protobuf JSON) that cannot be read faithfully.
public struct FlyteDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file, and the archive member when there is one.
    public var source: String
    /// JSON pointer (protobuf JSON) or field path (binary protobuf) of the problem.
    public var location: String
    public var reason: String

    public init(source: String, location: String, reason: String) {
        self.source = source
        self.location = location
        self.reason = reason
    }

    public var description: String {
        "\(source): \(location.isEmpty ? "(document)" : location): \(reason)."
    }
}
