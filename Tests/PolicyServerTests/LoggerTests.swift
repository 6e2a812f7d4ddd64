import Foundation
import PolicyCore
import PolicyJSON
import Testing

@testable import PolicyServer

/// The webhook's logger writes from a thread of its own: these pin down what that must not
/// change (order, nothing lost without a word) and what it is for (a stuck sink holds up no one).
@Suite("JSON log lines")
struct LoggerTests {
    /// What a sink received, split into lines.
    final class Received: Sendable {
        let lines = Locked<[String]>([])
        var all: [String] { lines.withLock { $0 } }
        func take(_ bytes: [UInt8]) {
            lines.withLock { $0 += String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init) }
        }
    }

    private static func field(_ line: String, _ key: String) throws -> JSONValue? {
        try JSONDocument.parse(line, source: "log line").rootNode[key]?.value
    }

    @Test("lines come out whole, in the order they were logged, from every thread, by flush()")
    func orderAndFlush() throws {
        let received = Received()
        let logger = Logger(level: .debug, sink: received.take)
        DispatchQueue.concurrentPerform(iterations: 4) { thread in
            for index in 0..<250 { logger.info("line", ["thread": .integer(Int64(thread)), "index": .integer(Int64(index))]) }
        }
        logger.debug("last")
        logger.flush()
        let lines = received.all
        #expect(lines.count == 1001)
        #expect(try Self.field(lines[1000], "msg") == "last")
        for thread in 0..<4 {
            let indices = try lines.filter { try Self.field($0, "thread") == .integer(Int64(thread)) }.map { try Self.field($0, "index") }
            #expect(indices == (0..<250).map { JSONValue.integer(Int64($0)) })
        }
        #expect(try Self.field(lines[0], "level") == "info")
        #expect(try Self.field(lines[0], "time")?.string?.hasSuffix("Z") == true)
    }

    @Test("below the level nothing is queued or written")
    func levels() {
        let received = Received()
        let logger = Logger(level: .warn, sink: received.take)
        logger.info("quiet")
        logger.error("loud")
        logger.flush()
        #expect(received.all.count == 1)
        #expect(received.all.first?.contains("\"loud\"") == true)
    }

    /// A container runtime that stops reading stderr must not stop admission: logging returns
    /// at once, lines past the capacity are dropped, and the log says how many once it drains.
    @Test("a stuck sink blocks no caller; lines past the capacity are dropped and counted")
    func stuckSink() throws {
        let received = Received()
        let gate = DispatchSemaphore(value: 0)
        let entered = DispatchSemaphore(value: 0)
        let logger = Logger(level: .info, capacity: 10) { bytes in
            if String(decoding: bytes, as: UTF8.self).contains("\"first\"") {
                entered.signal()
                gate.wait()
            }
            received.take(bytes)
        }
        logger.info("first")
        #expect(entered.wait(timeout: .now() + 10) == .success)
        let started = Date()
        for index in 0..<25 { logger.info("queued", ["index": .integer(Int64(index))]) }
        #expect(Date().timeIntervalSince(started) < 5)
        gate.signal()
        logger.flush()
        let lines = received.all
        #expect(lines.count == 12)
        #expect(try lines.dropFirst().prefix(10).map { try Self.field($0, "index") } == (0..<10).map { .integer(Int64($0)) })
        let notice = try #require(lines.last)
        #expect(try Self.field(notice, "msg") == "log lines dropped")
        #expect(try Self.field(notice, "dropped") == 15)
        #expect(try Self.field(notice, "level") == "warn")
    }
}
