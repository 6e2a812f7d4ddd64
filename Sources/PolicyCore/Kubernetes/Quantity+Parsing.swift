import Foundation
import PolicyJSON

/// Why a quantity string was refused. The grammar and the accepted oddities (`1.`, `.5`, `+1`,
/// `1.G`, `0.1e-3`) are those of Kubernetes' `ParseQuantity`.
public enum QuantityError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case tooLong(length: Int)
    /// A character Kubernetes does not accept at this position.
    case malformed(text: String, offset: Int)
    /// A suffix that is neither decimal (`m`, `k`, `M`, ...), binary (`Ki`, `Mi`, ...) nor an exponent.
    case unknownSuffix(text: String, suffix: String)
    /// A JSON value that is neither a string nor a number (the kind's phrase: `an object`).
    case notAQuantity(kind: String)

    public var description: String {
        switch self {
        case .empty:
            "a quantity cannot be empty"
        case .tooLong(let length):
            "a quantity of \(length) characters is longer than the \(Quantity.maxTextLength) allowed"
        case .malformed(let text, let offset):
            "'\(text)' is not a Kubernetes quantity (unexpected character at offset \(offset)); "
                + "write a number with an optional suffix, e.g. 500m, 2, 1.5Gi, 1e3"
        case .unknownSuffix(let text, let suffix):
            "'\(text)' has the unknown suffix '\(suffix)'; use n, u, m, k, M, G, T, P, E, "
                + "Ki, Mi, Gi, Ti, Pi, Ei or an exponent like e3"
        case .notAQuantity(let kind):
            "expected a quantity (a string such as \"500m\" or a number), found \(kind)"
        }
    }
}

extension Quantity {
    /// Longer quantity strings are refused before any arithmetic; no real quantity comes close.
    public static let maxTextLength = 256

    /// Parses a quantity exactly as Kubernetes' `resource.ParseQuantity` does.
    public init(parsing text: String) throws(QuantityError) {
        self = try QuantityParser.parse(text)
    }

    /// The quantity of a JSON value as Kubernetes' `Quantity.UnmarshalJSON` reads it: a string
    /// with surrounding white space trimmed, an integer exactly (above 2^53 too), any other
    /// number through its shortest decimal form. (`null` is a zero quantity there; callers that
    /// accept it decide so.)
    public init(json value: some JSONReadable) throws(QuantityError) {
        if let text = value.string {
            try self.init(parsing: Self.trimmed(text))
        } else if let number = value.integer {
            self.init(nanos: Int128(number) * Quantity.nanosPerUnit)
        } else if let number = value.number {
            try self.init(jsonNumber: number)
        } else {
            throw .notAQuantity(kind: value.kind.phrase)
        }
    }

    /// `text` without surrounding white space, as Go's `strings.TrimSpace`; the text itself
    /// (no copy) in the usual case of none, since every quantity of every pod comes through here.
    static func trimmed(_ text: String) -> String {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || (0x09...0x0D).contains(byte) }
        guard let first = text.utf8.first, let last = text.utf8.last, isSpace(first) || isSpace(last) || first >= 0x80 || last >= 0x80 else {
            return text
        }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A JSON number that is not an integer: Kubernetes parses its text; this parses the
    /// shortest decimal form of the double jansson read.
    public init(jsonNumber value: Double) throws(QuantityError) {
        let text = value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : "\(value)"
        try self.init(parsing: text)
    }
}

enum QuantityParser {
    private static let suffixCharacters = Set("eEinumkKMGTP".utf8)

    static func parse(_ text: String) throws(QuantityError) -> Quantity {
        if let simple = parseSimple(text) { return simple }
        return try parseGeneral(text)
    }

