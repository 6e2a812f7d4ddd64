/// A container image reference split the way container runtimes normalize it.
public struct ImageReference: Sendable, Equatable {
    /// Registry host, `docker.io` when none is written.
    public var registry: String
    /// Repository path under the registry (`library/nginx` for `nginx`).
    public var repository: String
    public var tag: String?
    public var digest: String?

    /// `registry/repository`, kept because registry rules compare it on every pod.
    public private(set) var name: String

    /// Parses `[registry/]path[:tag][@digest]`; `nil` for text that is no image reference.
    ///
    /// Works on UTF-8 bytes: every delimiter is ASCII, and checks parse each image once per
    /// rule, so grapheme-by-grapheme scanning would dominate the images check.
    public init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, !bytes.contains(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return nil }
        func string(_ slice: ArraySlice<UInt8>) -> String { String(decoding: slice, as: UTF8.self) }
        var end = bytes.count
        if let at = bytes.firstIndex(of: UInt8(ascii: "@")) {
            let digestBytes = bytes[(at + 1)...]
            guard digestBytes.contains(UInt8(ascii: ":")) else { return nil }
            digest = string(digestBytes)
            end = at
        }
        // A colon after the last slash separates the tag (a colon before it is a registry port).
        let name = bytes[..<end]
        let lastSlash = name.lastIndex(of: UInt8(ascii: "/"))
        if let colon = name.lastIndex(of: UInt8(ascii: ":")), lastSlash.map({ colon > $0 }) ?? true {
            guard colon + 1 < end else { return nil }
            tag = string(bytes[(colon + 1)..<end])
            end = colon
        }
        let path = bytes[..<end]
        guard !path.isEmpty else { return nil }
        let components = path.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard !components.contains(where: \.isEmpty) else { return nil }
        if components.count > 1, let first = components.first,
            first.contains(UInt8(ascii: ".")) || first.contains(UInt8(ascii: ":")) || first.elementsEqual("localhost".utf8)
        {
            registry = string(first)
            repository = string(path[(first.endIndex + 1)...])
        } else {
            registry = "docker.io"
            repository = components.count == 1 ? "library/" + string(path) : string(path)
        }
        self.name = registry + "/" + repository
    }

    /// The tag a runtime pulls: the written one, `latest` when neither tag nor digest is given.
    public var effectiveTag: String? {
        tag ?? (digest == nil ? "latest" : nil)
    }
}
