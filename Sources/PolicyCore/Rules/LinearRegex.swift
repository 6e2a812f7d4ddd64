/// A regular expression matched in time linear in the input (a Pike VM over a compiled NFA),
/// in the RE2 spirit: no backreferences or lookaround, and a bounded program size, so a policy
/// can never make evaluation hang. Matches are anchored at both ends.
///
/// Syntax: literals, `.`, classes `[a-z0-9_]` / `[^...]`, escapes `\d \w \s \D \W \S` and escaped
/// metacharacters, groups `(...)` and `(?:...)`, `|`, `*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`.
public struct LinearRegex: Sendable {
    public enum ParseError: Error, Sendable, CustomStringConvertible, Equatable {
        case tooLong
        case tooComplex
        case unexpected(String, offset: Int)
        case unsupported(String, offset: Int)

        public var description: String {
            switch self {
            case .tooLong: "the expression is longer than \(LinearRegex.maxPatternLength) characters"
            case .tooComplex: "the expression expands to more than \(LinearRegex.maxProgramSize) steps; simplify its repetitions"
            case .unexpected(let what, let offset): "unexpected \(what) at offset \(offset)"
            case .unsupported(let what, let offset): "\(what) at offset \(offset) is not supported (RE2 syntax, linear time)"
            }
        }
    }

    public static let maxPatternLength = 1000
    public static let maxProgramSize = 10_000

    struct CharSet: Sendable {
        var ranges: [ClosedRange<UInt32>]
        var negated: Bool

        func contains(_ scalar: UInt32) -> Bool {
            ranges.contains { $0.contains(scalar) } != negated
        }
    }

    enum Instruction: Sendable {
        case char(CharSet)
        case split(Int, Int)
        case jump(Int)
        case match
    }

    indirect enum Node {
        case empty
        case set(CharSet)
        case concat([Node])
        case alternate([Node])
        case repeated(Node, min: Int, max: Int?)
    }

    public let pattern: String
    let program: [Instruction]

    public init(_ pattern: String) throws(ParseError) {
        guard pattern.unicodeScalars.count <= Self.maxPatternLength else { throw .tooLong }
        self.pattern = pattern
        var parser = Parser(Array(pattern.unicodeScalars.map(\.value)))
        let tree = try parser.parseAlternation()
        if parser.position < parser.scalars.count { throw .unexpected("')'", offset: parser.position) }
        var program: [Instruction] = []
        try Self.compile(tree, into: &program)
        program.append(.match)
        self.program = program
    }

    private static func compile(_ node: Node, into program: inout [Instruction]) throws(ParseError) {
        guard program.count < maxProgramSize else { throw .tooComplex }
        switch node {
        case .empty: break
        case .set(let set): program.append(.char(set))
        case .concat(let nodes): for child in nodes { try compile(child, into: &program) }
        case .alternate(let nodes):
            var jumps: [Int] = []
            for (index, child) in nodes.enumerated() {
                if index < nodes.count - 1 {
                    let split = program.count
                    program.append(.split(split + 1, 0))
                    try compile(child, into: &program)
                    jumps.append(program.count)
                    program.append(.jump(0))
                    program[split] = .split(split + 1, program.count)
                } else {
                    try compile(child, into: &program)
                }
            }
            for jump in jumps { program[jump] = .jump(program.count) }
        case .repeated(let child, let min, let max):
            for _ in 0..<min { try compile(child, into: &program) }
            if let max {
                var splits: [Int] = []
                for _ in min..<max {
                    splits.append(program.count)
                    program.append(.split(program.count + 1, 0))
                    try compile(child, into: &program)
                }
                for split in splits { program[split] = .split(split + 1, program.count) }
            } else {
                let loop = program.count
                program.append(.split(loop + 1, 0))
                try compile(child, into: &program)
                program.append(.jump(loop))
                program[loop] = .split(loop + 1, program.count)
            }
        }
        if program.count > maxProgramSize { throw .tooComplex }
    }