    /// The shape nearly every real quantity has: up to 18 digits and an SI or binary suffix
    /// (`500m`, `16Gi`, `4`), computed in one pass over the bytes. `nil` hands anything else (signs,
    /// fractions, exponents, values that need saturation) to ``parseGeneral(_:)``, which gives
    /// the same result for these inputs, only slower; a test checks the two agree.
    static func parseSimple(_ text: String) -> Quantity? {
        let parsed: (value: UInt64, suffixStart: Int, count: Int)?? = text.utf8.withContiguousStorageIfAvailable { bytes in
            guard !bytes.isEmpty, bytes.count <= 20 else { return nil }
            var value: UInt64 = 0
            var position = 0
            while position < bytes.count, isDigit(bytes[position]) {
                guard position < 18 else { return nil }
                value = value * 10 + UInt64(bytes[position] &- 48)
                position += 1
            }
            guard position > 0 else { return nil }
            return (value, position, bytes.count)
        }
        guard let (value, suffixStart, count) = parsed ?? nil else { return nil }
        let unit: (multiplier: Int128, binary: Bool)
        switch count - suffixStart {
        case 0:
            unit = (1_000_000_000, false)
        case 1:
            switch text.utf8.last {
            case UInt8(ascii: "n"): unit = (1, false)
            case UInt8(ascii: "u"): unit = (1_000, false)
            case UInt8(ascii: "m"): unit = (1_000_000, false)
            case UInt8(ascii: "k"): unit = (1_000_000_000_000, false)
            case UInt8(ascii: "M"): unit = (1_000_000_000_000_000, false)
            case UInt8(ascii: "G"): unit = (1_000_000_000_000_000_000, false)
            case UInt8(ascii: "T"): unit = (1_000_000_000_000_000_000_000, false)
            default: return nil
            }
        case 2:
            guard text.utf8.last == UInt8(ascii: "i") else { return nil }
            let shift: Int
            switch text.utf8.dropLast().last {
            case UInt8(ascii: "K"): shift = 10
            case UInt8(ascii: "M"): shift = 20
            case UInt8(ascii: "G"): shift = 30
            case UInt8(ascii: "T"): shift = 40
            default: return nil
            }
            unit = (Int128(1) << shift * Quantity.nanosPerUnit, true)
        default:
            return nil
        }
        let (nanos, overflow) = Int128(value).multipliedReportingOverflow(by: unit.multiplier)
        guard !overflow, !unit.binary || nanos <= Quantity.maxInt64Nanos else { return nil }
        return Quantity(nanos: nanos, format: unit.binary ? .binarySI : .decimalSI, text: text)
    }

    static func parseGeneral(_ text: String) throws(QuantityError) -> Quantity {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= Quantity.maxTextLength else { throw .tooLong(length: bytes.count) }
        if bytes == [UInt8(ascii: "0")] { return Quantity(nanos: 0, text: text) }

        var position = 0
        var positive = true
        if bytes[0] == UInt8(ascii: "-") {
            positive = false
            position = 1
        } else if bytes[0] == UInt8(ascii: "+") {
            position = 1
        }
        while position < bytes.count, bytes[position] == UInt8(ascii: "0") { position += 1 }
        let numStart = position
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        let numeratorCount = position - numStart
        var denominatorStart = position
        var denominatorCount = 0
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            denominatorStart = position
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
            denominatorCount = position - denominatorStart
        }
        let suffixStart = position
        while position < bytes.count, suffixCharacters.contains(bytes[position]) { position += 1 }
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") || bytes[position] == UInt8(ascii: "+") {
            position += 1
        }
        while position < bytes.count {
            guard isDigit(bytes[position]) else { throw .malformed(text: text, offset: position) }
            position += 1
        }
        let suffix = String(decoding: bytes[suffixStart...], as: UTF8.self)
        guard let (base, exponent, format) = interpret(suffix) else {
            throw .unknownSuffix(text: text, suffix: suffix)
        }

        // The significant digits: numerator (leading zeros dropped) then the fraction.
        var digits = [UInt8]()
        digits.reserveCapacity(numeratorCount + denominatorCount)
        for byte in bytes[numStart..<(numStart + numeratorCount)] { digits.append(byte &- 48) }
        for byte in bytes[denominatorStart..<(denominatorStart + denominatorCount)] { digits.append(byte &- 48) }

        let decimalExponent = (base == 10 ? Int(exponent) : 0) - denominatorCount + 9
        let binaryExponent = base == 2 ? Int(exponent) : 0
        var magnitude = NanoArithmetic.nanos(digits: digits, decimalExponent: decimalExponent, binaryExponent: binaryExponent)

        var resultFormat = format
        if format == .binarySI {
            magnitude = min(magnitude, Quantity.maxInt64Nanos)
            if magnitude > 0, magnitude < Quantity.nanosPerUnit { resultFormat = .decimalSI }
        }
        return Quantity(nanos: positive ? magnitude : -magnitude, format: resultFormat, text: text)
    }

    @inline(__always)
    private static func isDigit(_ byte: UInt8) -> Bool { byte >= 48 && byte <= 57 }

    /// Kubernetes' suffixer: decimal SI, binary SI, or `e`/`E` followed by a signed integer.
    /// The exponent is truncated to 32 bits as Kubernetes' `int32(parsed)` does.
    private static func interpret(_ suffix: String) -> (base: Int, exponent: Int32, format: Quantity.Format)? {
        switch suffix {
        case "": return (10, 0, .decimalSI)
        case "n": return (10, -9, .decimalSI)
        case "u": return (10, -6, .decimalSI)
        case "m": return (10, -3, .decimalSI)
        case "k": return (10, 3, .decimalSI)
        case "M": return (10, 6, .decimalSI)
        case "G": return (10, 9, .decimalSI)
        case "T": return (10, 12, .decimalSI)
        case "P": return (10, 15, .decimalSI)
        case "E": return (10, 18, .decimalSI)
        case "Ki": return (2, 10, .binarySI)
        case "Mi": return (2, 20, .binarySI)
        case "Gi": return (2, 30, .binarySI)
        case "Ti": return (2, 40, .binarySI)
        case "Pi": return (2, 50, .binarySI)
        case "Ei": return (2, 60, .binarySI)
        default:
            guard suffix.utf8.count > 1, let first = suffix.utf8.first,
                first == UInt8(ascii: "e") || first == UInt8(ascii: "E"),
                let parsed = Int64(suffix.dropFirst())
            else { return nil }
            return (10, Int32(truncatingIfNeeded: parsed), .decimalExponent)
        }
    }
}

