import Testing

@testable import PolicyServer

/// Feeds `text` in chunks of `chunk` bytes and collects every event until the bytes run out.
private func events(_ text: String, chunk: Int = .max, limits: HTTPLimits = HTTPLimits()) throws(HTTPParseError) -> [HTTPRequestParser.Event] {
    var parser = HTTPRequestParser(limits: limits)
    var result: [HTTPRequestParser.Event] = []
    let bytes = Array(text.utf8)
    var offset = 0
    repeat {
        let end = min(bytes.count, offset + max(1, min(chunk, bytes.count)))
        parser.append(bytes[offset..<end])
        offset = end
        while true {
            let event = try parser.next()
            if event == .needMoreData { break }
            result.append(event)
        }
    } while offset < bytes.count
    return result
}

private func requests(_ events: [HTTPRequestParser.Event]) -> [HTTPRequest] {
    events.compactMap { if case .request(let request) = $0 { request } else { nil } }
}

@Suite struct HTTPRequestParserTests {
    static let review =
        "POST /validate?timeout=10s HTTP/1.1\r\nHost: webhook.flyte-policy.svc:443\r\nContent-Type: application/json\r\nAccept-Encoding: gzip\r\nContent-Length: 13\r\n\r\n{\"kind\":\"x\"}\n"

    @Test func parsesTheAPIServersRequest() throws {
        let parsed = requests(try events(Self.review))
        #expect(parsed.count == 1)
        let request = try #require(parsed.first)
        #expect(request.method == "POST")
        #expect(request.path == "/validate")
        #expect(request.query == "timeout=10s")
        #expect(request.header("content-type") == "application/json")
        #expect(request.mediaType == "application/json")
        #expect(request.body == Array("{\"kind\":\"x\"}\n".utf8))
        #expect(request.keepAlive)
    }

    /// The media type is the part before any parameter, without blanks, lower-cased; the API
    /// server sends `application/json`, other clients add a charset or capitals.
    @Test(arguments: [
        ("application/json", "application/json"), ("Application/JSON; charset=utf-8", "application/json"),
        ("  application/json\t;charset=utf-8", "application/json"), ("application/json;", "application/json"), ("text/plain", "text/plain"),
        ("", ""), ("; charset=utf-8", ""),
    ])
    func mediaTypeIsTheTypeWithoutParameters(header: String, expected: String) {
        let request = HTTPRequest(method: "POST", path: "/validate", headers: [("content-type", header)])
        #expect(request.mediaType == expected)
        #expect(HTTPRequest(method: "POST", path: "/validate").mediaType == nil)
    }

    /// `Connection` options are a comma list of case-insensitive tokens with blanks around
    /// them; HTTP/1.1 keeps the connection unless `close`, HTTP/1.0 only with `keep-alive`.
    @Test(
        arguments: [
            ("HTTP/1.1", nil, true), ("HTTP/1.1", "Close", false), ("HTTP/1.1", "upgrade ,\tclose ", false), ("HTTP/1.1", "closed", true),
            ("HTTP/1.0", nil, false), ("HTTP/1.0", " Keep-Alive", true), ("HTTP/1.0", "keep-alive, close", true),
        ] as [(String, String?, Bool)])
    func connectionOptionsDecideKeepAlive(version: String, connection: String?, keepsAlive: Bool) {
        let request = HTTPRequest(method: "GET", path: "/healthz", version: version, headers: connection.map { [("connection", $0)] } ?? [])
        #expect(request.keepAlive == keepsAlive)
    }

    /// Whatever the chunking, the same request comes out (NIO's ByteToMessageDecoderVerifier idea).
    @Test(arguments: [1, 2, 3, 7, 64])
    func dripFedByteByByte(chunk: Int) throws {
        #expect(requests(try events(Self.review, chunk: chunk)) == requests(try events(Self.review)))
    }

    @Test func pipelinedRequestsComeOutInOrder() throws {
        let text = Self.review + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" + "GET /readyz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        let parsed = requests(try events(text, chunk: 5))
        #expect(parsed.map(\.path) == ["/validate", "/healthz", "/readyz"])
        #expect(parsed.map(\.keepAlive) == [true, true, false])
    }

    @Test func expectContinueIsReportedOnceBeforeTheBody() throws {
        let text = "POST /validate HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n{}"
        var parser = HTTPRequestParser()
        parser.append(Array(text.utf8).dropLast(2))
        #expect(try parser.next() == .expectsContinue)
        #expect(try parser.next() == .needMoreData)
        parser.append(Array("{}".utf8))
        #expect(requests([try parser.next()]).first?.body == Array("{}".utf8))
    }

