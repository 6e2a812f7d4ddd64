internal import CJansson

/// A JSON value written piece by piece by ``JSONValue/pretty(_:)``: large arrays are made one
/// element at a time, so a report with hundreds of thousands of entries is never held whole as
/// Swift values and again as a jansson tree.
public indirect enum StreamedJSON {
    /// A value, serialized whole.
    case value(JSONValue)
    /// An array of `count` elements, each made by `element` when it is written and dropped right
    /// after; with a ``PieceMap``, made in batches on several threads.
    case elements(count: Int, element: @Sendable (Int) -> JSONValue)
    /// An object whose members are written in order.
    case object([(key: String, value: StreamedJSON)])
    /// An array whose items are written in order.
    case array([StreamedJSON])
    /// An array of `count` elements laid out ahead of time by ``JSONValue/layOut(_:depth:to:)``
    /// for an array `depth` levels deep (a report's findings spooled to a file as a large
    /// input is checked), which `text` hands over in consecutive chunks. Written where an array
    /// that deep stands, the text is copied as it is; elsewhere its lines are indented again.
    case laidOut(count: Int, depth: Int, text: LaidOutText)

    /// The whole value, for small outputs and tests: what ``JSONValue/pretty(_:)`` writes piece
    /// by piece.
    public var value: JSONValue {
        switch self {
        case .value(let value): value
        case .elements(let count, let element): .array((0..<count).map(element))
        case .object(let members): .object(JSONObject(members.map { ($0.key, $0.value.value) }))
        case .array(let items): .array(items.map(\.value))
        case .laidOut(let count, _, let text): Self.parse(count: count, text)
        }
    }

    /// The laid-out elements read back through jansson; `null` when they cannot be read.
    private static func parse(count: Int, _ text: LaidOutText) -> JSONValue {
        guard count > 0 else { return .array([]) }
        var bytes: [UInt8] = []
        guard
            text({
                bytes += $0; return true
            }), bytes.first == UInt8(ascii: ",")
        else { return .null }
        bytes[0] = UInt8(ascii: "[")
        bytes.append(UInt8(ascii: "]"))
        return (try? JSONDocument.parse(bytes, source: "laid-out elements").rootNode.value) ?? .null
    }
}

/// Hands the text of ``StreamedJSON/laidOut(count:depth:text:)`` elements to `take` in consecutive
/// chunks, in order, until `take` refuses one; false when the text could not all be read or
/// taken.
public typealias LaidOutText = (_ take: ([UInt8]) -> Bool) -> Bool

/// Makes `count` pieces of text, on as many threads as it likes, and hands them to `take` in
/// order until it refuses one (then returns false): how the batches of a large
/// ``StreamedJSON/elements(count:element:)`` array are rendered in parallel. The caller's own
/// parallel map is handed in (this module has no threads).
public typealias PieceMap = (
    _ count: Int, _ piece: @Sendable (Int) -> Result<[UInt8], JSONBuildError>, _ take: (Result<[UInt8], JSONBuildError>) -> Bool
) -> Bool

extension JSONValue {
    /// Pretty-printed JSON text of `member`: the same bytes as `member.value.serialized(pretty:
    /// true)`, written piece by piece.
    ///
    /// Every value still goes through jansson's encoder; only the frame of objects and arrays
    /// (brackets, indentation, separators) is written here, the way jansson writes it with an
    /// indent of two.
    public static func pretty(_ member: StreamedJSON) throws(JSONBuildError) -> [UInt8] {
        var out = PrettyOutput(sink: nil)
        try write(member, depth: 0, to: &out)
        out.bytes.append(UInt8(ascii: "\n"))
        return out.bytes
    }

