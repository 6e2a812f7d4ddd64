/// A file a folder walk found and did not check, and why (`is not a Kubernetes manifest (the
/// object has no 'kind')`).
public struct SkippedInput: Sendable, Equatable {
    public var file: String
    public var reason: String

    public init(file: String, reason: String) {
        self.file = file
        self.reason = reason
    }
}
