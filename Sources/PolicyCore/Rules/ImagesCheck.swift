import PolicyJSON

/// `images`: registries, tags and digests of every container, init container and ephemeral
/// container image.
public struct ImagesCheck: RuleCheck {
    public static let key = "images"
    static let fields = ["allowedRegistries", "forbiddenTags", "requireDigest"]

    /// Patterns on `registry/path`; a pattern also allows everything below it (`ghcr.io/acme`
    /// allows `ghcr.io/acme/ml`).
    public var allowedRegistries: GlobList?
    public var forbiddenTags: GlobList?
    public var requireDigest = false

    public init(allowedRegistries: GlobList? = nil, forbiddenTags: GlobList? = nil, requireDigest: Bool = false) {
        self.allowedRegistries = allowedRegistries
        self.forbiddenTags = forbiddenTags
        self.requireDigest = requireDigest
    }

    public init?(reading node: JSONNode, at pointer: JSONPointerText, context: inout LoadContext) {
        guard let reader = ObjectReader(node, at: pointer, allowed: Self.fields, what: "an images check", context: &context) else { return nil }
        let before = context.errors.count
        allowedRegistries = reader.globList("allowedRegistries", context: &context)
        forbiddenTags = reader.globList("forbiddenTags", context: &context)
        requireDigest = reader.bool("requireDigest", context: &context) ?? false
        if allowedRegistries == nil, forbiddenTags == nil, !requireDigest, context.errors.count == before {
            context.fail(pointer, "an images check needs at least one of: \(Self.fields.joined(separator: ", "))")
        }
        guard context.errors.count == before else { return nil }
    }

    public func evaluate(_ subject: Subject, into violations: inout [Violation]) {
        subject.pod.spec.forEachContainer { container in
            let name = container.name
            let pointer = container.pointer
            func add(_ explain: @escaping @Sendable () -> Violation.Explanation) {
                violations.append(Violation(pointer: pointer, below: "/image", container: name, explain: explain))
            }
            guard let image = container.image, !image.isEmpty else {
                add { Violation.Explanation("container '\(name)' has no image") }
                return
            }
            // The parsed reference is read in place (optional chaining): binding it would copy
            // its five strings for every container and rule.
            guard let reference = container.imageReference?.name else {
                add { Violation.Explanation("container '\(name)' has the malformed image reference '\(image)'", value: image) }
                return
            }
            if allowedRegistries?.matchesPathOrParent(reference) == false {
                let allowed = allowedRegistries?.description ?? ""
                add { Violation.Explanation("image \(image) is not from an approved registry (allowed: \(allowed))", value: image, allowed: allowed) }
            }
            if forbiddenTags != nil, let tag = container.imageReference?.effectiveTag, forbiddenTags?.matches(tag) == true {
                let implicit = container.imageReference?.tag == nil
                add { Violation.Explanation("image \(image) uses the forbidden tag '\(tag)'\(implicit ? " (no tag means latest)" : "")", value: tag) }
            }
            if requireDigest, container.imageReference?.digest == nil {
                add { Violation.Explanation("image \(image) is not pinned by digest (@sha256:...)", value: image, allowed: "name@sha256:<digest>") }
            }
        }
    }
}