    /// The same text handed to `sink` in chunks of about `chunkSize` bytes as it is made, so a
    /// report hundreds of megabytes long is never held whole. `sink` returns false when it cannot
    /// take a chunk; writing then stops.
    /// - Returns: whether `sink` took every chunk.
    /// - Parameter pieces: renders the elements of large arrays in batches on several threads;
    ///   the bytes are the same with or without it.
    public static func pretty(
        _ member: StreamedJSON, chunkSize: Int = 1 << 20, pieces: PieceMap? = nil, to sink: ([UInt8]) -> Bool
    ) throws(JSONBuildError) -> Bool {
        try withoutActuallyEscaping(sink) { (sink) throws(JSONBuildError) -> Bool in
            var out = PrettyOutput(sink: sink, chunkSize: chunkSize, pieces: pieces)
            try write(member, depth: 0, to: &out)
            out.bytes.append(UInt8(ascii: "\n"))
            return out.finish()
        }
    }

    /// Where pretty text goes: one array, or a sink that takes it in chunks.
    private struct PrettyOutput {
        var bytes: [UInt8] = []
        let sink: (([UInt8]) -> Bool)?
        var chunkSize = Int.max
        var pieces: PieceMap? = nil
        var failed = false
        var keys = EncodedKeys()

        /// Hands a full chunk to the sink (nothing without one).
        mutating func flushIfFull() {
            guard let sink, bytes.count >= chunkSize else { return }
            if !failed, !sink(bytes) { failed = true }
            bytes.removeAll(keepingCapacity: true)
        }

        mutating func finish() -> Bool {
            if let sink, !failed, !bytes.isEmpty, !sink(bytes) { failed = true }
            bytes.removeAll()
            return !failed
        }
    }

    /// Appends `values` laid out for ``StreamedJSON/laidOut(count:depth:text:)``: each after a
    /// comma, exactly as the items of an array `depth` levels deep are written (the first
    /// comma is dropped when the text is written). Elements laid out by several calls, on
    /// several threads, are joined by concatenation.
    public static func layOut(_ values: some Sequence<JSONValue>, depth: Int, to out: inout [UInt8]) throws(JSONBuildError) {
        var keys = EncodedKeys()
        for value in values {
            itemStart(1, depth: depth, &out)
            try append(value, depth: depth + 1, to: &out, keys: &keys)
        }
    }

    private static func write(_ member: StreamedJSON, depth: Int, to out: inout PrettyOutput) throws(JSONBuildError) {
        switch member {
        case .value(let value):
            try append(value, depth: depth, to: &out.bytes, keys: &out.keys)
        case .object(let members):
            try container("{", "}", count: members.count, depth: depth, to: &out) { (index, out) throws(JSONBuildError) in
                try out.keys.append(members[index].key, to: &out.bytes)
                out.bytes.append(contentsOf: ": ".utf8)
                try write(members[index].value, depth: depth + 1, to: &out)
            }
        case .array(let items):
            try container("[", "]", count: items.count, depth: depth, to: &out) { (index, out) throws(JSONBuildError) in
                try write(items[index], depth: depth + 1, to: &out)
            }
        case .laidOut(let count, let laidDepth, let text):
            try writeLaidOut(count: count, text, laidOutAt: laidDepth, depth: depth, to: &out)
        case .elements(let count, let element):
            if let pieces = out.pieces, count > batchSize {
                return try elementsInBatches(count: count, element: element, depth: depth, pieces: pieces, to: &out)
            }
            try container("[", "]", count: count, depth: depth, to: &out) { (index, out) throws(JSONBuildError) in
                let start = out.bytes.count
                try append(element(index), depth: depth + 1, to: &out.bytes, keys: &out.keys)
                // Room for the rest at the first element's size (plus a tenth), up to a chunk:
                // growing a buffer of hundreds of megabytes by doubling copies it again and again.
                if index == 0 {
                    let estimate = (out.bytes.count - start + 4 + 2 * depth) * (count - 1) * 11 / 10 + 64
                    out.bytes.reserveCapacity(out.bytes.count + Swift.min(estimate, out.chunkSize))
                }
                out.flushIfFull()
            }
        }
    }

    /// Elements rendered by a ``PieceMap`` per batch.
    static let batchSize = 256

