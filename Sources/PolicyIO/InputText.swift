import Foundation

extension InputFile {
    /// The file's extension, lower-cased (`yaml`), or empty.
    var fileExtension: String {
        guard let dot = name.lastIndex(of: "."), !name[dot...].contains("/") else { return "" }
        return name[name.index(after: dot)...].lowercased()
    }

    /// Whether the name says the file is text (`.yaml`, `.yml`, `.json`): then it is never
    /// taken for protobuf, whatever its bytes.
    var isNamedText: Bool { ["yaml", "yml", "json"].contains(fileExtension) }

    /// The file as UTF-8 text, as kubectl reads it: a UTF-8 byte order mark dropped, UTF-16
    /// with a byte order mark (what PowerShell's `>` writes) converted. Other bytes are left.
    func normalizedText() -> InputFile {
        let head = self.bytes.prefix(3)
        if head.starts(with: [0xEF, 0xBB, 0xBF]) { return InputFile(name: name, bytes: Array(self.bytes.array.dropFirst(3))) }
        let littleEndian = head.starts(with: [0xFF, 0xFE])
        guard littleEndian || head.starts(with: [0xFE, 0xFF]), self.bytes.count % 2 == 0 else { return self }
        let bytes = self.bytes.array
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2 - 1)
        var index = 2
        while index + 1 < bytes.count {
            let (low, high) = littleEndian ? (bytes[index], bytes[index + 1]) : (bytes[index + 1], bytes[index])
            units.append(UInt16(high) << 8 | UInt16(low))
            index += 2
        }
        return InputFile(name: name, bytes: Array(String(decoding: units, as: UTF16.self).utf8))
    }

    /// Why the bytes are not the text a `.yaml` or `.json` name promises, or `nil` when they are.
    func textProblem() -> String? {
        bytes.withUnsafeBufferPointer { bytes in
            if let zero = bytes.firstIndex(of: 0) { return "is not text: byte \(zero) is NUL (a binary file with a text name?)" }
            return Self.utf8Problem(bytes)
        }
    }

    private static func utf8Problem(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        var iterator = bytes.makeIterator()
        var parser = Unicode.UTF8.ForwardParser()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .error: return "is not UTF-8 text (an invalid byte at offset \(offset)); save it as UTF-8"
            case .emptyInput: return nil
            }
        }
    }

    /// The line of the first `{{` when the text looks like a Go template (a Helm chart's
    /// template), which must be rendered before it is a manifest.
    var templateLine: Int? {
        bytes.withUnsafeBufferPointer { buffer -> Int? in
            var line = 1
            var previous: UInt8 = 0
            for byte in buffer {
                if byte == 0x7B, previous == 0x7B { return line }
                if byte == 0x0A { line += 1 }
                previous = byte
            }
            return nil
        }
    }
}
