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

    public func evaluate(_ subject: Subject) -> [Violation] {
        var violations: [Violation] = []
        for container in subject.pod.allContainers {
            let path = container.pointer + "/image"
            func add(_ detail: String, value: String?, allowed: String?) {
                violations.append(Violation(path: path, detail: detail, value: value, allowed: allowed, container: container.name))
            }
            guard let image = container.image, !image.isEmpty else {
                add("container '\(container.name)' has no image", value: nil, allowed: nil)
                continue
            }
            guard let reference = container.imageReference else {
                add("container '\(container.name)' has the malformed image reference '\(image)'", value: image, allowed: nil)
                continue
            }
            if let allowedRegistries, !Self.isAllowed(reference.name, by: allowedRegistries) {
                add("image \(image) is not from an approved registry (allowed: \(allowedRegistries))", value: image, allowed: allowedRegistries.description)
            }
            if let forbiddenTags, let tag = reference.effectiveTag, forbiddenTags.matches(tag) {
                let implicit = reference.tag == nil ? " (no tag means latest)" : ""
                add("image \(image) uses the forbidden tag '\(tag)'\(implicit)", value: tag, allowed: nil)
            }
            if requireDigest, reference.digest == nil {
                add("image \(image) is not pinned by digest (@sha256:...)", value: image, allowed: "name@sha256:<digest>")
            }
        }
        return violations
    }

    /// Whether the name or one of its `/`-bounded prefixes matches.
    static func isAllowed(_ name: String, by globs: GlobList) -> Bool {
        if globs.matches(name) { return true }
        var prefix = Substring(name)
        while let slash = prefix.lastIndex(of: "/") {
            prefix = prefix[..<slash]
            if globs.matches(String(prefix)) { return true }
        }
        return false
    }
}
