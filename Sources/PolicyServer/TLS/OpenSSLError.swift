internal import COpenSSL

/// A failure reported by OpenSSL, with the library's own error queue kept (code, library,
/// reason, file and line), so a log says which certificate or key was wrong and why.
package struct OpenSSLError: Error, Sendable, CustomStringConvertible {
    /// What flyte-policy was doing (`loading the certificate chain from tls.crt`).
    package var operation: String
    /// OpenSSL's error queue, oldest first.
    package var stack: [String]

    package var description: String {
        stack.isEmpty ? "\(operation) failed" : "\(operation) failed: \(stack.joined(separator: "; "))"
    }

    /// Drains OpenSSL's thread-local error queue into an error for `operation`.
    static func drain(_ operation: String) -> OpenSSLError {
        var stack: [String] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            var text = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(code, &text, text.count)
            stack.append(String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return OpenSSLError(operation: operation, stack: stack)
    }
}
