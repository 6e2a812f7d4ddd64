internal import CJansson

/// A path of member names, array indices and "every child" steps, compiled once and walked
/// over many documents.
///
/// The walk runs over jansson's pointers directly: no ``JSONNode`` (and so no reference to the
/// document) is made for the levels in between, and the pointer of a position is formatted only
/// when the caller asks for it. A policy's `assert` paths are walked for every pod and rule, so
/// the levels in between are most of the work.
public struct JSONPath: Sendable, Equatable {
    public enum Step: Sendable, Equatable {
        /// The member of an object with this name.
        case member(String)
        /// The element of an array at this index.
        case element(Int)
        /// Each element of an array, or each member of an object, in document order.
        case everyChild
    }

    public let steps: [Step]
    /// The UTF-8 of every member name, one after the other, and where each step's name starts
    /// and ends in it (an empty range for the other steps).
    fileprivate let nameBytes: [UInt8]
    fileprivate let nameRanges: [Range<Int>]

    public init(_ steps: [Step]) {
        self.steps = steps
        var bytes: [UInt8] = []
        var ranges: [Range<Int>] = []
        for step in steps {
            let start = bytes.count
            if case .member(let name) = step { bytes.append(contentsOf: name.utf8) }
            ranges.append(start..<bytes.count)
        }
        // jansson's length-taking lookups need a valid pointer even for an empty name.
        bytes.append(0)
        nameBytes = bytes
        nameRanges = ranges
    }

    public static func == (lhs: JSONPath, rhs: JSONPath) -> Bool { lhs.steps == rhs.steps }
}

extension JSONNode {
    /// Walks `path` from this node and calls `body` for every position it ends at, in document
    /// order: with the node reached, or with `nil` where the path leads nowhere (a missing
    /// member, an index out of range, a scalar where children were expected). An empty array or
    /// object under ``JSONPath/Step/everyChild`` ends nothing.
    ///
    /// The position formats its JSON pointer: `pointerPrefix`, then the tokens below this node
    /// (`/containers/0/image`).
    public func walk(_ path: JSONPath, pointerPrefix: JSONPointer = .root, _ body: (_ node: JSONNode?, _ position: JSONPathPosition) -> Void) {
        withUnsafeTemporaryAllocation(of: PathToken.self, capacity: Swift.max(path.steps.count, 1)) { trail in
            path.nameBytes.withUnsafeBufferPointer { names in
                guard let names = names.baseAddress else { return }
                let walk = PathWalk(path: path, names: names, trail: trail, document: document, prefix: pointerPrefix)
                walk.visit(raw, depth: 0, body)
            }
        }
    }
}

/// Where a walk stands, for its callback: the JSON pointer is formatted only when read. It
/// borrows the walk's trail of tokens, so it is valid during the callback only.
///
/// It holds only the trail and the prefix (no reference to the path or the document), so
/// handing one to the callback for every position reached retains nothing.
public struct JSONPathPosition {
    fileprivate let trail: UnsafeMutableBufferPointer<PathToken>
    fileprivate let prefix: JSONPointer
    fileprivate let length: Int

    /// The JSON pointer of the position: the prefix, then the first `length` tokens of the trail.
    public var pointer: JSONPointer {
        var text = prefix.description
        text.reserveCapacity(text.utf8.count + 16 * length)
        for position in 0..<length {
            text.append("/")
            switch trail[position] {
            case .name(let start, let count):
                text.append(JSONPointer.escape(String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)))
            case .index(let index):
                text.append(String(index))
            }
        }
        return JSONPointer(escapedText: text)
    }
}

/// One token of a walk position, borrowed from the path or the document: nothing to retain.
fileprivate enum PathToken {
    case name(UnsafePointer<UInt8>, Int)
    case index(Int)
}

/// The state of one walk; `body` travels as a parameter so that it never has to escape.
fileprivate struct PathWalk {
    let path: JSONPath
    let names: UnsafePointer<UInt8>
    let trail: UnsafeMutableBufferPointer<PathToken>
    let document: JSONDocument
    let prefix: JSONPointer

    func visit(_ node: UnsafeMutablePointer<json_t>, depth: Int, _ body: (JSONNode?, JSONPathPosition) -> Void) {
        guard depth < path.steps.count else {
            body(JSONNode(document: document, raw: node), position(depth))
            return
        }
        switch path.steps[depth] {
        case .member:
            let range = path.nameRanges[depth]
            let name = names + range.lowerBound
            trail[depth] = .name(name, range.count)
            let child: UnsafeMutablePointer<json_t>? =
                cjansson_typeof(node) == JSON_OBJECT
                ? name.withMemoryRebound(to: CChar.self, capacity: Swift.max(range.count, 1)) { json_object_getn(node, $0, range.count) }
                : nil
            descend(child, depth: depth, body)
        case .element(let index):
            trail[depth] = .index(index)
            let child = cjansson_typeof(node) == JSON_ARRAY && index >= 0 && index < json_array_size(node) ? json_array_get(node, index) : nil
            descend(child, depth: depth, body)
        case .everyChild:
            switch cjansson_typeof(node) {
            case JSON_ARRAY:
                for index in 0..<json_array_size(node) {
                    trail[depth] = .index(index)
                    descend(json_array_get(node, index), depth: depth, body)
                }
            case JSON_OBJECT:
                var iterator = json_object_iter(node)
                while let current = iterator {
                    if let key = json_object_iter_key(current) {
                        let length = json_object_iter_key_len(current)
                        trail[depth] = .name(UnsafeRawPointer(key).assumingMemoryBound(to: UInt8.self), length)
                        descend(json_object_iter_value(current), depth: depth, body)
                    }
                    iterator = json_object_iter_next(node, current)
                }
            default:
                body(nil, position(depth))
            }
        }
    }

    private func descend(_ child: UnsafeMutablePointer<json_t>?, depth: Int, _ body: (JSONNode?, JSONPathPosition) -> Void) {
        if let child { visit(child, depth: depth + 1, body) } else { body(nil, position(depth + 1)) }
    }

    private func position(_ length: Int) -> JSONPathPosition {
        JSONPathPosition(trail: trail, prefix: prefix, length: length)
    }
}
