import PolicyJSON

/// The merge Flyte uses for pod specs, containers and object metadata: Go's `mergo.Merge` with
/// `WithOverride` and `WithAppendSlice`, over Kubernetes JSON.
///
/// - non-empty scalars of the overlay replace the base's; `""`, `0` and `false` never clear a value
///   (Kubernetes' plain value fields), except for fields Kubernetes declares as pointers, where an
///   explicit `false` or `0` is a value (`privileged: false` does override `true`);
/// - objects (structs and maps) merge key by key, recursively;
/// - arrays are appended, base first, with no de-duplication.
enum Mergo {
    /// Fields of the Kubernetes core API that are pointers (`*bool`, `*int64`): mergo sees a set
    /// pointer as non-empty even when it points to `false` or `0`.
    static let pointerFields: Set<String> = [
        "privileged", "allowPrivilegeEscalation", "runAsNonRoot", "readOnlyRootFilesystem", "runAsUser", "runAsGroup",
        "fsGroup", "automountServiceAccountToken", "enableServiceLinks", "shareProcessNamespace", "hostUsers",
        "setHostnameAsFQDN", "terminationGracePeriodSeconds", "activeDeadlineSeconds", "priority",
    ]

    static func merge(_ base: JSONValue, _ overlay: JSONValue, field: String = "") -> JSONValue {
        switch (base, overlay) {
        case (.object(let left), .object(let right)):
            return .object(merge(left, right))
        case (.array(let left), .array(let right)):
            return .array(left + right)
        default:
            if isEmpty(overlay, field: field) { return base }
            return overlay
        }
    }

    static func merge(_ base: JSONObject, _ overlay: JSONObject) -> JSONObject {
        var result = base
        for (key, value) in overlay {
            if let existing = result[key] {
                result[key] = merge(existing, value, field: key)
            } else if !isEmpty(value, field: key) {
                result[key] = value
            }
        }
        return result
    }

    /// Go's zero values, as they appear in Kubernetes JSON.
    static func isEmpty(_ value: JSONValue, field: String = "") -> Bool {
        switch value {
        case .null: true
        case .string(let text): text.isEmpty
        case .integer(let number): number == 0 && !pointerFields.contains(field)
        case .real(let number): number == 0 && !pointerFields.contains(field)
        case .bool(let flag): !flag && !pointerFields.contains(field)
        case .array(let elements): elements.isEmpty
        case .object(let object): object.isEmpty
        }
    }
}
