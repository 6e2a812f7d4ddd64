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
        // The parts are hashed one after the other with a unit separator between them: the
        // same bytes as hashing them joined, without building the joined string (reports compute
        // this for every finding).
        var hash = FNV1a128()
        hash.add(finding.policy)
        hash.add(finding.rule)
        if let subject {
            if let flyte = subject.flyte, flyte.workflow != nil || flyte.task != nil {
                for part in ["flyte", flyte.project ?? "", flyte.domain ?? "", flyte.workflow ?? "", flyte.node ?? "", flyte.task ?? ""] {
                    hash.add(part)
                }
                // Only replica groups add a part, so a plain pod's fingerprint stays what it was.
                if let role = subject.role { hash.add(role.label) }
            } else {
                for part in [
                    "object", subject.source.file, subject.kind, subject.namespace ?? "", subject.name, subject.source.podPointer.description,
                ] {
                    hash.add(part)
                }
            }
        }
        hash.add(finding.container ?? "")
        hash.add(finding.path.description)
        return hex(hash.value)
    }

    /// FNV-1a, 128 bits, over the parts joined by `\u{1F}`: stable across platforms and releases
    /// (unlike `Hasher`), and wide enough that two findings of one repository never collide in
    /// practice.
    struct FNV1a128 {
        private(set) var value: UInt128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d
        private var parts = 0
        private static let prime: UInt128 = 0x0000_0000_0100_0000_0000_0000_0000_013B

        mutating func add(_ part: String) {
            if parts > 0 { add(byte: 0x1F) }
            parts += 1
            for byte in part.utf8 { add(byte: byte) }
        }

        private mutating func add(byte: UInt8) {
            value ^= UInt128(byte)
            value = value &* Self.prime
        }
    }

    static func fnv1a128(_ text: String) -> UInt128 {
        var hash = FNV1a128()
        hash.add(text)
        return hash.value
    }

    /// 32 lowercase hex digits, most significant first.
    static func hex(_ value: UInt128) -> String {
        String(unsafeUninitializedCapacity: 32) { buffer in
            for index in 0..<32 {
                let nibble = UInt8(truncatingIfNeeded: value >> UInt128(4 * (31 - index))) & 0xF
                buffer[index] = nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10
            }
            return 32
        }
    }
}

extension Report {
    /// The fingerprint of every finding, in finding order.
    public var fingerprints: [String] {
        findings.map { Fingerprint.of($0, subject: subject(of: $0)) }
    }
}
