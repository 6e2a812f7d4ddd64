/// String keys to string values in document order: a pod's labels and annotations.
///
/// Every decoded pod has one of each, with a handful of entries that a few match clauses look
/// up; a list compared in place is smaller and quicker to build than a hash table. Keys are
/// unique: setting a key that is present replaces its value where it stands.
public struct StringMap: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var entries: [(key: String, value: String)]

    /// The entries in order; for a repeated key the last value wins, in the first one's place.
    public init(_ entries: [(key: String, value: String)] = []) {
        self.entries = []
        self.entries.reserveCapacity(entries.count)
        for entry in entries { self[entry.key] = entry.value }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements.map { (key: $0.0, value: $0.1) })
    }

    /// Builds the map from entries whose keys are known to be unique (a JSON object's members).
    init(uniqueEntries entries: [(key: String, value: String)]) {
        self.entries = entries
    }

    public subscript(key: String) -> String? {
        get { position(of: key).map { entries[$0].value } }
        set {
            if let position = position(of: key) {
                if let newValue { entries[position].value = newValue } else { entries.remove(at: position) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    public var count: Int { entries.count }
    public var isEmpty: Bool { entries.isEmpty }

    public func makeIterator() -> IndexingIterator<[(key: String, value: String)]> {
        entries.makeIterator()
    }

    /// An index loop compares each key in place; `firstIndex(where:)` would copy each entry.
    private func position(of key: String) -> Int? {
        for index in entries.indices where entries[index].key == key { return index }
        return nil
    }
}
