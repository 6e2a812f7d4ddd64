/// A finding's stable identity across runs, for baselines and SARIF `partialFingerprints`.
///
/// It names what is wrong and where, not how it reads: the policy and rule, the subject, the
/// container and the JSON pointer. The message is left out, so a violation whose value changes
/// (one unapproved GPU type replaced by another) is still the same finding. For Flyte subjects the
/// subject is its Flyte identity (project, domain, workflow, node, task), not the archive member,
/// because `pyflyte package` numbers its members and the numbers shift when entities are added.
/// For manifests it is the file, the object's kind, namespace and name, and where the pod
/// template sits, not the line, which moves with every edit above it.
public enum Fingerprint {
    /// Schema of the fingerprint, carried in SARIF's `partialFingerprints` key and the baseline.
    public static let version = "flyte-policy/v1"

    public static func of(_ finding: Finding, subject: Subject?) -> String {
        var parts = [finding.policy, finding.rule]
        if let subject {
            if let flyte = subject.flyte, flyte.workflow != nil || flyte.task != nil {
                parts += ["flyte", flyte.project ?? "", flyte.domain ?? "", flyte.workflow ?? "", flyte.node ?? "", flyte.task ?? ""]
            } else {
                parts += ["object", subject.source.file, subject.kind, subject.namespace ?? "", subject.name, subject.source.podPointer]
            }
        }
        parts += [finding.container ?? "", finding.path]
        return hex(fnv1a128(parts.joined(separator: "\u{1F}")))
    }

    /// FNV-1a, 128 bits: stable across platforms and releases (unlike `Hasher`), and wide enough
    /// that two findings of one repository never collide in practice.
    static func fnv1a128(_ text: String) -> UInt128 {
        var hash: UInt128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d
        let prime: UInt128 = 0x0000_0000_0100_0000_0000_0000_0000_013B
        for byte in text.utf8 {
            hash ^= UInt128(byte)
            hash = hash &* prime
        }
        return hash
    }

    static func hex(_ value: UInt128) -> String {
        String(value, radix: 16).zeroPadded(to: 32)
    }
}

extension Report {
    /// The fingerprint of every finding, in finding order.
    public var fingerprints: [String] {
        findings.map { Fingerprint.of($0, subject: subject(of: $0)) }
    }
}
