import Foundation
import PolicyCore
import PolicyJSON

/// Log severities, lowest first.
package enum LogLevel: String, Sendable, CaseIterable, Comparable {
    case debug, info, warn, error

    private var rank: Int { Self.allCases.firstIndex(of: self) ?? 0 }
    package static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rank < rhs.rank }
}

/// Structured JSON logs, one object per line on standard error (or any sink, for tests).
///
/// Lines are serialized and written by a thread of their own, in the order they were logged:
/// an event loop only queues a line's fields, so neither jansson's encoding nor a log pipe that
/// is slow to drain (a container runtime reading stderr) holds up an answer. The writer wakes
/// when a line arrives in an empty queue and then gathers lines for `batchWindow` (or until
/// `batchLines` wait, half the capacity), so under load the loops do not wake it once per
/// request. At most `capacity` lines wait; past that, lines are dropped and counted, and a
/// warning right after the lines before them says how many.
package final class Logger: Sendable {
    package let level: LogLevel
    private let queue = Locked(Queue())
    private let capacity: Int
    /// Lines that end the writer's gathering early: half the queue, so it is written long
    /// before it fills.
    private var batchLines: Int { capacity / 2 }

    /// How long the writer gathers lines before writing them; ``flush()`` cuts it short.
    static let batchWindow: UInt64 = 20_000_000

    /// A line as logged: its time is taken then, not when it is written.
    private struct Entry: Sendable {
        var time: String
        var level: LogLevel
        var message: String
        var fields: JSONObject
    }

    private struct Queue: Sendable {
        var entries: [Entry] = []
        /// Lines dropped since the writer last took the queue, all logged after `entries`.
        var dropped = 0
        /// The writer holds lines it took and has not yet handed to the sink.
        var writing = false
        /// Callers waiting in flush(): the writer takes the queue at once.
        var flushing = 0
        var closed = false
        var isEmpty: Bool { entries.isEmpty && dropped == 0 }
        var isIdle: Bool { isEmpty && !writing }
    }

    package init(level: LogLevel, capacity: Int = 10_000, sink: @escaping @Sendable ([UInt8]) -> Void = Logger.standardError) {
        self.level = level
        self.capacity = max(2, capacity)
        let thread = Thread { [queue, batchLines = self.batchLines] in Self.write(queue, batchLines: batchLines, to: sink) }
        thread.name = "flyte-policy-log"
        thread.start()
    }

    deinit {
        queue.withLock { $0.closed = true }
        queue.signal()
    }

    package static let standardError: @Sendable ([UInt8]) -> Void = { bytes in
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Foundation.write(2, buffer.baseAddress.map { $0 + offset }, buffer.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }

    package func log(_ level: LogLevel, _ message: String, _ fields: JSONObject = JSONObject()) {
        guard level >= self.level else { return }
        let entry = Entry(time: Self.timestamp(), level: level, message: message, fields: fields)
        let wake = queue.withLock { queue in
            if queue.entries.count < capacity { queue.entries.append(entry) } else { queue.dropped += 1 }
            return queue.entries.count == 1 || queue.entries.count == batchLines
        }
        if wake { queue.signal() }
    }

    /// Returns once every line logged before the call has been handed to the sink.
    package func flush() {
        queue.withLock { $0.flushing += 1 }
        queue.signal()
        queue.withLock(when: \.isIdle) { $0.flushing -= 1 }
    }

    /// The writer thread: waits for a first line, gathers more for `batchWindow`, then hands
    /// them all to the sink as one write; until the logger is gone and nothing is left.
    private static func write(_ queue: Locked<Queue>, batchLines: Int, to sink: @Sendable ([UInt8]) -> Void) {
        while true {
            queue.withLock(when: { !$0.isEmpty || $0.closed }) { _ in }
            let (entries, dropped, closed) = queue.withLock(
                when: { $0.closed || $0.flushing > 0 || $0.entries.count >= batchLines }, timeout: batchWindow
            ) { queue in
                defer {
                    queue.entries = []
                    queue.dropped = 0
                    queue.writing = true
                }
                return (queue.entries, queue.dropped, queue.closed)
            }
            var bytes: [UInt8] = []
            for entry in entries { bytes += line(entry) }
            if dropped > 0 {
                bytes += line(
                    Entry(
                        time: timestamp(), level: .warn, message: "log lines dropped",
                        fields: ["dropped": .integer(Int64(dropped)), "reason": "more lines waited than the log sink could take"]))
            }
            if !bytes.isEmpty { sink(bytes) }
            queue.withLock { $0.writing = false }
            queue.signal()
            if closed, entries.isEmpty, dropped == 0 { return }
        }
    }

    private static func line(_ entry: Entry) -> [UInt8] {
        var line = JSONObject()
        line["time"] = .string(entry.time)
        line["level"] = .string(entry.level.rawValue)
        line["msg"] = .string(entry.message)
        for (key, value) in entry.fields { line[key] = value }
        return (try? JSONValue.object(line).serializedLine()) ?? Array("{\"msg\":\"unencodable log line\"}\n".utf8)
    }

    package func debug(_ message: String, _ fields: JSONObject = JSONObject()) { log(.debug, message, fields) }
    package func info(_ message: String, _ fields: JSONObject = JSONObject()) { log(.info, message, fields) }
    package func warn(_ message: String, _ fields: JSONObject = JSONObject()) { log(.warn, message, fields) }
    package func error(_ message: String, _ fields: JSONObject = JSONObject()) { log(.error, message, fields) }

    /// RFC 3339 UTC with milliseconds.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = time_t(now.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let millis = Int(now.tv_nsec) / 1_000_000
        func pad(_ value: Int32, _ width: Int) -> String { String(value).zeroPadded(to: width) }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
    }
}
