/// Reads the members of a tar archive (POSIX ustar, with pax `path` records and GNU long names),
/// regular files only. Every header is checksum-verified and every size bounds-checked.
enum TarReader {
    struct Member {
        var name: String
        var bytes: ArraySlice<UInt8>
    }

    static func members(_ bytes: [UInt8], source: String) throws(InputError) -> [Member] {
        var members: [Member] = []
        var offset = 0
        var pendingName: String?
        func fail(_ reason: String) -> InputError {
            .unreadable(path: source, reason: "corrupt tar archive at byte \(offset): \(reason)")
        }
        while offset + 512 <= bytes.count {
            let header = bytes[offset..<(offset + 512)]
            if header.allSatisfy({ $0 == 0 }) { return members }
            guard checksumMatches(header) else { throw fail("header checksum mismatch") }
            guard let size = octal(header, 124, 12) else { throw fail("invalid size field") }
            let dataStart = offset + 512
            guard size <= bytes.count - dataStart else { throw fail("member of \(size) bytes runs past the end of the archive") }
            let data = bytes[dataStart..<(dataStart + size)]
            let type = header[header.startIndex + 156]
            var name = pendingName ?? fullName(header)
            switch type {
            case UInt8(ascii: "x"):
                pendingName = paxPath(data) ?? pendingName
            case UInt8(ascii: "L"):
                pendingName = String(decoding: data.prefix { $0 != 0 }, as: UTF8.self)
            case UInt8(ascii: "0"), 0:
                pendingName = nil
                if name.hasPrefix("./") { name.removeFirst(2) }
                members.append(Member(name: name, bytes: data))
            default:
                pendingName = nil
            }
            offset = dataStart + (size + 511) / 512 * 512
        }
        if offset < bytes.count || members.isEmpty && !bytes.isEmpty {
            throw fail("the archive is truncated (no end-of-archive marker)")
        }
        return members
    }

    private static func field(_ header: ArraySlice<UInt8>, _ start: Int, _ length: Int) -> ArraySlice<UInt8> {
        let from = header.startIndex + start
        return header[from..<(from + length)]
    }

    private static func fullName(_ header: ArraySlice<UInt8>) -> String {
        let name = String(decoding: field(header, 0, 100).prefix { $0 != 0 }, as: UTF8.self)
        let magic = field(header, 257, 5)
        let prefix = magic.elementsEqual("ustar".utf8) ? String(decoding: field(header, 345, 155).prefix { $0 != 0 }, as: UTF8.self) : ""
        return prefix.isEmpty ? name : "\(prefix)/\(name)"
    }

    private static func octal(_ header: ArraySlice<UInt8>, _ start: Int, _ length: Int) -> Int? {
        var value = 0
        var digits = 0
        for byte in field(header, start, length) {
            if byte == 0 || byte == UInt8(ascii: " ") {
                if digits > 0 { break } else { continue }
            }
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "7") else { return nil }
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 8)
            guard !overflow else { return nil }
            value = shifted + Int(byte - UInt8(ascii: "0"))
            digits += 1
        }
        return value
    }

    private static func checksumMatches(_ header: ArraySlice<UInt8>) -> Bool {
        guard let stored = octal(header, 148, 8) else { return false }
        var sum = 0
        for (index, byte) in header.enumerated() { sum += (148..<156).contains(index) ? 32 : Int(byte) }
        return sum == stored
    }

    /// The `path` record of a pax extended header (`<length> path=<name>\n`).
    private static func paxPath(_ data: ArraySlice<UInt8>) -> String? {
        let text = String(decoding: data, as: UTF8.self)
        for line in text.split(separator: "\n") {
            guard let space = line.firstIndex(of: " ") else { continue }
            let record = line[line.index(after: space)...]
            if record.hasPrefix("path=") { return String(record.dropFirst(5)) }
        }
        return nil
    }
}
