/// Why the bytes a client sent are not an HTTP/1.1 request this server will read. Every case
/// maps to the status code the server answers with before it closes the connection.
package enum HTTPParseError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformedRequestLine(offset: Int)
    case malformedHeader(offset: Int)
    case unsupportedVersion(String)
    case headersTooLarge(limit: Int)
    case tooManyHeaders(limit: Int)
    case bodyTooLarge(length: Int, limit: Int)
    case invalidContentLength(String)
    case lengthRequired
    case unsupportedTransferEncoding(String)

    /// The status code the server answers with.
    package var status: HTTPStatus {
        switch self {
        case .malformedRequestLine, .malformedHeader, .invalidContentLength: .badRequest
        case .unsupportedVersion: .httpVersionNotSupported
        case .headersTooLarge, .tooManyHeaders: .requestHeaderFieldsTooLarge
        case .bodyTooLarge: .payloadTooLarge
        case .lengthRequired: .lengthRequired
        case .unsupportedTransferEncoding: .notImplemented
        }
    }

    package var description: String {
        switch self {
        case .malformedRequestLine(let offset): "the request line at byte \(offset) is not 'METHOD /path HTTP/1.1'"
        case .malformedHeader(let offset): "the header field at byte \(offset) is not 'Name: value'"
        case .unsupportedVersion(let version): "HTTP version '\(version)' is not supported; use HTTP/1.1"
        case .headersTooLarge(let limit): "the request head is larger than \(limit) bytes"
        case .tooManyHeaders(let limit): "the request has more than \(limit) header fields"
        case .bodyTooLarge(let length, let limit): "the request body (\(length) bytes) is larger than the limit of \(limit) bytes (--max-body)"
        case .invalidContentLength(let value): "Content-Length '\(value)' is not a single non-negative integer"
        case .lengthRequired: "a request with a body needs Content-Length"
        case .unsupportedTransferEncoding(let value): "Transfer-Encoding '\(value)' is not supported; send the body with Content-Length"
        }
    }
}
