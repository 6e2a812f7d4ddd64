internal import CYAML
import PolicyJSON

/// Reads a YAML stream (many documents) into JSON values, the way `kubectl` sees manifests:
/// YAML 1.1 scalars (`yes`/`no`/`on`/`off` are booleans, `0755` is octal), anchors, aliases and
/// `<<` merge keys.
package enum YAMLReader {
    package static func documents(_ bytes: [UInt8], source: String, limits: YAMLLimits = YAMLLimits()) throws(YAMLError) -> [YAMLDocument] {
        var unrecorded: YAMLEvents?
        return try documents(bytes, source: source, limits: limits, recording: &unrecorded)
    }

    /// The documents, and the parse's events kept in `events`, for ``YAMLLocator`` to place
    /// findings with instead of parsing the text a second time.
    package static func documents(
        _ bytes: [UInt8], source: String, limits: YAMLLimits = YAMLLimits(), recording events: inout YAMLEvents?
    ) throws(YAMLError) -> [YAMLDocument] {
        let parser = EventParser(bytes)
        var builder = TreeBuilder(source: source, limits: limits)
        while true {
            let event: Event
            do { event = try parser.next() } catch let failure {
                throw YAMLError(source: source, line: failure.line, column: failure.column, offset: failure.offset, reason: failure.reason)
            }
            if case .streamEnd = event.kind { break }
            events?.marks.append(YAMLEvents.Mark(event))
            try builder.handle(event)
        }
        return builder.documents
    }
}

/// The events of one parse of a YAML stream, in order, for ``YAMLLocator/positions(in:wanted:)``:
/// a run of documents checked together keeps them until its findings are placed, which costs
/// far less than a second libyaml parse of the same text.
package struct YAMLEvents {
    /// What the locator reads of an event: its kind, where it starts, a scalar's text. Tags
    /// and anchors are left out, so keeping and replaying them copies one string at most.
    struct Mark {
        enum Kind {
            case streamStart, streamEnd, documentStart, documentEnd, scalar, alias, sequenceStart, sequenceEnd, mappingStart, mappingEnd
        }

        var kind: Kind
        var line: Int
        var column: Int
        /// A scalar's value.
        var text: String?
        /// A plain (unquoted) scalar.
        var plain = false

        init(_ event: Event) {
            line = event.line
            column = event.column
            switch event.kind {
            case .streamStart: kind = .streamStart
            case .streamEnd: kind = .streamEnd
            case .documentStart: kind = .documentStart
            case .documentEnd: kind = .documentEnd
            case .scalar(let value, _, let plain, _):
                kind = .scalar
                text = value
                self.plain = plain
            case .alias: kind = .alias
            case .sequenceStart: kind = .sequenceStart
            case .sequenceEnd: kind = .sequenceEnd
            case .mappingStart: kind = .mappingStart
            case .mappingEnd: kind = .mappingEnd
            }
        }
    }

    var marks: [Mark] = []

    package init() {}
}

/// One libyaml event, copied out of C memory.
struct Event {
    enum Kind {
        case streamStart, streamEnd, documentStart, documentEnd
        case alias(String)
        case scalar(value: String, tag: String?, plain: Bool, anchor: String?)
        case sequenceStart(anchor: String?), sequenceEnd
        case mappingStart(anchor: String?), mappingEnd
    }

    var kind: Kind
    var line: Int
    var column: Int
    var offset: Int
}

struct ParseFailure: Error {
    var line: Int
    var column: Int
    var offset: Int
    var reason: String
}

/// Owns a `yaml_parser_t` at a stable heap address (libyaml keeps pointers into it) and a copy
/// of the input that outlives every parse call.
final class EventParser {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    private var finished = false

    init(_ bytes: [UInt8]) {
        parser = .allocate(capacity: 1)
        input = .allocate(capacity: max(bytes.count, 1))
        _ = input.initialize(from: bytes)
        yaml_parser_initialize(parser)
        yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        input.deallocate()
    }

