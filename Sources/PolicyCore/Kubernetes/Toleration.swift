/// A pod toleration, with Kubernetes' matching rules.
public struct Toleration: Sendable, Equatable {
    public var key: String
    /// `Equal` (the default when empty) or `Exists`.
    public var `operator`: String
    public var value: String
    /// Empty tolerates every effect.
    public var effect: String
    public var tolerationSeconds: Int64?

    public init(key: String = "", operator: String = "", value: String = "", effect: String = "", tolerationSeconds: Int64? = nil) {
        self.key = key
        self.operator = `operator`
        self.value = value
        self.effect = effect
        self.tolerationSeconds = tolerationSeconds
    }

    /// The operator with Kubernetes' default applied.
    public var effectiveOperator: String { `operator`.isEmpty ? "Equal" : `operator` }

    /// `operator: Exists` with no key: tolerates every taint.
    public var toleratesEverything: Bool { key.isEmpty && effectiveOperator == "Exists" }

    /// Kubernetes' `Toleration.ToleratesTaint`.
    public func tolerates(_ taint: Taint) -> Bool {
        if !effect.isEmpty, effect != taint.effect { return false }
        if !key.isEmpty, key != taint.key { return false }
        switch effectiveOperator {
        case "Exists": return true
        case "Equal": return value == taint.value
        default: return false
        }
    }

    /// `key=value:Effect` / `key:Effect` / `*` for messages.
    public var summary: String {
        if toleratesEverything { return effect.isEmpty ? "* (tolerates every taint)" : "*:\(effect)" }
        var text = key
        if effectiveOperator == "Equal" { text += "=\(value)" } else { text += " (Exists)" }
        if !effect.isEmpty { text += ":\(effect)" }
        return text
    }
}

/// A node taint as a policy names it.
public struct Taint: Sendable, Equatable {
    public var key: String
    public var value: String
    public var effect: String

    public init(key: String, value: String = "", effect: String) {
        self.key = key
        self.value = value
        self.effect = effect
    }

    public var summary: String { value.isEmpty ? "\(key):\(effect)" : "\(key)=\(value):\(effect)" }
}