/// `digits × 2^b × 10^e`, rounded up (away from zero) to a whole number, saturating at
/// `Int128.max`. Short inputs use `Int128`; long ones a small base-2^32 big integer.
enum NanoArithmetic {
    static func nanos(digits: [UInt8], decimalExponent e: Int, binaryExponent b: Int) -> Int128 {
        guard digits.contains(where: { $0 != 0 }) else { return 0 }
        // Beyond 10^39 the result saturates; below 10^-(digits + 20) it rounds up to 1.
        if e > 40 { return .max }
        if -e > digits.count + 20 { return 1 }
        if digits.count <= 36, let fast = small(digits: digits, e: e, b: b) { return fast }
        return big(digits: digits, e: e, b: b)
    }

    private static func small(digits: [UInt8], e: Int, b: Int) -> Int128? {
        var value: Int128 = 0
        for digit in digits { value = value * 10 + Int128(digit) }
        if b > 0 {
            let (shifted, overflow) = value.multipliedReportingOverflow(by: Int128(1) << b)
            guard !overflow else { return nil }
            value = shifted
        }
        if e >= 0 {
            for _ in 0..<e {
                let (next, overflow) = value.multipliedReportingOverflow(by: 10)
                if overflow { return .max }
                value = next
            }
            return value
        }
        var divisor: Int128 = 1
        for _ in 0..<(-e) {
            let (next, overflow) = divisor.multipliedReportingOverflow(by: 10)
            if overflow { return nil }
            divisor = next
        }
        let (quotient, remainder) = value.quotientAndRemainder(dividingBy: divisor)
        return remainder == 0 ? quotient : quotient + 1
    }

    private static func big(digits: [UInt8], e: Int, b: Int) -> Int128 {
        var number = BigUInt()
        for digit in digits {
            number.multiply(by: 10)
            number.add(UInt32(digit))
        }
        for _ in 0..<b { number.multiply(by: 2) }
        var inexact = false
        if e >= 0 {
            for _ in 0..<e { number.multiply(by: 10) }
        } else {
            for _ in 0..<(-e) where number.divide(by: 10) != 0 { inexact = true }
        }
        guard var result = number.int128 else { return .max }
        if inexact { result = result == .max ? .max : result + 1 }
        return result
    }
}

/// Just enough of an arbitrary-precision unsigned integer for quantity parsing.
struct BigUInt {
    private var limbs: [UInt32] = []  // little-endian

    mutating func multiply(by factor: UInt32) {
        var carry: UInt64 = 0
        for index in limbs.indices {
            let product = UInt64(limbs[index]) * UInt64(factor) + carry
            limbs[index] = UInt32(truncatingIfNeeded: product)
            carry = product >> 32
        }
        if carry != 0 { limbs.append(UInt32(carry)) }
    }

    mutating func add(_ addend: UInt32) {
        var carry = UInt64(addend)
        var index = 0
        while carry != 0 {
            if index == limbs.count { limbs.append(0) }
            let sum = UInt64(limbs[index]) + carry
            limbs[index] = UInt32(truncatingIfNeeded: sum)
            carry = sum >> 32
            index += 1
        }
    }

    /// Divides in place and returns the remainder.
    mutating func divide(by divisor: UInt32) -> UInt32 {
        var remainder: UInt64 = 0
        for index in limbs.indices.reversed() {
            let current = (remainder << 32) | UInt64(limbs[index])
            limbs[index] = UInt32(current / UInt64(divisor))
            remainder = current % UInt64(divisor)
        }
        while let last = limbs.last, last == 0 { limbs.removeLast() }
        return UInt32(remainder)
    }

    /// The value, when it fits in a positive `Int128`.
    var int128: Int128? {
        guard limbs.count <= 4 else { return nil }
        var value: UInt128 = 0
        for limb in limbs.reversed() { value = (value << 32) | UInt128(limb) }
        return value > UInt128(Int128.max) ? nil : Int128(value)
    }
}
