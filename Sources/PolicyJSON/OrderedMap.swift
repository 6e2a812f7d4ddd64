/// String keys to values in the order they were first written: a JSON object's members, a pod's
/// labels, a container's resource list. Kubernetes and JSON documents keep that order, and
/// reports that follow it read like the input.
///
/// Keys are unique: setting a key that is present replaces its value where it stands. Most maps
/// have a handful of entries, looked up by comparing keys in place; a hash index is built only
/// once a map grows past ``indexThreshold`` entries. Pods and the resolver build hundreds of
/// thousands of small maps, and hashing every key of each dominated that.
@frozen public struct OrderedMap<Value>: Sequence {
    /// The entries in order.
    @inlinable public var entries: [(key: String, value: Value)] { storage }
    @usableFromInline var storage: [(key: String, value: Value)] = []
    /// Entry positions by key, present only above ``indexThreshold`` entries.
    @usableFromInline var index: [String: Int]?
    @usableFromInline static var indexThreshold: Int { 16 }

    @inlinable
    public init() {}

    /// The pairs in order; for a repeated key the last value wins, in the first one's place.
    @inlinable
    public init(_ pairs: [(String, Value)]) {
        storage.reserveCapacity(pairs.count)
        for (key, value) in pairs { self[key] = value }
    }

    /// Builds the map from entries whose keys are known to be unique (a JSON object's members).
    @inlinable
    public init(uniqueEntries: [(key: String, value: Value)]) {
        storage = uniqueEntries
        rebuildIndex()
    }

    @inlinable
    public var count: Int { storage.count }
    @inlinable
    public var isEmpty: Bool { storage.isEmpty }
    @inlinable
    public var keys: [String] { storage.map(\.key) }

    /// Reads or replaces an entry; assigning `nil` removes it. A new key goes last.
    @inlinable
    public subscript(key: String) -> Value? {
        get { position(of: key).map { storage[$0].value } }
        set {
            if let position = position(of: key) {
                if let newValue {
                    storage[position].value = newValue
                } else {
                    storage.remove(at: position)
                    rebuildIndex()
                }
            } else if let newValue {
                storage.append((key, newValue))
                if index != nil { index?[key] = storage.count - 1 } else if storage.count > Self.indexThreshold { rebuildIndex() }
            }
        }
    }

    /// Where `key` sits in ``entries``. The loop compares each key in place: `firstIndex(where:)`
    /// would copy every entry it passes. Lengths are compared first, inline: a `String` `==` of
    /// two different keys is a call into the runtime, and most keys passed differ in length.
    @inlinable
    public func position(of key: String) -> Int? {
        if let index { return index[key] }
        let length = key.utf8.count
        for position in storage.indices where storage[position].key.utf8.count == length && storage[position].key == key { return position }
        return nil
    }

    /// Whether `key` is present, whatever its value.
    @inlinable
    public func contains(_ key: String) -> Bool { position(of: key) != nil }

    @inlinable mutating func rebuildIndex() {
        guard storage.count > Self.indexThreshold else {
            index = nil
            return
        }
        var positions: [String: Int] = [:]
        positions.reserveCapacity(storage.count)
        for (offset, entry) in storage.enumerated() { positions[entry.key] = offset }
        index = positions
    }

    @inlinable
    public func makeIterator() -> IndexingIterator<[(key: String, value: Value)]> {
        storage.makeIterator()
    }
}

extension OrderedMap: ExpressibleByDictionaryLiteral {
    @inlinable
    public init(dictionaryLiteral elements: (String, Value)...) {
        self.init(elements)
    }
}

extension OrderedMap: Sendable where Value: Sendable {}

/// Two maps are equal when they hold the same entries in the same order.
extension OrderedMap: Equatable where Value: Equatable {
    @inlinable
    public static func == (lhs: OrderedMap, rhs: OrderedMap) -> Bool {
        lhs.storage.count == rhs.storage.count && zip(lhs.storage, rhs.storage).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}
