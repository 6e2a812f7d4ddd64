/// A container image reference split the way container runtimes normalize it.
public struct ImageReference: Sendable, Equatable {
    /// `registry/repository`, normalized (`docker.io/library/nginx` for `nginx`): every registry
    /// rule compares it, so it is the one part kept whole.
    public let name: String
    public let tag: String?
    public let digest: String?

    /// Registry host, `docker.io` when none is written.
    public var registry: String {
        name.firstIndex(of: "/").map { String(name[..<$0]) } ?? name
    }

    /// Repository path under the registry (`library/nginx` for `nginx`).
    public var repository: String {
        name.firstIndex(of: "/").map { String(name[name.index(after: $0)...]) } ?? ""
    }

    /// Parses `[registry/]path[:tag][@digest]`; `nil` for text that is no image reference.
    ///
    /// Works on UTF-8 bytes: every delimiter is ASCII, and grapheme-by-grapheme scanning would
    /// dominate decoding (each container's image is parsed once, when the pod is decoded).
    public init?(_ text: String) {
        var text = text
        guard let parts = text.withUTF8(Self.split) else { return nil }
        (name, tag, digest) = parts
    }

    /// Splits the UTF-8 bytes of a reference in place (no copy of the text, no list of
    /// components), making each kept part as one string: this runs for every container of every
    /// pod decoded.
    private static func split(_ bytes: UnsafeBufferPointer<UInt8>) -> (name: String, tag: String?, digest: String?)? {
        let slash = UInt8(ascii: "/")
        guard !bytes.isEmpty, !bytes.contains(where: { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) else { return nil }
        func string(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }
        var end = bytes.count
        var digest: String?
        var tag: String?
        if let at = bytes.firstIndex(of: UInt8(ascii: "@")) {
            guard bytes[(at + 1)...].contains(UInt8(ascii: ":")) else { return nil }
            digest = string((at + 1)..<bytes.count)
            end = at
        }
        // A colon after the last slash separates the tag (a colon before it is a registry port).
        let lastSlash = bytes[..<end].lastIndex(of: slash)
        if let colon = bytes[..<end].lastIndex(of: UInt8(ascii: ":")), lastSlash.map({ colon > $0 }) ?? true {
            guard colon + 1 < end else { return nil }
            tag = string((colon + 1)..<end)
            end = colon
        }
        guard end > 0 else { return nil }
        // Every `/`-separated component must be non-empty.
        guard bytes[0] != slash, bytes[end - 1] != slash else { return nil }
        for index in 1..<end where bytes[index] == slash && bytes[index - 1] == slash { return nil }
        guard let firstSlash = bytes[..<end].firstIndex(of: slash) else {
            return ("docker.io/library/" + string(0..<end), tag, digest)
        }
        let first = bytes[..<firstSlash]
        if first.contains(UInt8(ascii: ".")) || first.contains(UInt8(ascii: ":")) || first.elementsEqual("localhost".utf8) {
            return (string(0..<end), tag, digest)
        }
        return ("docker.io/" + string(0..<end), tag, digest)
    }

    /// The tag a runtime pulls: the written one, `latest` when neither tag nor digest is given.
    public var effectiveTag: String? {
        tag ?? (digest == nil ? "latest" : nil)
    }
}
