/// A container image reference split the way container runtimes normalize it.
public struct ImageReference: Sendable, Equatable {
    /// Registry host, `docker.io` when none is written.
    public var registry: String
    /// Repository path under the registry (`library/nginx` for `nginx`).
    public var repository: String
    public var tag: String?
    public var digest: String?

    /// `registry/repository`.
    public var name: String { "\(registry)/\(repository)" }

    /// Parses `[registry/]path[:tag][@digest]`; `nil` for text that is no image reference.
    public init?(_ text: String) {
        guard !text.isEmpty, !text.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" }) else { return nil }
        var rest = Substring(text)
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
            guard let digest, digest.contains(":") else { return nil }
        }
        // A colon after the last slash separates the tag (a colon before it is a registry port).
        let lastSlash = rest.lastIndex(of: "/")
        if let colon = rest.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
            guard let tag, !tag.isEmpty else { return nil }
        }
        guard !rest.isEmpty else { return nil }
        let components = rest.split(separator: "/", omittingEmptySubsequences: false)
        guard !components.contains(where: \.isEmpty) else { return nil }
        if components.count > 1, let first = components.first, first.contains(".") || first.contains(":") || first == "localhost" {
            registry = String(first)
            repository = components.dropFirst().joined(separator: "/")
        } else {
            registry = "docker.io"
            repository = components.count == 1 ? "library/\(rest)" : String(rest)
        }
    }

    /// The tag a runtime pulls: the written one, `latest` when neither tag nor digest is given.
    public var effectiveTag: String? {
        tag ?? (digest == nil ? "latest" : nil)
    }
}