    /// The elements of a large array in batches of ``batchSize`` (the ``PieceMap`` holds only a
    /// few at a time), each batch laid out exactly as ``container`` lays out its items, and
    /// written in order.
    private static func elementsInBatches(
        count: Int, element: @escaping @Sendable (Int) -> JSONValue, depth: Int, pieces: PieceMap, to out: inout PrettyOutput
    ) throws(JSONBuildError) {
        out.bytes.append(UInt8(ascii: "["))
        var failure: JSONBuildError?
        let render: @Sendable (Int) -> Result<[UInt8], JSONBuildError> = { batch in
            var bytes: [UInt8] = []
            var keys = EncodedKeys()
            do throws(JSONBuildError) {
                for index in (batch * batchSize)..<min(count, (batch + 1) * batchSize) {
                    itemStart(index, depth: depth, &bytes)
                    try append(element(index), depth: depth + 1, to: &bytes, keys: &keys)
                }
            } catch {
                return .failure(error)
            }
            return .success(bytes)
        }
        _ = pieces((count + batchSize - 1) / batchSize, render) { made in
            switch made {
            case .success(let bytes):
                out.bytes.append(contentsOf: bytes)
                out.flushIfFull()
                return !out.failed
            case .failure(let error):
                failure = error
                return false
            }
        }
        if let failure { throw failure }
        end("]", depth: depth, &out.bytes)
    }

