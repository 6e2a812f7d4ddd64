/// Finds where the items of a large Kubernetes `List` begin and end in its JSON text, so jansson
/// can parse them apart on several cores. A byte scanner that builds no value: it follows
/// strings and brackets to find the top-level `"items"` array and the commas between its
/// elements. Everything outside the items (the list's own `kind`, `apiVersion`, `metadata`) is
/// handed back as a small text with an empty array in place of the items, for jansson to check.
public enum JSONListSplitter {
    public struct Split: Sendable {
        /// The top-level object with `"items": []`.
        public var shell: [UInt8]
        /// Each item's byte range in the input, in order.
        public var items: [Range<Int>]
    }

    /// The split of `bytes`, or `nil` when the text is not one top-level object with an
    /// `"items"` array (anything else is parsed whole).
    public static func split(_ bytes: [UInt8]) -> Split? {
        bytes.withUnsafeBufferPointer { buffer in split(buffer) }
    }

    /// - Parameter passed: told the offset after each item, so a reader of a mapped file can
    ///   give back the pages the scan has passed.
    package static func split(_ bytes: UnsafeBufferPointer<UInt8>, passed: (Int) -> Void = { _ in }) -> Split? {
        var offset = 0
        func skipSpace() {
            while offset < bytes.count, bytes[offset] == 0x20 || bytes[offset] == 0x0A || bytes[offset] == 0x0D || bytes[offset] == 0x09 {
                offset += 1
            }
        }
        /// Past a string whose opening quote is at `offset`; `false` when it does not end.
        func skipString() -> Bool {
            offset += 1
            while offset < bytes.count {
                switch bytes[offset] {
                case 0x5C: offset += 2
                case 0x22:
                    offset += 1
                    return true
                default: offset += 1
                }
            }
            return false
        }
        /// Past one value starting at `offset` (objects and arrays by depth).
        func skipValue() -> Bool {
            guard offset < bytes.count else { return false }
            if bytes[offset] == 0x22 { return skipString() }
            guard bytes[offset] == 0x7B || bytes[offset] == 0x5B else {
                while offset < bytes.count, ![0x2C, 0x7D, 0x5D, 0x20, 0x0A, 0x0D, 0x09].contains(bytes[offset]) { offset += 1 }
                return true
            }
            var depth = 0
            while offset < bytes.count {
                switch bytes[offset] {
                case 0x22:
                    guard skipString() else { return false }
                    continue
                case 0x7B, 0x5B: depth += 1
                case 0x7D, 0x5D:
                    depth -= 1
                    if depth == 0 {
                        offset += 1
                        return true
                    }
                default: break
                }
                offset += 1
            }
            return false
        }

        skipSpace()
        guard offset < bytes.count, bytes[offset] == 0x7B else { return nil }
        offset += 1
        let itemsKey: [UInt8] = Array("\"items\"".utf8)
        while true {
            skipSpace()
            guard offset < bytes.count else { return nil }
            if bytes[offset] == 0x7D { return nil }
            let keyStart = offset
            guard bytes[offset] == 0x22, skipString() else { return nil }
            let isItems = offset - keyStart == itemsKey.count && itemsKey.indices.allSatisfy { bytes[keyStart + $0] == itemsKey[$0] }
            skipSpace()
            guard offset < bytes.count, bytes[offset] == 0x3A else { return nil }
            offset += 1
            skipSpace()
            if isItems {
                guard offset < bytes.count, bytes[offset] == 0x5B else { return nil }
                let arrayStart = offset
                offset += 1
                var items: [Range<Int>] = []
                skipSpace()
                if offset < bytes.count, bytes[offset] == 0x5D {
                    offset += 1
                } else {
                    while true {
                        skipSpace()
                        let start = offset
                        guard skipValue() else { return nil }
                        items.append(start..<offset)
                        passed(offset)
                        skipSpace()
                        guard offset < bytes.count else { return nil }
                        if bytes[offset] == 0x2C {
                            offset += 1
                            continue
                        }
                        guard bytes[offset] == 0x5D else { return nil }
                        offset += 1
                        break
                    }
                }
                let shell = Array(bytes[..<arrayStart]) + Array("[]".utf8) + Array(bytes[offset...])
                return Split(shell: shell, items: items)
            }
            guard skipValue() else { return nil }
            skipSpace()
            guard offset < bytes.count else { return nil }
            if bytes[offset] == 0x2C {
                offset += 1
                continue
            }
            return nil
        }
    }
}
