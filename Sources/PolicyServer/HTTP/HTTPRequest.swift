import Foundation

/// One HTTP/1.1 request, head and body, as the parser hands it over.
package struct HTTPRequest: Sendable, Equatable {
    package var method: String
    /// The request target without its query string (`/validate`).
    package var path: String
    /// The query string after `?`, when there is one (`timeout=10s`).
    package var query: String?
    /// `HTTP/1.1` or `HTTP/1.0`.
    package var version: String
    /// Header fields in arrival order; names lower-cased (HTTP names are case-insensitive).
    package var headers: [(name: String, value: String)]
    package var body: [UInt8]

    package init(
        method: String, path: String, query: String? = nil, version: String = "HTTP/1.1", headers: [(name: String, value: String)] = [],
        body: [UInt8] = []
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.version = version
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, by lower-case name.
    package func header(_ name: String) -> String? {
        headers.first { $0.name == name }?.value
    }

    /// Whether the client asked to keep the connection open: HTTP/1.1 unless `Connection:
    /// close`; HTTP/1.0 only with `Connection: keep-alive`.
    package var keepAlive: Bool {
        let tokens = (header("connection") ?? "").utf8.split(separator: UInt8(ascii: ",")).map(Self.token)
        if version == "HTTP/1.0" { return tokens.contains("keep-alive") }
        return !tokens.contains("close")
    }

    /// The media type of `Content-Type` without parameters, lower-cased (`application/json`).
    /// Over ASCII bytes, as HTTP defines the field: Foundation's trimming by character set was
    /// 2 % of the webhook's time per review (``keepAlive`` reads its header the same way).
    package var mediaType: String? {
        header("content-type").map { Self.token($0.utf8.prefix { $0 != UInt8(ascii: ";") }) }
    }

    /// A part of a header value without the blanks around it (HTTP's optional white space,
    /// spaces and tabs), lower-cased in ASCII: media types and connection options are ASCII
    /// tokens, compared without regard to case.
    private static func token(_ part: some BidirectionalCollection<UInt8>) -> String {
        let isBlank = { (byte: UInt8) in byte == 0x20 || byte == 0x09 }
        let trimmed = part.drop(while: isBlank).reversed().drop(while: isBlank).reversed()
        return String(decoding: trimmed.map { (0x41...0x5A).contains($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    package static func == (lhs: HTTPRequest, rhs: HTTPRequest) -> Bool {
        lhs.method == rhs.method && lhs.path == rhs.path && lhs.query == rhs.query && lhs.version == rhs.version
            && lhs.headers.map(\.name) == rhs.headers.map(\.name) && lhs.headers.map(\.value) == rhs.headers.map(\.value)
            && lhs.body == rhs.body
    }
}