    /// Whether the whole of `text` matches.
    public func matches(_ text: String) -> Bool {
        var current = ThreadList(capacity: program.count)
        var next = ThreadList(capacity: program.count)
        add(0, to: &current)
        for scalar in text.unicodeScalars {
            next.clear()
            for pc in current.items {
                if case .char(let set) = program[pc], set.contains(scalar.value) { add(pc + 1, to: &next) }
            }
            swap(&current, &next)
            if current.items.isEmpty { return false }
        }
        return current.items.contains { if case .match = program[$0] { true } else { false } }
    }

    private func add(_ start: Int, to list: inout ThreadList) {
        var stack = [start]
        while let pc = stack.popLast() {
            guard list.insert(pc) else { continue }
            switch program[pc] {
            case .jump(let target): stack.append(target)
            case .split(let first, let second):
                stack.append(second)
                stack.append(first)
            case .char, .match: break
            }
        }
    }

    /// A sparse set of program counters, in insertion order.
    private struct ThreadList {
        var items: [Int] = []
        var seen: [Bool]

        init(capacity: Int) {
            seen = Array(repeating: false, count: capacity)
            items.reserveCapacity(capacity)
        }

        mutating func insert(_ pc: Int) -> Bool {
            if seen[pc] { return false }
            seen[pc] = true
            items.append(pc)
            return true
        }

        mutating func clear() {
            for pc in items { seen[pc] = false }
            items.removeAll(keepingCapacity: true)
        }
    }

    private struct Parser {
        let scalars: [UInt32]
        var position = 0

        init(_ scalars: [UInt32]) {
            self.scalars = scalars
        }

        private var peek: UInt32? { position < scalars.count ? scalars[position] : nil }
        private static func ascii(_ c: Character) -> UInt32 { UInt32(c.asciiValue ?? 0) }

        mutating func parseAlternation() throws(ParseError) -> Node {
            var branches = [try parseConcatenation()]
            while peek == Self.ascii("|") {
                position += 1
                branches.append(try parseConcatenation())
            }
            return branches.count == 1 ? branches[0] : .alternate(branches)
        }

        private mutating func parseConcatenation() throws(ParseError) -> Node {
            var items: [Node] = []
            while let c = peek, c != Self.ascii("|"), c != Self.ascii(")") {
                var atom = try parseAtom()
                atom = try parseQuantifiers(atom)
                items.append(atom)
            }
            return items.isEmpty ? .empty : (items.count == 1 ? items[0] : .concat(items))
        }

        private mutating func parseQuantifiers(_ atom: Node) throws(ParseError) -> Node {
            var node = atom
            while let c = peek {
                let (min, max): (Int, Int?)
                if c == Self.ascii("*") {
                    (min, max) = (0, nil)
                    position += 1
                } else if c == Self.ascii("+") {
                    (min, max) = (1, nil)
                    position += 1
                } else if c == Self.ascii("?") {
                    (min, max) = (0, 1)
                    position += 1
                } else if c == Self.ascii("{"), let counted = try parseCount() {
                    (min, max) = counted
                } else {
                    break
                }
                // A lazy marker changes which match is found, never whether one exists.
                if peek == Self.ascii("?") { position += 1 }
                if let max, max < min { throw .unexpected("repetition {\(min),\(max)}", offset: position) }
                if min > 1000 || (max ?? 0) > 1000 { throw .tooComplex }
                node = .repeated(node, min: min, max: max)
            }
            return node
        }

        /// `{n}`, `{n,}`, `{n,m}`; `nil` (nothing consumed) when the brace is a literal.
        private mutating func parseCount() throws(ParseError) -> (Int, Int?)? {
            let start = position
            position += 1
            func number() -> Int? {
                var value: Int?
                while let c = peek, c >= Self.ascii("0"), c <= Self.ascii("9") {
                    value = (value ?? 0) * 10 + Int(c - Self.ascii("0"))
                    if value ?? 0 > 100_000 { return nil }
                    position += 1
                }
                return value
            }
            guard let min = number() else {
                position = start
                return nil
            }
            var max: Int? = min
            if peek == Self.ascii(",") {
                position += 1
                max = number()
            }
            guard peek == Self.ascii("}") else {
                position = start
                return nil
            }
            position += 1
            return (min, max)
        }

