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

    public init?(reading node: JSONNode, at pointer: JSONPointer, context: inout LoadContext) {
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
        subject.pod.spec.forEachContainer { check($0, into: &violations) }
    }

    private func check(_ container: borrowing Container, into violations: inout [Violation]) {
        guard let image = container.image, !image.isEmpty else {
            violations.append(Violation(ImageViolation(owner: copy container, problem: .missing)))
            return
        }
        // The parsed reference is read in place (optional chaining): binding it would copy
        // its strings for every container and rule.
        guard let reference = container.imageReference?.name else {
            violations.append(Violation(ImageViolation(owner: copy container, problem: .malformed)))
            return
        }
        if allowedRegistries?.matchesPathOrParent(reference) == false {
            violations.append(Violation(ImageViolation(owner: copy container, problem: .registry(allowed: allowedRegistries?.description ?? ""))))
        }
        if forbiddenTags != nil, let tag = container.imageReference?.effectiveTag, forbiddenTags?.matches(tag) == true {
            violations.append(Violation(ImageViolation(owner: copy container, problem: .forbiddenTag)))
        }
        if requireDigest, container.imageReference?.digest == nil {
            violations.append(Violation(ImageViolation(owner: copy container, problem: .unpinned)))
        }
    }
}

/// An image violation: the container (whose pointer, name and image it reads when asked) and
/// what is wrong. Three words, so it lives inside its ``Violation`` without an allocation; image
/// rules are most of the findings of a typical run.
private struct ImageViolation: ViolationRecipe {
    enum Problem {
        case missing, malformed, forbiddenTag, unpinned
        /// Not from an approved registry; the rule's patterns, as quoted.
        case registry(allowed: String)
    }

    let owner: Container
    let problem: Problem

    var path: JSONPointer { owner.pointer.appending("image") }
    var container: String? { owner.name }

    var explanation: Violation.Explanation {
        let image = owner.image ?? ""
        switch problem {
        case .missing:
            return .init("container '\(owner.name)' has no image")
        case .malformed:
            return .init("container '\(owner.name)' has the malformed image reference '\(image)'", value: image)
        case .registry(let allowed):
            return .init("image \(image) is not from an approved registry (allowed: \(allowed))", value: image, allowed: allowed)
        case .forbiddenTag:
            let tag = owner.imageReference?.effectiveTag ?? ""
            let implicit = owner.imageReference?.tag == nil ? " (no tag means latest)" : ""
            return .init("image \(image) uses the forbidden tag '\(tag)'\(implicit)", value: tag)
        case .unpinned:
            return .init("image \(image) is not pinned by digest (@sha256:...)", value: image, allowed: "name@sha256:<digest>")
        }
    }
}
