import PolicyJSON

/// String keys to string values in document order: a pod's labels, annotations and node
/// selector. Every decoded pod has a few of them, with a handful of entries that a few match
/// clauses look up: ``OrderedMap`` compares them in place instead of hashing.
public typealias StringMap = OrderedMap<String>