    @Test func leadingBlankLinesAreIgnoredAndHTTP10ClosesByDefault() throws {
        let parsed = requests(try events("\r\n\r\nGET /healthz HTTP/1.0\r\n\r\n"))
        #expect(parsed.first?.path == "/healthz")
        #expect(parsed.first?.keepAlive == false)
    }

    static let malformed: [(String, HTTPParseError)] = [
        ("GET /healthz\r\n\r\n", .malformedRequestLine(offset: 0)),
        ("GET  /healthz HTTP/1.1\r\n\r\n", .malformedRequestLine(offset: 0)),
        ("G(T /healthz HTTP/1.1\r\n\r\n", .malformedRequestLine(offset: 0)),
        ("GET /healthz HTTP/2.0\r\n\r\n", .unsupportedVersion("HTTP/2.0")),
        ("GET /healthz SPDY/3\r\n\r\n", .malformedRequestLine(offset: 0)),
        ("GET / HTTP/1.1\r\nHost x\r\n\r\n", .malformedHeader(offset: 16)),
        ("GET / HTTP/1.1\r\nHost : x\r\n\r\n", .malformedHeader(offset: 16)),
        ("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n", .malformedHeader(offset: 25)),
        ("POST /validate HTTP/1.1\r\nContent-Length: 1x\r\n\r\n", .invalidContentLength("1x")),
        ("POST /validate HTTP/1.1\r\nContent-Length: -1\r\n\r\n", .invalidContentLength("-1")),
        ("POST /validate HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n", .invalidContentLength("3, 4")),
        ("POST /validate HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\n", .invalidContentLength("99999999999999999999")),
        ("POST /validate HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", .unsupportedTransferEncoding("chunked")),
        ("POST /validate HTTP/1.1\r\nHost: x\r\n\r\n", .lengthRequired),
        ("POST /validate HTTP/1.1\r\nContent-Length: 3145729\r\n\r\n", .bodyTooLarge(length: 3_145_729, limit: 3_145_728)),
    ]

    @Test(arguments: malformed)
    func rejectsMalformedRequests(text: String, expected: HTTPParseError) {
        #expect(throws: expected) { try events(text) }
    }

    @Test func agreeingContentLengthsAreOneLength() throws {
        let parsed = requests(try events("POST /v HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n{}"))
        #expect(parsed.first?.body.count == 2)
    }

    /// Each limit at N passes and at N + 1 fails.
    @Test func limitsHoldAtTheirBoundary() throws {
        let limits = HTTPLimits(maxHeaderBytes: 64, maxHeaderCount: 2, maxBodyBytes: 10)
        let line = "GET / HTTP/1.1\r\n"  // 16 bytes
        func head(padTo size: Int) -> String {
            let fixed = line.utf8.count + "X: \r\n\r\n".utf8.count
            return line + "X: " + String(repeating: "a", count: size - fixed) + "\r\n\r\n"
        }
        #expect(requests(try events(head(padTo: 64), limits: limits)).count == 1)
        #expect(throws: HTTPParseError.headersTooLarge(limit: 64)) { try events(head(padTo: 65), limits: limits) }
        #expect(throws: HTTPParseError.headersTooLarge(limit: 64)) { try events(line + String(repeating: "a", count: 70), limits: limits) }

        #expect(requests(try events(line + "A: 1\r\nB: 2\r\n\r\n", limits: limits)).count == 1)
        #expect(throws: HTTPParseError.tooManyHeaders(limit: 2)) { try events(line + "A: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits: limits) }

        let body10 = "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789"
        #expect(requests(try events(body10, limits: limits)).first?.body.count == 10)
        #expect(throws: HTTPParseError.bodyTooLarge(length: 11, limit: 10)) {
            try events("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n", limits: limits)
        }
    }

    @Test func everyErrorMapsToAStatusAndASentence() {
        for (_, error) in Self.malformed {
            #expect(error.status.rawValue >= 400)
            #expect(!error.description.isEmpty)
        }
        #expect(HTTPParseError.bodyTooLarge(length: 11, limit: 10).status == .payloadTooLarge)
        #expect(HTTPParseError.headersTooLarge(limit: 1).status == .requestHeaderFieldsTooLarge)
    }

    @Test func responsesCarryLengthAndConnection() {
        let response = HTTPResponse(status: .ok, body: Array("{}".utf8))
        #expect(
            String(decoding: response.serialized(close: false), as: UTF8.self)
                == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\n{}")
        #expect(String(decoding: response.serialized(close: true), as: UTF8.self).contains("Connection: close\r\n"))
    }
}
