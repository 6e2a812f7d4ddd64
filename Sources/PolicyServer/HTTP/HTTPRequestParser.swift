/// Size limits on what a client may send, in one place (see docs/architecture.md).
package struct HTTPLimits: Sendable, Equatable {
    /// Request line plus header fields, including the blank line that ends them.
    package var maxHeaderBytes = 16 * 1024
    package var maxHeaderCount = 64
    /// The AdmissionReview body; the API server's own request limit is 3 MiB.
    package var maxBodyBytes = 3 * 1024 * 1024

    package init(maxHeaderBytes: Int = 16 * 1024, maxHeaderCount: Int = 64, maxBodyBytes: Int = 3 * 1024 * 1024) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxBodyBytes = maxBodyBytes
    }
}

/// An incremental HTTP/1.1 request parser: fed bytes as they arrive, it hands back whole
/// requests (pipelined ones one after another) or a typed error. It never reads a socket, so
/// it can be tested byte by byte and fuzzed.
///
/// Bodies need `Content-Length`: the Kubernetes API server always sends it, and refusing
/// `Transfer-Encoding` removes the request-smuggling ambiguity between the two.
package struct HTTPRequestParser: Sendable {
    /// What the bytes so far amount to.
    package enum Event: Sendable, Equatable {
        /// Not a whole request yet.
        case needMoreData
        /// The head asked for `Expect: 100-continue` and its body is acceptable: answer `100
        /// Continue`, then keep feeding. Reported once per request.
        case expectsContinue
        case request(HTTPRequest)
    }

    package let limits: HTTPLimits
    private var buffer: [UInt8] = []
    /// Where the search for the end of the head resumes.
    private var scanned = 0
    /// A head already parsed, waiting for its body.
    private var pending: (request: HTTPRequest, headLength: Int, bodyLength: Int)?
    private var continueReported = false
    /// Bytes consumed by earlier requests on this connection, for error offsets.
    private var consumed = 0

    package init(limits: HTTPLimits = HTTPLimits()) {
        self.limits = limits
    }

    /// Whether part of a request has arrived (the read timeout runs) or the connection is idle
    /// between requests (the idle timeout runs).
    package var isMidRequest: Bool { !buffer.isEmpty || pending != nil }

    package mutating func append(_ bytes: some Collection<UInt8>) {
        buffer.append(contentsOf: bytes)
    }

    /// The next request in the buffered bytes, if it is complete.
    package mutating func next() throws(HTTPParseError) -> Event {
        if pending == nil {
            skipLeadingBlankLines()
            guard let end = headEnd() else {
                if buffer.count > limits.maxHeaderBytes { throw .headersTooLarge(limit: limits.maxHeaderBytes) }
                return .needMoreData
            }
            guard end <= limits.maxHeaderBytes else { throw .headersTooLarge(limit: limits.maxHeaderBytes) }
            let request = try parseHead(buffer[..<(end - 4)])
            let length = try bodyLength(of: request)
            pending = (request, end, length)
            continueReported = false
        }
        guard let (request, headLength, bodyLength) = pending else { return .needMoreData }
        guard buffer.count >= headLength + bodyLength else {
            if !continueReported, request.header("expect")?.lowercased() == "100-continue", request.version == "HTTP/1.1" {
                continueReported = true
                return .expectsContinue
            }
            return .needMoreData
        }
        var complete = request
        complete.body = Array(buffer[headLength..<(headLength + bodyLength)])
        buffer.removeSubrange(0..<(headLength + bodyLength))
        consumed += headLength + bodyLength
        pending = nil
        scanned = 0
        return .request(complete)
    }

    /// RFC 9112 2.2: a server should ignore blank lines received before the request line.
    private mutating func skipLeadingBlankLines() {
        var index = 0
        while index + 1 < buffer.count, buffer[index] == 13, buffer[index + 1] == 10 { index += 2 }
        if index > 0 {
            buffer.removeSubrange(0..<index)
            consumed += index
            scanned = 0
        }
    }

    /// Index just past the `CRLF CRLF` that ends the head.
    private mutating func headEnd() -> Int? {
        var index = max(0, scanned - 3)
        while index + 3 < buffer.count {
            if buffer[index] == 13, buffer[index + 1] == 10, buffer[index + 2] == 13, buffer[index + 3] == 10 { return index + 4 }
            index += 1
        }
        scanned = buffer.count
        return nil
    }

    private func parseHead(_ head: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPRequest {
        var lines: [ArraySlice<UInt8>] = []
        var start = head.startIndex
        var index = head.startIndex
        while index < head.endIndex {
            if head[index] == 13, index + 1 < head.endIndex, head[index + 1] == 10 {
                lines.append(head[start..<index])
                index += 2
                start = index
            } else {
                index += 1
            }
        }
        lines.append(head[start..<head.endIndex])
        guard let requestLine = lines.first else { throw .malformedRequestLine(offset: consumed) }
        var request = try Self.parseRequestLine(requestLine, offset: consumed + requestLine.startIndex)
        guard lines.count - 1 <= limits.maxHeaderCount else { throw .tooManyHeaders(limit: limits.maxHeaderCount) }
        for line in lines.dropFirst() {
            request.headers.append(try Self.parseHeader(line, offset: consumed + line.startIndex))
        }
        return request
    }

    private static func parseRequestLine(_ line: ArraySlice<UInt8>, offset: Int) throws(HTTPParseError) -> HTTPRequest {
        let parts = line.split(separator: 32, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, parts[0].allSatisfy(isTokenByte), !parts[1].isEmpty,
            parts[1].allSatisfy({ $0 > 32 && $0 < 127 })
        else { throw .malformedRequestLine(offset: offset) }
        let version = String(decoding: parts[2], as: UTF8.self)
        guard version == "HTTP/1.1" || version == "HTTP/1.0" else {
            if version.hasPrefix("HTTP/") { throw .unsupportedVersion(version) }
            throw .malformedRequestLine(offset: offset)
        }
        let target = String(decoding: parts[1], as: UTF8.self)
        let path: String
        var query: String?
        if let mark = target.firstIndex(of: "?") {
            path = String(target[..<mark])
            query = String(target[target.index(after: mark)...])
        } else {
            path = target
        }
        return HTTPRequest(method: String(decoding: parts[0], as: UTF8.self), path: path, query: query, version: version)
    }

    private static func parseHeader(_ line: ArraySlice<UInt8>, offset: Int) throws(HTTPParseError) -> (name: String, value: String) {
        // No whitespace before the colon and no obsolete line folding (RFC 9112 5.1, 5.2).
        guard let colon = line.firstIndex(of: 58), colon > line.startIndex,
            line[line.startIndex..<colon].allSatisfy(isTokenByte)
        else { throw .malformedHeader(offset: offset) }
        var value = line[(colon + 1)...]
        while let first = value.first, first == 32 || first == 9 { value.removeFirst() }
        while let last = value.last, last == 32 || last == 9 { value.removeLast() }
        guard value.allSatisfy({ $0 == 9 || ($0 >= 32 && $0 != 127) }) else { throw .malformedHeader(offset: offset) }
        return (String(decoding: line[line.startIndex..<colon], as: UTF8.self).lowercased(), String(decoding: value, as: UTF8.self))
    }

    private func bodyLength(of request: HTTPRequest) throws(HTTPParseError) -> Int {
        if let encoding = request.header("transfer-encoding") { throw .unsupportedTransferEncoding(encoding) }
        let values = request.headers.filter { $0.name == "content-length" }.map(\.value)
        guard let first = values.first else {
            if request.method == "POST" || request.method == "PUT" { throw .lengthRequired }
            return 0
        }
        // Several fields (or a comma list) are acceptable only when they agree (RFC 9110 8.6).
        let all = values.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingASCIISpaces() } }
        guard Set(all).count == 1, !first.isEmpty, let text = all.first, !text.isEmpty, text.utf8.count <= 18,
            text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let length = Int(text)
        else { throw .invalidContentLength(values.joined(separator: ", ")) }
        guard length <= limits.maxBodyBytes else { throw .bodyTooLarge(length: length, limit: limits.maxBodyBytes) }
        return length
    }

    /// RFC 9110 token characters: the method and header names.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 48...57, 65...90, 97...122: true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
            UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }
}

extension Substring {
    fileprivate func trimmingASCIISpaces() -> String {
        var slice = self
        while let first = slice.first, first == " " || first == "\t" { slice.removeFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice.removeLast() }
        return String(slice)
    }
}