    func next() throws(ParseFailure) -> Event {
        if finished { return Event(kind: .streamEnd, line: 0, column: 0, offset: 0) }
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) == 1 else {
            let mark = parser.pointee.problem_mark
            var reason = parser.pointee.problem.map { String(cString: $0) } ?? "malformed YAML"
            if let context = parser.pointee.context.map({ String(cString: $0) }) { reason = "\(context): \(reason)" }
            throw ParseFailure(line: Int(mark.line) + 1, column: Int(mark.column) + 1, offset: Int(mark.index), reason: reason)
        }
        defer { yaml_event_delete(&event) }
        let mark = event.start_mark
        let line = Int(mark.line) + 1
        let column = Int(mark.column) + 1
        let kind: Event.Kind
        switch event.type {
        case YAML_STREAM_START_EVENT: kind = .streamStart
        case YAML_STREAM_END_EVENT:
            finished = true
            kind = .streamEnd
        case YAML_DOCUMENT_START_EVENT: kind = .documentStart
        case YAML_DOCUMENT_END_EVENT: kind = .documentEnd
        case YAML_ALIAS_EVENT: kind = .alias(Self.text(event.data.alias.anchor) ?? "")
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let value =
                scalar.value.map { pointer in
                    String(decoding: UnsafeBufferPointer(start: pointer, count: scalar.length), as: UTF8.self)
                } ?? ""
            kind = .scalar(value: value, tag: Self.text(scalar.tag), plain: scalar.style == YAML_PLAIN_SCALAR_STYLE, anchor: Self.text(scalar.anchor))
        case YAML_SEQUENCE_START_EVENT: kind = .sequenceStart(anchor: Self.text(event.data.sequence_start.anchor))
        case YAML_SEQUENCE_END_EVENT: kind = .sequenceEnd
        case YAML_MAPPING_START_EVENT: kind = .mappingStart(anchor: Self.text(event.data.mapping_start.anchor))
        case YAML_MAPPING_END_EVENT: kind = .mappingEnd
        default: kind = .streamStart  // YAML_NO_EVENT: nothing to build
        }
        return Event(kind: kind, line: line, column: column, offset: Int(mark.index))
    }

    private static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}

/// Builds JSON values from events, with anchors and the limits.
///
/// Linear in the input: the open collections live in a stack of frames that are changed in
/// place (`stack[top].items.append`), never copied out and back, which made a mapping of n keys
/// cost n^2. Only values that aliases repeat count against the alias limit, so a large stream
/// without anchors is read whatever its size (the input size bound keeps that finite).
struct TreeBuilder {
    private struct Frame {
        var isMapping: Bool
        var items: [JSONValue] = []
        var object = JSONObject()
        var pendingKey: String?
        var anchor: String?
        /// Values below this collection, for the alias limit when an alias repeats it.
        var size = 1
        var merged: Set<String> = []
    }

    let source: String
    let limits: YAMLLimits
    private(set) var documents: [YAMLDocument] = []
    private var stack: [Frame] = []
    private var anchors: [String: (value: JSONValue, size: Int)] = [:]
    /// Values repeated by aliases so far in the stream.
    private var aliasValues = 0
    private var documentLine = 0
    private var awaitingRoot = false

    init(source: String, limits: YAMLLimits) {
        self.source = source
        self.limits = limits
    }

    func fail(_ event: Event, _ reason: String) -> YAMLError {
        YAMLError(source: source, line: event.line, column: event.column, offset: event.offset, reason: reason)
    }

    /// Whether the innermost open collection is a mapping waiting for a key.
    private var expectsKey: Bool {
        guard let top = stack.indices.last else { return false }
        return stack[top].isMapping && stack[top].pendingKey == nil
    }

