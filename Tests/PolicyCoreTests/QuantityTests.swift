import Testing

@testable import PolicyCore

/// Cases from Kubernetes' `apimachinery/pkg/api/resource/quantity_test.go` (TestQuantityParse),
/// expected values written as nano-units.
@Suite("Quantity parsing matches Kubernetes")
struct QuantityTests {
    static let nano: Int128 = 1
    static let unit: Int128 = 1_000_000_000

    static let parsed: [(String, Int128)] = [
        ("0", 0), ("0n", 0), ("0u", 0), ("0m", 0), ("0Ki", 0), ("0k", 0), ("0Mi", 0), ("0M", 0), ("0Gi", 0), ("0G", 0), ("0Ti", 0), ("0T", 0),
        ("1", unit), ("1Ki", 1024 * unit), ("8Ki", 8 * 1024 * unit), ("7Mi", 7 * 1_048_576 * unit), ("6Gi", 6 * 1_073_741_824 * unit),
        ("5Ti", 5 * 1_099_511_627_776 * unit), ("4Pi", 4 * 1_125_899_906_842_624 * unit), ("3Ei", 3 * 1_152_921_504_606_846_976 * unit),
        ("5n", 5), ("4u", 4000), ("3m", 3_000_000), ("9", 9 * unit), ("8k", 8000 * unit), ("50k", 50000 * unit), ("7M", 7_000_000 * unit),
        ("6G", 6_000_000_000 * unit), ("5T", 5_000_000_000_000 * unit), ("2P", 2_000_000_000_000_000 * unit),
        ("1E", 1_000_000_000_000_000_000 * unit), ("12E", 12_000_000_000_000_000_000 * unit),
        ("1E-3", 1_000_000), ("1e3", 1000 * unit), ("1E6", 1_000_000 * unit), ("1e9", 1_000_000_000 * unit), ("100.035k", 100_035 * unit),
        ("0.001", 1_000_000), ("0.0005k", 500_000_000), ("0.005", 5_000_000), ("0.5", 500_000_000), ("0.5e0", 500_000_000), ("0.5e-1", 50_000_000),
        ("0.5e-2", 5_000_000), ("10.035M", 10_035_000 * unit), ("1.2e3", 1200 * unit), ("1.3E+6", 1_300_000 * unit), ("1.40e9", 1_400_000_000 * unit),
        ("9.01", 9_010_000_000), ("8.1k", 8100 * unit), ("7.123456M", 7_123_456 * unit), ("6.987654321G", 6_987_654_321 * unit),
        // Values Kubernetes rounds up to the next nano-unit.
        ("3.001n", 4), ("1.1E-9", 2), ("0.0000000001", 1), ("0.0000000005", 1), ("0.00000000050", 1), ("0.5e-9", 1), ("0.9n", 1),
        ("0.00000012345", 124), ("0.00000012354", 124),
        // Binary values are capped at 2^63-1 units.
        ("9Ei", Int128(Int64.max) * unit), ("9223372036854775807Ki", Int128(Int64.max) * unit),
        ("100.035Ki", 102_435_840_000_000), ("0.5Mi", 524_288 * unit), ("0.05Gi", 53_687_091_200_000_000), ("0.025Ti", 27_487_790_694_400_000_000),
        ("0.000000000001Ki", 2), (".001", 1_000_000), (".0001k", 100_000_000), ("1.", unit), ("1.G", 1_000_000_000 * unit),
        (".", 0), ("-.", 0), ("+1", unit), ("-1", -unit), ("-100m", -100_000_000),
    ]

    /// Inputs for the fast path: the table above plus every suffix on small, leading-zero,
    /// 18-digit and 19-digit numbers, which must all give what the general parser gives.
    static let simpleShapes: [String] = {
        let suffixes = ["", "n", "u", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "i", "mi", "KI", "e3"]
        let numbers = ["0", "00", "007", "1", "16", "500", "999999999999999999", "1000000000000000000", "9223372036854775807", "12.5", ""]
        return parsed.map(\.0) + numbers.flatMap { number in suffixes.map { number + $0 } }
    }()

