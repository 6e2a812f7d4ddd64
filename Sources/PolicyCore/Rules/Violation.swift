import PolicyJSON

/// What a check keeps about one violation: enough to produce its pointer, its container and its
/// words when a report reads them.
///
/// A run over many pods can find hundreds of thousands of violations, and most reports show a
/// fraction of their words (a summary, a baseline diff, the first few in a terminal), so a recipe
/// stores the few values it was made from and formats on demand. A recipe of up to three words
/// (a container and one string, say) lives inside the ``Violation`` itself and allocates
/// nothing; a larger one is boxed once.
public protocol ViolationRecipe: Sendable {
    /// Where in the resolved pod.
    var path: JSONPointer { get }
    /// The container concerned; `nil` for pod-level findings.
    var container: String? { get }
    /// The explanation, the offending value and what was allowed.
    var explanation: Violation.Explanation { get }
}

/// One thing a check found wrong.
public struct Violation: Sendable {
    /// The words of a violation.
    public struct Explanation: Sendable {
        /// A sentence naming the offending value and what was allowed.
        public var detail: String
        /// The offending value, for `{{value}}`.
        public var value: String?
        /// What would have been accepted, for `{{allowed}}`.
        public var allowed: String?

        public init(_ detail: String, value: String? = nil, allowed: String? = nil) {
            self.detail = detail
            self.value = value
            self.allowed = allowed
        }
    }

    private let recipe: any ViolationRecipe

    /// Where in the resolved pod.
    public var path: JSONPointer { recipe.path }
    /// The container concerned; `nil` for pod-level findings.
    public var container: String? { recipe.container }
    /// The explanation, the offending value and what was allowed, formatted now.
    public var explanation: Explanation { recipe.explanation }
    /// The default explanation.
    public var detail: String { explanation.detail }
    /// The offending value, for `{{value}}`.
    public var value: String? { explanation.value }
    /// What would have been accepted, for `{{allowed}}`.
    public var allowed: String? { explanation.allowed }

    /// A violation described by a check's own recipe type.
    public init(_ recipe: some ViolationRecipe) {
        self.recipe = recipe
    }

    /// A violation at `pointer` followed by `below` (a constant suffix in escaped form, such as
    /// `/resources/limits`), then `token` (escaped here) when one is given, whose words
    /// `explain` produces from `context` when read.
    ///
    /// Pass what the words need as `context` and let `explain` capture nothing: the context is
    /// stored with the pointer parts in one box, where a capturing closure would allocate a second
    /// time for every violation.
    public init<Context: Sendable>(
        pointer: JSONPointer, below: String = "", token: String? = nil, container: String?, context: Context,
        explain: @escaping @Sendable (Context) -> Explanation
    ) {
        recipe = Parts(pointer: pointer, below: below, token: token, container: container, context: context, explain: explain)
    }

    /// - Parameter detail: the default explanation, a sentence naming the offending value and
    ///   what was allowed; evaluated when ``detail`` is read.
    public init(
        path: JSONPointer, detail: @autoclosure @escaping @Sendable () -> String, value: String? = nil, allowed: String? = nil,
        container: String? = nil
    ) {
        self.init(pointer: path, container: container, context: (detail, value, allowed)) { Explanation($0.0(), value: $0.1, allowed: $0.2) }
    }
}

extension Violation {
    /// The general recipe: a pointer given as parts (checks hand over the shared pointer of a
    /// container and a constant suffix, joined on read), and words made from a context.
    private struct Parts<Context: Sendable>: ViolationRecipe {
        let pointer: JSONPointer
        let below: String
        let token: String?
        let container: String?
        let context: Context
        let explain: @Sendable (Context) -> Explanation

        var path: JSONPointer {
            guard let token else { return below.isEmpty ? pointer : JSONPointer(escapedText: pointer.description + below) }
            return JSONPointer(escapedText: pointer.description + below + "/" + JSONPointer.escape(token))
        }

        var explanation: Explanation { explain(context) }
    }
}
