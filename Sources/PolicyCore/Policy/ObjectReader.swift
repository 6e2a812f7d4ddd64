import PolicyJSON

/// Reads one JSON object of a policy document: every key must be known, every value must have
/// the expected type. Problems go into the ``LoadContext`` and reading goes on, so one run shows
/// every mistake in a file; the types are checked by ``JSONReadable``'s conversions, the ones
/// every reader of flyte-policy uses.
public struct ObjectReader {
    public let node: JSONNode
    public let pointer: JSONPointer

    /// Checks that `node` is an object whose keys are all in `allowed`; returns `nil` (after
    /// recording why) when it is not an object.
    public init?(_ node: JSONNode, at pointer: JSONPointer, allowed: [String], what: String, context: inout LoadContext) {
        guard node.isObject else {
            context.fail(pointer, "expected \(what) (an object), found \(node.kind.phrase)")
            return nil
        }
        self.node = node
        self.pointer = pointer
        for (key, _) in node.members where !allowed.contains(key) {
            var message = "unknown key '\(key)' in \(what)"
            if let suggestion = Suggest.closest(to: key, among: allowed) { message += " (did you mean '\(suggestion)'?)" }
            message += "; expected one of: \(allowed.joined(separator: ", "))"
            context.fail(pointer.appending(key), message)
        }
    }

    public func has(_ key: String) -> Bool { node[key] != nil }

    public func member(_ key: String) -> (JSONNode, JSONPointer)? {
        node[key].map { ($0, pointer.appending(key)) }
    }

    public func string(_ key: String, required: Bool = false, context: inout LoadContext) -> String? {
        guard let (value, path) = member(key) else {
            if required { context.fail(pointer.appending(key), "'\(key)' is required (a string)") }
            return nil
        }
        do { return try value.expectString() } catch {
            context.fail(path, error.description)
            return nil
        }
    }

    public func bool(_ key: String, context: inout LoadContext) -> Bool? {
        guard let (value, path) = member(key) else { return nil }
        do { return try value.expectBool() } catch {
            context.fail(path, error.description)
            return nil
        }
    }

    /// The elements of the non-empty array under `key`, each read by `read` at its own pointer
    /// (elements it cannot read are left out, with their problems recorded by `read`). A missing
    /// key, another type or an empty array is recorded as "expected `what`".
    public func nonEmptyList<T>(
        _ key: String, what: String, context: inout LoadContext, _ read: (JSONNode, JSONPointer, inout LoadContext) -> T?
    ) -> [T] {
        guard let (value, path) = member(key), value.isArray, value.count > 0 else {
            context.fail(pointer.appending(key), "expected \(what)")
            return []
        }
        var items: [T] = []
        value.forEachElement { index, element in
            if let item = read(element, path.appending(index), &context) { items.append(item) }
        }
        return items
    }

    public func stringList(_ key: String, nonEmpty: Bool = false, context: inout LoadContext) -> [String]? {
        guard let (value, path) = member(key) else { return nil }
        return Self.stringList(value, at: path, nonEmpty: nonEmpty, context: &context)
    }

    public static func stringList(_ value: JSONNode, at path: JSONPointer, nonEmpty: Bool = false, context: inout LoadContext) -> [String]? {
        guard value.isArray else {
            context.fail(path, "expected an array of strings, found \(value.kind.phrase)")
            return nil
        }
        var result: [String] = []
        var ok = true
        for (index, element) in value.elements.enumerated() {
            do { result.append(try element.expectString()) } catch {
                context.fail(path.appending(index), error.description)
                ok = false
            }
        }
        if nonEmpty, result.isEmpty, ok {
            context.fail(path, "expected at least one entry")
            return nil
        }
        return ok ? result : nil
    }

    public func globList(_ key: String, context: inout LoadContext) -> GlobList? {
        guard let (value, path) = member(key) else { return nil }
        return Self.globList(value, at: path, context: &context)
    }

    public static func globList(_ value: JSONNode, at path: JSONPointer, context: inout LoadContext) -> GlobList? {
        guard let texts = stringList(value, at: path, nonEmpty: true, context: &context) else { return nil }
        var globs: [Glob] = []
        for (index, text) in texts.enumerated() {
            guard let glob = Glob(text) else {
                context.fail(path.appending(index), "'\(text)' is not a valid pattern: expected \(Glob.expectedForm)")
                return nil
            }
            globs.append(glob)
        }
        return GlobList(globs)
    }

    /// An object of key -> glob (labels, annotations).
    public func globMap(_ key: String, context: inout LoadContext) -> [(key: String, value: Glob)]? {
        guard let (value, path) = member(key) else { return nil }
        guard value.isObject else {
            context.fail(path, "expected an object of key to pattern, found \(value.kind.phrase)")
            return nil
        }
        var result: [(key: String, value: Glob)] = []
        for (mapKey, mapValue) in value.members {
            guard let text = mapValue.string, let glob = Glob(text) else {
                context.fail(path.appending(mapKey), "expected \(Glob.expectedForm)")
                continue
            }
            result.append((mapKey, glob))
        }
        return result
    }

    /// A quantity written as a string or a number.
    public static func quantity(_ value: JSONNode, at path: JSONPointer, context: inout LoadContext) -> Quantity? {
        do { return try Quantity(json: value) } catch {
            context.fail(path, error.description)
        }
        return nil
    }
}

/// "Did you mean" suggestions by edit distance, for policy keys and command-line words alike.
public enum Suggest {
    /// The closest candidate, when it is close enough to be a likely typo.
    public static func closest(to word: String, among candidates: [String], maxDistance: Int? = nil) -> String? {
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= (maxDistance ?? max(2, word.count / 3)) else { return nil }
        return best.0
    }

    /// Levenshtein distance.
    public static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
