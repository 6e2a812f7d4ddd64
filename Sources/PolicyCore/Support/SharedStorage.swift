/// Immutable fields behind one reference (swift-protobuf's storage-class pattern).
///
/// The evaluator hands policies, rules and containers to checks for every subject. Swift copies
/// a struct read out of an array whenever it passes it to a call it cannot see through (a
/// closure, a protocol method), and each copy retains every string and array inside; a struct
/// whose only field is this box copies as one retain. The fields are `let`, so they are read in
/// place, and a type that allows setting a field makes a new box (copy on write by hand).
final class SharedStorage<Fields: Sendable>: Sendable {
    let fields: Fields

    init(_ fields: Fields) {
        self.fields = fields
    }
}
