/// String keys to values in the order they were first written: a JSON object's members, a pod's
/// labels, a container's resource list. Kubernetes and JSON documents keep that order, and
/// reports that follow it read like the input.
///
/// Keys are unique: setting a key that is present replaces its value where it stands. Most maps
/// have a handful of entries, looked up by comparing keys in place; a hash index is built only
/// once a map grows past ``indexThreshold`` entries. Pods and the resolver build hundreds of
/// thousands of small maps, and hashing every key of each dominated that.
public struct OrderedMap<Value>: Sequence {
    public private(set) var entries: [(key: String, value: Value)] = []
    /// Entry positions by key, present only above ``indexThreshold`` entries.
    private var index: [String: Int]?
    static var indexThreshold: Int { 16 }

    public init() {}

    /// The pairs in order; for a repeated key the last value wins, in the first one's place.
    public init(_ pairs: [(String, Value)]) {
        entries.reserveCapacity(pairs.count)
        for (key, value) in pairs { self[key] = value }
    }

    /// Builds the map from entries whose keys are known to be unique (a JSON object's members).
    public init(uniqueEntries: [(key: String, value: Value)]) {
        entries = uniqueEntries
        rebuildIndex()
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }
    public var keys: [String] { entries.map(\.key) }

    /// Reads or replaces an entry; assigning `nil` removes it. A new key goes last.
    public subscript(key: String) -> Value? {
        get { position(of: key).map { entries[$0].value } }
        set {
            if let position = position(of: key) {
                if let newValue {
                    entries[position].value = newValue
                } else {
                    entries.remove(at: position)
                    rebuildIndex()
                }
            } else if let newValue {
                entries.append((key, newValue))
                if index != nil { index?[key] = entries.count - 1 } else if entries.count > Self.indexThreshold { rebuildIndex() }
            }
        }
    }

    /// Where `key` sits in ``entries``. The loop compares each key in place: `firstIndex(where:)`
    /// would copy every entry it passes.
    public func position(of key: String) -> Int? {
        if let index { return index[key] }
        for position in entries.indices where entries[position].key == key { return position }
        return nil
    }

    /// Whether `key` is present, whatever its value.
    public func contains(_ key: String) -> Bool { position(of: key) != nil }

    private mutating func rebuildIndex() {
        guard entries.count > Self.indexThreshold else {
            index = nil
            return
        }
        var positions: [String: Int] = [:]
        positions.reserveCapacity(entries.count)
        for (offset, entry) in entries.enumerated() { positions[entry.key] = offset }
        index = positions
    }

    public func makeIterator() -> IndexingIterator<[(key: String, value: Value)]> {
        entries.makeIterator()
    }
}

extension OrderedMap: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, Value)...) {
        self.init(elements)
    }
}

extension OrderedMap: Sendable where Value: Sendable {}

/// Two maps are equal when they hold the same entries in the same order.
extension OrderedMap: Equatable where Value: Equatable {
    public static func == (lhs: OrderedMap, rhs: OrderedMap) -> Bool {
        lhs.entries.count == rhs.entries.count && zip(lhs.entries, rhs.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