    /// Laid-out elements (``layOut(_:depth:to:)``) in an array `depth` levels deep: their text
    /// as it is when they were laid out for that depth; otherwise each line's indent for
    /// `laidDepth` (every line of an item starts with at least that much) is replaced by the
    /// one for `depth`.
    private static func writeLaidOut(
        count: Int, _ text: LaidOutText, laidOutAt laidDepth: Int, depth: Int, to out: inout PrettyOutput
    ) throws(JSONBuildError) {
        guard count > 0 else { return out.bytes.append(contentsOf: "[]".utf8) }
        out.bytes.append(UInt8(ascii: "["))
        // Bytes still to drop: the first comma, then a laid-out indent that ran past a chunk.
        var skip = 1
        let shifted = laidDepth != depth
        let laidIndent = 2 * (laidDepth + 1)
        let newline = UInt8(ascii: "\n")
        let read = text { chunk in
            chunk.withUnsafeBufferPointer { bytes in
                var start = Swift.min(skip, bytes.count)
                skip -= start
                if shifted {
                    var index = start
                    while index < bytes.count {
                        guard bytes[index] == newline else {
                            index += 1
                            continue
                        }
                        out.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...index]))
                        indent(depth + 1, &out.bytes)
                        let dropped = Swift.min(laidIndent, bytes.count - index - 1)
                        skip = laidIndent - dropped
                        index += 1 + dropped
                        start = index
                    }
                }
                out.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
            }
            out.flushIfFull()
            return !out.failed
        }
        guard read else {
            out.failed = true
            throw JSONBuildError(pointer: .root, reason: "the \(count) elements written ahead could not be read back")
        }
        end("]", depth: depth, &out.bytes)
    }

    /// `open`, then `count` items each on its own line one level deeper, then `close` on a line
    /// of its own: how jansson lays out a non-empty object or array (`{}` and `[]` when empty).
    /// Stops early once the sink has failed.
    private static func container(
        _ open: Unicode.Scalar, _ close: Unicode.Scalar, count: Int, depth: Int, to out: inout PrettyOutput,
        _ item: (Int, inout PrettyOutput) throws(JSONBuildError) -> Void
    ) throws(JSONBuildError) {
        out.bytes.append(UInt8(ascii: open))
        guard count > 0 else { return out.bytes.append(UInt8(ascii: close)) }
        for index in 0..<count where !out.failed {
            itemStart(index, depth: depth, &out.bytes)
            try item(index, &out)
        }
        end(close, depth: depth, &out.bytes)
    }

    /// What comes before item `index` of a container `depth` levels deep: a comma after the
    /// previous item, a new line, the item's indent.
    private static func itemStart(_ index: Int, depth: Int, _ out: inout [UInt8]) {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        out.append(UInt8(ascii: "\n"))
        indent(depth + 1, &out)
    }

    /// A non-empty container's `close` on a line of its own, at the container's indent.
    private static func end(_ close: Unicode.Scalar, depth: Int, _ out: inout [UInt8]) {
        out.append(UInt8(ascii: "\n"))
        indent(depth, &out)
        out.append(UInt8(ascii: close))
    }

    private static func indent(_ depth: Int, _ out: inout [UInt8]) {
        out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: 2 * depth))
    }

    /// Appends `value` pretty-printed as if it stood `depth` levels deep: what jansson writes
    /// for it at depth zero, with every line after the first indented by two spaces a level.
    private static func append(_ value: JSONValue, depth: Int, to out: inout [UInt8], keys: inout EncodedKeys) throws(JSONBuildError) {
        do throws(JSONBuildError) {
            try appendFramed(value, depth: depth, to: &out, keys: &keys)
        } catch {
            // Built whole for the error's pointer to the value that was refused.
            json_decref(try JanssonBuilder.build(value))
            throw error
        }
    }

    /// ``append(_:depth:to:keys:)``: the frame of objects and arrays written here, as jansson lays it
    /// out, and every key and scalar encoded by jansson on its own. Dumping each element whole
    /// made jansson build a tree, check it for loops (a formatted pointer and a hash table
    /// entry for every object) and write it, which was most of a JSON report's cost.
    private static func appendFramed(_ value: JSONValue, depth: Int, to out: inout [UInt8], keys: inout EncodedKeys) throws(JSONBuildError) {
        switch value {
        case .object(let object):
            guard !object.isEmpty else { return out.append(contentsOf: "{}".utf8) }
            out.append(UInt8(ascii: "{"))
            var index = 0
            for (key, member) in object {
                itemStart(index, depth: depth, &out)
                try keys.append(key, to: &out)
                out.append(UInt8(ascii: ":"))
                out.append(UInt8(ascii: " "))
                try appendFramed(member, depth: depth + 1, to: &out, keys: &keys)
                index += 1
            }
            end("}", depth: depth, &out)
        case .array(let items):
            guard !items.isEmpty else { return out.append(contentsOf: "[]".utf8) }
            out.append(UInt8(ascii: "["))
            for index in items.indices {
                itemStart(index, depth: depth, &out)
                try appendFramed(items[index], depth: depth + 1, to: &out, keys: &keys)
            }
            end("]", depth: depth, &out)
        case .null, .bool, .integer, .real, .string:
            try JanssonBuilder.appendScalar(value, to: &out)
        }
    }
}

/// Object keys as jansson encoded them, kept while one run of elements is written: a report's
/// elements repeat the same few keys, and each encoding is a jansson string made, dumped and
/// freed. Keys come back in the order they were first seen, so the one after the last is tried
/// before a lookup. A value with many keys of its own (a pod's labels) stops filling it at
/// ``capacity``.
private struct EncodedKeys {
    static let capacity = 256
    private var texts: [(key: String, text: [UInt8])] = []
    private var positions: [String: Int] = [:]
    /// Where the key after the last one found sits.
    private var next = 0

    mutating func append(_ key: String, to out: inout [UInt8]) throws(JSONBuildError) {
        if next < texts.count, texts[next].key == key {
            out.append(contentsOf: texts[next].text)
            next += 1
            return
        }
        if let position = positions[key] {
            out.append(contentsOf: texts[position].text)
            next = position + 1
            return
        }
        let start = out.count
        try JanssonBuilder.appendScalar(.string(key), to: &out)
        guard texts.count < Self.capacity else { return }
        positions[key] = texts.count
        texts.append((key, Array(out[start...])))
        next = texts.count
    }
}
