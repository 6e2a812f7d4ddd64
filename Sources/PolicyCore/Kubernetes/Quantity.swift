/// A Kubernetes `resource.Quantity`, held exactly as a count of nano-units.
///
/// Every quantity Kubernetes accepts is a whole number of nano-units (it rounds finer values up
/// to `1n`), so an `Int128` count compares and adds exactly: `1024Mi == 1Gi`, `1G < 1Gi`,
/// `100m < 0.5`. Values past ±1.7×10^29 units (Kubernetes keeps arbitrary decimal magnitudes there)
/// saturate at the ends of that range; they are far beyond any real resource.
public struct Quantity: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// How Kubernetes would print the value back (it keeps the style of the input).
    public enum Format: String, Sendable {
        case decimalSI, binarySI, decimalExponent
    }

    /// The value in units of 10^-9.
    public let nanos: Int128
    /// The input's style, used when the value is printed canonically.
    public let format: Format
    /// The text the value was parsed from, kept for messages (`nil` for computed values).
    public let text: String?

    /// `2^63 - 1` units: the cap Kubernetes applies to binary-suffixed values.
    public static let maxInt64Nanos = Int128(Int64.max) * Quantity.nanosPerUnit
    static let nanosPerUnit: Int128 = 1_000_000_000

    public static let zero = Quantity(nanos: 0)

    public init(nanos: Int128, format: Format = .decimalSI, text: String? = nil) {
        self.nanos = nanos
        self.format = format
        self.text = text
    }

    /// A whole number of units.
    public init(units: Int64) {
        self.init(nanos: Int128(units) * Quantity.nanosPerUnit)
    }

    public var isZero: Bool { nanos == 0 }
    public var isPositive: Bool { nanos > 0 }

    public static func == (lhs: Quantity, rhs: Quantity) -> Bool { lhs.nanos == rhs.nanos }
    public func hash(into hasher: inout Hasher) { hasher.combine(nanos) }
    public static func < (lhs: Quantity, rhs: Quantity) -> Bool { lhs.nanos < rhs.nanos }

    /// Exact sum, saturating at the representable range; keeps the left operand's format, as
    /// Kubernetes' `Add` does.
    public static func + (lhs: Quantity, rhs: Quantity) -> Quantity {
        let (sum, overflow) = lhs.nanos.addingReportingOverflow(rhs.nanos)
        let value = overflow ? (rhs.nanos > 0 ? Int128.max : Int128.min) : sum
        return Quantity(nanos: value, format: lhs.nanos == 0 ? rhs.format : lhs.format)
    }

    /// Exact product with a count (a group's replicas), saturating at the representable range;
    /// keeps the quantity's format.
    public static func * (lhs: Quantity, count: Int) -> Quantity {
        let (product, overflow) = lhs.nanos.multipliedReportingOverflow(by: Int128(count))
        let value = overflow ? ((lhs.nanos > 0) == (count > 0) ? Int128.max : Int128.min) : product
        return Quantity(nanos: value, format: lhs.format)
    }

    /// Whether `self <= ratio * other`, computed exactly (no floating point).
    public func isAtMost(_ ratio: Quantity, times other: Quantity) -> Bool {
        // Both sides scaled to nano^2 units: self * 1e9 <= ratio * other.
        let left = nanos.multipliedFullWidth(by: Quantity.nanosPerUnit)
        let right = ratio.nanos.multipliedFullWidth(by: other.nanos)
        return left.high < right.high || (left.high == right.high && left.low <= right.low)
    }

    /// The input text when there is one, else the canonical form.
    public var description: String { text ?? canonical }

    /// Whether the two read the same (`description`), without spelling a canonical form when
    /// neither has text: the same value in the same format is spelled alike.
    package func isSpelledAlike(_ other: Quantity) -> Bool {
        if let text, let otherText = other.text { return text == otherText }
        if text == nil, other.text == nil, nanos == other.nanos, format == other.format { return true }
        return description == other.description
    }

    /// The canonical Kubernetes-style spelling: the largest suffix that keeps the value whole
    /// (`1536Mi`, `1500m`, `2G`, `1e3`).
    public var canonical: String {
        if nanos == 0 { return "0" }
        let negative = nanos < 0
        let magnitude = nanos.magnitude
        let sign = negative ? "-" : ""
        if format == .binarySI, magnitude % UInt128(Quantity.nanosPerUnit) == 0 {
            var units = magnitude / UInt128(Quantity.nanosPerUnit)
            var index = 0
            let suffixes = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]
            while index + 1 < suffixes.count, units >= 1024, units % 1024 == 0 {
                units /= 1024
                index += 1
            }
            return sign + String(units) + suffixes[index]
        }
        // Decimal: exponents -9 ... 18 in steps of 3.
        var value = magnitude
        var exponent = -9
        while exponent < 18, value % 1000 == 0 {
            value /= 1000
            exponent += 3
        }
        if format == .decimalExponent {
            return sign + String(value) + (exponent == 0 ? "" : "e\(exponent)")
        }
        let suffix: String
        switch exponent {
        case -9: suffix = "n"
        case -6: suffix = "u"
        case -3: suffix = "m"
        case 0: suffix = ""
        case 3: suffix = "k"
        case 6: suffix = "M"
        case 9: suffix = "G"
        case 12: suffix = "T"
        case 15: suffix = "P"
        default: suffix = "E"
        }
        return sign + String(value) + suffix
    }
}