    @Test("the fast path agrees with the general parser wherever it answers", arguments: simpleShapes)
    func simpleAgreesWithGeneral(text: String) {
        guard let simple = QuantityParser.parseSimple(text) else { return }
        let general = try? QuantityParser.parseGeneral(text)
        #expect(general?.nanos == simple.nanos)
        #expect(general?.format == simple.format)
        #expect(general?.text == simple.text)
    }

    @Test("the fast path takes the shapes real pods use", arguments: ["500m", "4", "16Gi", "512Mi", "100k", "2G", "0", "1Ti"])
    func simpleShapesTakeTheFastPath(text: String) {
        #expect(QuantityParser.parseSimple(text) != nil)
    }

    @Test("parses to the exact value Kubernetes computes", arguments: parsed)
    func parse(text: String, nanos: Int128) throws {
        #expect(try Quantity(parsing: text).nanos == nanos)
    }

    @Test("a leading minus negates every case", arguments: parsed.filter { !$0.0.hasPrefix("-") && !$0.0.hasPrefix("+") })
    func negative(text: String, nanos: Int128) throws {
        #expect(try Quantity(parsing: "-" + text).nanos == -nanos)
        #expect(try Quantity(parsing: "+" + text).nanos == nanos)
    }

    @Test(
        "rejects what Kubernetes rejects",
        arguments: [
            "", "1.1.M", "1+1.0M", "0.1mi", "0.1am", "aoeu", ".5i", "1i", "-3.01i", "-3.01e-", " 1", "1 ", "1e", "1Ki2", "1KiB", "12 Gi", "1,5",
            "0x10", "infinity",
        ])
    func invalid(text: String) {
        #expect(throws: QuantityError.self) { try Quantity(parsing: text) }
    }

    @Test(
        "compares by value, not by spelling",
        arguments: [
            ("1024Mi", "1Gi", 0), ("1G", "1Gi", -1), ("100m", "0.1", 0), ("1e3", "1k", 0), ("0.5Gi", "512Mi", 0), ("1500m", "1.5", 0),
            ("2", "1999m", 1), ("1Ki", "1024", 0), ("1M", "1Mi", -1), ("128974848", "129e6", -1), ("129M", "123Mi", 1),
        ])
    func compare(left: String, right: String, order: Int) throws {
        let a = try Quantity(parsing: left)
        let b = try Quantity(parsing: right)
        #expect((a < b ? -1 : (a == b ? 0 : 1)) == order)
    }

    @Test(
        "formats canonically",
        arguments: [
            ("1536Mi", "1536Mi"), ("1.5Gi", "1536Mi"), ("1500m", "1500m"), ("2000m", "2"), ("1e3", "1e3"), ("0.5", "500m"), ("1024Ki", "1Mi"),
            ("3000", "3k"),
        ])
    func canonical(text: String, expected: String) throws {
        #expect(try Quantity(parsing: text).canonical == expected)
    }

    @Test("binary values below one switch to decimal format, as in Kubernetes")
    func formatSwitch() throws {
        #expect(try Quantity(parsing: "0.000000000001Ki").format == .decimalSI)
        #expect(try Quantity(parsing: "1Ki").format == .binarySI)
        #expect(try Quantity(parsing: "1e3").format == .decimalExponent)
    }

    @Test("long and huge inputs stay exact or saturate, never crash")
    func extremes() throws {
        let long = "0." + String(repeating: "0", count: 100) + "1"
        #expect(try Quantity(parsing: long).nanos == 1)
        #expect(try Quantity(parsing: "1e2147483647").nanos == Int128.max)
        #expect(try Quantity(parsing: "123456789012345678901234567890123456789012345678").nanos == Int128.max)
        #expect(try Quantity(parsing: "1234567890123456789012345678901234567890e-30").nanos == 1_234_567_890_123_456_790)
        #expect(throws: QuantityError.self) { try Quantity(parsing: String(repeating: "9", count: 300)) }
    }

    @Test("ratio comparison is exact")
    func ratio() throws {
        let limit = try Quantity(parsing: "3Gi")
        let request = try Quantity(parsing: "1.5Gi")
        #expect(limit.isAtMost(Quantity(units: 2), times: request))
        #expect(!limit.isAtMost(try Quantity(parsing: "1.999999999"), times: request))
    }
}
