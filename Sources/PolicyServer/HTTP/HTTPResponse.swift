/// A response the server writes: status, a few headers, a body.
package struct HTTPResponse: Sendable {
    package var status: HTTPStatus
    package var contentType: String
    package var body: [UInt8]
    /// Extra header fields (`Retry-After`, ...).
    package var headers: [(name: String, value: String)]

    package init(status: HTTPStatus, contentType: String = "application/json", body: [UInt8], headers: [(name: String, value: String)] = []) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.headers = headers
    }

    /// The bytes on the wire; `close` adds `Connection: close`.
    package func serialized(close: Bool) -> [UInt8] {
        var head = "HTTP/1.1 \(status.rawValue) \(status.reasonPhrase)\r\n"
        head += "Content-Type: \(contentType)\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        head += close ? "Connection: close\r\n\r\n" : "Connection: keep-alive\r\n\r\n"
        return Array(head.utf8) + body
    }

    /// The interim response to `Expect: 100-continue`.
    package static let continueBytes: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
}