    mutating func handle(_ event: Event) throws(YAMLError) {
        if awaitingRoot, stack.isEmpty {
            switch event.kind {
            case .scalar, .alias, .sequenceStart, .mappingStart:
                // Report a document at its content, not at its `---` marker.
                documentLine = event.line
                awaitingRoot = false
            default: break
            }
        }
        switch event.kind {
        case .streamStart, .streamEnd, .documentEnd: break
        case .documentStart:
            anchors = [:]
            documentLine = event.line
            awaitingRoot = true
        case .alias(let name):
            guard let (value, size) = anchors[name] else { throw fail(event, "the alias *\(name) names no anchor defined before it") }
            aliasValues += size
            guard aliasValues <= limits.maxAliasValues else {
                throw fail(event, "aliases repeat more than \(limits.maxAliasValues) values; refusing a possible alias bomb")
            }
            try emit(value, size: size, anchor: nil, event: event)
        case .scalar(let text, let tag, let plain, let anchor):
            // A mapping key is kept as written; values get YAML 1.1 resolution.
            if expectsKey {
                try emit(.string(text), size: 1, anchor: anchor, event: event)
            } else {
                try emit(try Self.resolve(text, tag: tag, plain: plain, event: event, builder: self), size: 1, anchor: anchor, event: event)
            }
        case .sequenceStart(let anchor):
            guard stack.count < limits.maxDepth else { throw fail(event, "nesting deeper than \(limits.maxDepth) levels") }
            if expectsKey { throw fail(event, "a mapping key must be a scalar, not a sequence") }
            stack.append(Frame(isMapping: false, anchor: anchor))
        case .mappingStart(let anchor):
            guard stack.count < limits.maxDepth else { throw fail(event, "nesting deeper than \(limits.maxDepth) levels") }
            if expectsKey { throw fail(event, "a mapping key must be a scalar, not a mapping") }
            stack.append(Frame(isMapping: true, anchor: anchor))
        case .sequenceEnd:
            guard let frame = stack.popLast(), !frame.isMapping else { throw fail(event, "unbalanced sequence end") }
            try emit(.array(frame.items), size: frame.size, anchor: frame.anchor, event: event)
        case .mappingEnd:
            guard let frame = stack.popLast(), frame.isMapping else { throw fail(event, "unbalanced mapping end") }
            try emit(.object(frame.object), size: frame.size, anchor: frame.anchor, event: event)
        }
    }

    /// Places a finished value into its parent (or ends a document).
    private mutating func emit(_ value: JSONValue, size: Int, anchor: String?, event: Event) throws(YAMLError) {
        if let anchor { anchors[anchor] = (value, size) }
        guard let top = stack.indices.last else {
            documents.append(YAMLDocument(value: value, line: documentLine))
            return
        }
        guard stack[top].isMapping else {
            stack[top].items.append(value)
            stack[top].size += size
            return
        }
        guard let key = stack[top].pendingKey else {
            guard case .string(let key) = value else { throw fail(event, "a mapping key must be a scalar") }
            stack[top].pendingKey = key
            return
        }
        stack[top].pendingKey = nil
        stack[top].size += size
        if key == "<<" {
            try merge(value, into: &stack[top], event: event)
        } else if stack[top].merged.isEmpty {
            // No merge key so far: the common case, one lookup and no hashing.
            guard !stack[top].object.contains(key) else { throw fail(event, "the key '\(key)' appears twice in one mapping") }
            stack[top].object[key] = value
        } else {
            if stack[top].object[key] != nil, !stack[top].merged.contains(key) { throw fail(event, "the key '\(key)' appears twice in one mapping") }
            stack[top].merged.remove(key)
            stack[top].object[key] = value
        }
    }

    /// `<<: *base` or `<<: [*a, *b]`: keys not already present are copied in.
    private func merge(_ value: JSONValue, into frame: inout Frame, event: Event) throws(YAMLError) {
        let sources: [JSONValue]
        if case .array(let items) = value { sources = items } else { sources = [value] }
        for source in sources {
            guard case .object(let members) = source else { throw fail(event, "a '<<' merge key needs a mapping or a list of mappings") }
            for (key, member) in members.entries where frame.object[key] == nil {
                frame.object[key] = member
                frame.merged.insert(key)
            }
        }
    }

