/// Text from inputs made safe for a terminal or a CI log: control characters (ESC, BEL, NUL,
/// ..., and the C1 range) are shown as `\u{1B}`-style escapes, so a manifest cannot move the
/// cursor, recolour, or forge lines of a report.
public enum PrintableText {
    /// - Parameter keepingLineBreaks: leaves `\n` and `\r` alone (for outputs that encode them).
    public static func escape(_ text: String, keepingLineBreaks: Bool = false) -> String {
        func escaped(_ scalar: Unicode.Scalar) -> Bool {
            isControl(scalar) && !(keepingLineBreaks && (scalar == "\n" || scalar == "\r"))
        }
        // Most text has no byte that can start a control character (C0, DEL, or 0xC2, the lead
        // byte of the C1 range), which a byte scan says faster than decoding scalars.
        let mayHoldControl =
            text.utf8.withContiguousStorageIfAvailable { bytes in bytes.contains { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 } } ?? true
        guard mayHoldControl, text.unicodeScalars.contains(where: escaped) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            if escaped(scalar) {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
