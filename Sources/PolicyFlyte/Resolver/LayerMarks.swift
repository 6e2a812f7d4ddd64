import PolicyJSON

/// Provenance of list elements (tolerations, node selector requirements) travels inside the
/// elements themselves while a pod is built, because Flyte prepends, appends and merges those
/// lists in ways that shift every index. The mark is a member no Kubernetes object has; it is
/// removed, and turned into JSON-pointer provenance, when the pod is finished.
enum LayerMarks {
    static let key = "\u{1}layer"

    /// The element with `layer` recorded, unless it already carries one.
    static func mark(_ value: JSONValue, _ layer: String?) -> JSONValue {
        guard let layer, var object = value.object, object[key] == nil else { return value }
        object[key] = .string(layer)
        return .object(object)
    }

    static func mark(_ values: [JSONValue], _ layer: String?) -> [JSONValue] {
        values.map { mark($0, layer) }
    }

    /// Marks every toleration and required/preferred node selector requirement of a pod spec.
    static func markSpec(_ spec: JSONObject, _ layer: String?) -> JSONObject {
        guard layer != nil else { return spec }
        var spec = spec
        if let tolerations = spec["tolerations"]?.array { spec["tolerations"] = .array(mark(tolerations, layer)) }
        if let affinity = spec["affinity"]?.object { spec["affinity"] = .object(markAffinity(affinity, layer)) }
        return spec
    }

    static func markAffinity(_ affinity: JSONObject, _ layer: String?) -> JSONObject {
        var affinity = affinity
        guard var nodeAffinity = affinity["nodeAffinity"]?.object else { return affinity }
        if var required = nodeAffinity["requiredDuringSchedulingIgnoredDuringExecution"]?.object,
            let terms = required["nodeSelectorTerms"]?.array
        {
            required["nodeSelectorTerms"] = .array(terms.map { markTerm($0, layer) })
            nodeAffinity["requiredDuringSchedulingIgnoredDuringExecution"] = .object(required)
        }
        affinity["nodeAffinity"] = .object(nodeAffinity)
        return affinity
    }

    private static func markTerm(_ term: JSONValue, _ layer: String?) -> JSONValue {
        guard var object = term.object else { return term }
        for field in ["matchExpressions", "matchFields"] {
            if let expressions = object[field]?.array { object[field] = .array(mark(expressions, layer)) }
        }
        return .object(object)
    }

    /// Removes every mark below `value`, reporting each marked element's pointer and layer.
    /// Pointer text is built only for marked elements: most of a pod carries none.
    static func strip(_ value: JSONValue, at pointer: JSONPointer, into layers: inout [JSONPointer: String]) -> JSONValue {
        var tokens = pointer.tokens
        return strip(value, tokens: &tokens, into: &layers)
    }

    private static func strip(_ value: JSONValue, tokens: inout [String], into layers: inout [JSONPointer: String]) -> JSONValue {
        switch value {
        case .object(var object):
            if let layer = object[key]?.string {
                layers[JSONPointer(tokens: tokens)] = layer
                object[key] = nil
            }
            guard object.contains(where: { $0.value.isContainer }) else { return .object(object) }
            var result = JSONObject()
            for (name, member) in object {
                tokens.append(name)
                result[name] = strip(member, tokens: &tokens, into: &layers)
                tokens.removeLast()
            }
            return .object(result)
        case .array(let elements):
            guard elements.contains(where: \.isContainer) else { return value }
            var result: [JSONValue] = []
            result.reserveCapacity(elements.count)
            for (index, element) in elements.enumerated() {
                tokens.append(String(index))
                result.append(strip(element, tokens: &tokens, into: &layers))
                tokens.removeLast()
            }
            return .array(result)
        default:
            return value
        }
    }

    /// Only the fields marks are put on; the rest of the spec is returned untouched.
    static func stripSpec(_ spec: JSONObject, into layers: inout [JSONPointer: String]) -> JSONObject {
        var spec = spec
        for field in ["tolerations", "affinity"] {
            if let value = spec[field] {
                var tokens = ["spec", field]
                spec[field] = strip(value, tokens: &tokens, into: &layers)
            }
        }
        return spec
    }

    /// The value without marks (for comparisons that must not see them).
    static func unmarked(_ value: JSONValue) -> JSONValue {
        var ignored: [JSONPointer: String] = [:]
        return strip(value, at: .root, into: &ignored)
    }
}