    /// YAML 1.1 resolution of a scalar, as go-yaml v2 (and so kubectl) does it.
    static func resolve(_ text: String, tag: String?, plain: Bool, event: Event, builder: TreeBuilder) throws(YAMLError) -> JSONValue {
        if let tag {
            switch tag {
            case "tag:yaml.org,2002:str": return .string(text)
            case "tag:yaml.org,2002:null": return .null
            case "tag:yaml.org,2002:bool":
                guard let flag = boolean(text) else { throw builder.fail(event, "'\(text)' is tagged !!bool but is not a boolean") }
                return .bool(flag)
            case "tag:yaml.org,2002:int":
                guard let number = integer(text) else { throw builder.fail(event, "'\(text)' is tagged !!int but is not an integer") }
                return .integer(number)
            case "tag:yaml.org,2002:float":
                guard let number = real(text) else { throw builder.fail(event, "'\(text)' is tagged !!float but is not a number") }
                return .real(number)
            default: return .string(text)
            }
        }
        guard plain else { return .string(text) }
        // The null and boolean words are at most five bytes: most scalars are passed by their
        // length, not compared with each word.
        if text.utf8.count <= 5 {
            switch text {
            case "", "~", "null", "Null", "NULL": return .null
            default: break
            }
            if let flag = boolean(text) { return .bool(flag) }
        }
        // go-yaml, which Kubernetes reads YAML with, picks a plain scalar's type by its first
        // character: `_1` is a string there (and then not a quantity), not the number 1.
        guard text.first != "_" else { return .string(text) }
        // Only a digit, a sign or a dot can start a number (`.5`, `-1`, `0x1F`); most scalars
        // (names, images, keys) are known to be strings by their first byte.
        guard let first = text.utf8.first, (0x30...0x39).contains(first) || first == 0x2B || first == 0x2D || first == 0x2E else {
            return .string(text)
        }
        if let number = integer(text) { return .integer(number) }
        if let number = real(text), number.isFinite { return .real(number) }
        return .string(text)
    }

    static func boolean(_ text: String) -> Bool? {
        switch text {
        case "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON": true
        case "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF": false
        default: nil
        }
    }

    static func integer(_ text: String) -> Int64? {
        var digits = Substring(text.replacingOccurrences("_", ""))
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty else { return nil }
        let radix: Int
        if digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            radix = 16
            digits = digits.dropFirst(2)
        } else if digits.hasPrefix("0b") || digits.hasPrefix("0B") {
            radix = 2
            digits = digits.dropFirst(2)
        } else if digits.hasPrefix("0o") {
            radix = 8
            digits = digits.dropFirst(2)
        } else if digits.count > 1, digits.hasPrefix("0") {
            radix = 8
            digits = digits.dropFirst()
        } else {
            radix = 10
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isHexDigit }), let magnitude = UInt64(digits, radix: radix) else { return nil }
        if negative { return magnitude <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- magnitude) : nil }
        return magnitude <= UInt64(Int64.max) ? Int64(magnitude) : nil
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?` (and `.inf`/`.nan`, refused as JSON).
    static func real(_ text: String) -> Double? {
        var bytes = Array(text.replacingOccurrences("_", "").utf8)[...]
        let original = bytes
        if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
        func digits() -> Int {
            var count = 0
            while let byte = bytes.first, byte >= 48, byte <= 57 {
                bytes = bytes.dropFirst()
                count += 1
            }
            return count
        }
        let whole = digits()
        var fraction = 0
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            fraction = digits()
        }
        guard whole > 0 || fraction > 0 else { return nil }
        if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
            guard digits() > 0 else { return nil }
        }
        guard bytes.isEmpty else { return nil }
        return Double(String(decoding: original, as: UTF8.self))
    }
}

extension String {
    fileprivate func replacingOccurrences(_ target: Character, _ replacement: String) -> String {
        // Over UTF-8 first: iterating characters of every scalar is far slower.
        target.isASCII && !utf8.contains(target.asciiValue ?? 0)
            ? self : contains(target) ? String(flatMap { $0 == target ? Array(replacement) : [$0] }) : self
    }
}

extension YAMLReader {
    /// The libyaml version in use, for `flyte-policy version`.
    package static var libraryVersion: String { String(cString: yaml_get_version_string()) }
}