        private mutating func parseAtom() throws(ParseError) -> Node {
            guard let c = peek else { throw .unexpected("end", offset: position) }
            switch c {
            case Self.ascii("("):
                position += 1
                if peek == Self.ascii("?") {
                    guard position + 1 < scalars.count, scalars[position + 1] == Self.ascii(":") else {
                        throw .unsupported("a group flag or lookaround", offset: position)
                    }
                    position += 2
                }
                let inner = try parseAlternation()
                guard peek == Self.ascii(")") else { throw .unexpected("end of group", offset: position) }
                position += 1
                return inner
            case Self.ascii("["):
                return .set(try parseClass())
            case Self.ascii("."):
                position += 1
                return .set(CharSet(ranges: [10...10], negated: true))
            case Self.ascii("^"), Self.ascii("$"):
                // Matches are anchored at both ends already.
                let atEdge = position == 0 || position == scalars.count - 1
                guard atEdge else { throw .unsupported("an anchor inside the expression", offset: position) }
                position += 1
                return .empty
            case Self.ascii("\\"):
                position += 1
                return .set(try parseEscape())
            case Self.ascii("*"), Self.ascii("+"), Self.ascii("?"):
                throw .unexpected("repetition operator", offset: position)
            default:
                position += 1
                return .set(CharSet(ranges: [c...c], negated: false))
            }
        }

        private mutating func parseEscape() throws(ParseError) -> CharSet {
            guard let c = peek else { throw .unexpected("end after '\\'", offset: position) }
            position += 1
            let digits: [ClosedRange<UInt32>] = [48...57]
            let word: [ClosedRange<UInt32>] = [48...57, 65...90, 97...122, 95...95]
            let space: [ClosedRange<UInt32>] = [9...13, 32...32]
            switch c {
            case Self.ascii("d"): return CharSet(ranges: digits, negated: false)
            case Self.ascii("D"): return CharSet(ranges: digits, negated: true)
            case Self.ascii("w"): return CharSet(ranges: word, negated: false)
            case Self.ascii("W"): return CharSet(ranges: word, negated: true)
            case Self.ascii("s"): return CharSet(ranges: space, negated: false)
            case Self.ascii("S"): return CharSet(ranges: space, negated: true)
            case Self.ascii("n"): return CharSet(ranges: [10...10], negated: false)
            case Self.ascii("t"): return CharSet(ranges: [9...9], negated: false)
            default:
                let isAlphanumeric = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
                if isAlphanumeric { throw .unsupported("the escape '\\\(Character(Unicode.Scalar(c) ?? "?"))'", offset: position - 2) }
                return CharSet(ranges: [c...c], negated: false)
            }
        }

        private mutating func parseClass() throws(ParseError) -> CharSet {
            let start = position
            position += 1
            var set = CharSet(ranges: [], negated: false)
            if peek == Self.ascii("^") {
                set.negated = true
                position += 1
            }
            var first = true
            while true {
                guard let c = peek else { throw .unexpected("end of class opened", offset: start) }
                if c == Self.ascii("]"), !first {
                    position += 1
                    return set
                }
                first = false
                var low = c
                position += 1
                if c == Self.ascii("\\") {
                    let escaped = try parseEscape()
                    if escaped.negated || escaped.ranges.count != 1 || escaped.ranges[0].count != 1 {
                        guard !escaped.negated else { throw .unsupported("a negated escape inside a class", offset: position) }
                        set.ranges += escaped.ranges
                        continue
                    }
                    low = escaped.ranges[0].lowerBound
                }
                if peek == Self.ascii("-"), position + 1 < scalars.count, scalars[position + 1] != Self.ascii("]") {
                    position += 1
                    guard var high = peek else { throw .unexpected("end of class", offset: position) }
                    position += 1
                    if high == Self.ascii("\\") {
                        guard let escaped = peek else { throw .unexpected("end of class", offset: position) }
                        high = escaped
                        position += 1
                    }
                    guard low <= high else { throw .unexpected("reversed range", offset: position) }
                    set.ranges.append(low...high)
                } else {
                    set.ranges.append(low...low)
                }
            }
        }
    }
}
