/// Calls `body` with a C character pointer to `bytes` that is never NULL: jansson's length-taking
/// functions accept an empty run but not a NULL pointer, and an empty Swift buffer has none.
func withCChars<R>(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (UnsafePointer<CChar>, Int) -> R) -> R {
    if let base = bytes.baseAddress {
        return base.withMemoryRebound(to: CChar.self, capacity: Swift.max(bytes.count, 1)) { body($0, bytes.count) }
    }
    let empty: CChar = 0
    return withUnsafePointer(to: empty) { body($0, 0) }
}

/// The same for the UTF-8 of a string.
func withCChars<R>(_ text: String, _ body: (UnsafePointer<CChar>, Int) -> R) -> R {
    var text = text
    return text.withUTF8 { withCChars($0, body) }
}
