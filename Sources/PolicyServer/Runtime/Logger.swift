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
package final class Logger: Sendable {
    package let level: LogLevel
    private let sink: @Sendable ([UInt8]) -> Void
    private let lock = Locked(())

    package init(level: LogLevel, sink: @escaping @Sendable ([UInt8]) -> Void = Logger.standardError) {
        self.level = level
        self.sink = sink
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
        var line = JSONObject()
        line["time"] = .string(Self.timestamp())
        line["level"] = .string(level.rawValue)
        line["msg"] = .string(message)
        for (key, value) in fields { line[key] = value }
        let bytes = (try? JSONValue.object(line).serializedLine()) ?? Array("{\"msg\":\"unencodable log line\"}\n".utf8)
        lock.withLock { _ in sink(bytes) }
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
