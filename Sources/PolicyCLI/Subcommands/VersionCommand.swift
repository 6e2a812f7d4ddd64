import CBuildInfo
import PolicyJSON
import PolicyYAML

/// `flyte-policy version`
enum VersionCommand {
    static let version = "0.1.0"

    /// `0.1.0 (revision 1a2b3c4, built 2026-12-02)` for a release build (scripts/release stamps
    /// both), `0.1.0 (development build)` otherwise.
    static var versionLine: String {
        let revision = String(cString: cbuildinfo_revision())
        let date = String(cString: cbuildinfo_date())
        guard !revision.isEmpty else { return "\(version) (development build)" }
        return "\(version) (revision \(revision)\(date.isEmpty ? "" : ", built \(date)"))"
    }

    static func run(_ arguments: [String], _ console: Console) -> ExitCode {
        if arguments.contains("--help") || arguments.contains("-h") {
            console.out(
                "Print the version, the git revision and date of a release build, and the libraries it was built with.\n\nUSAGE: flyte-policy version\n"
            )
            return .success
        }
        console.out("flyte-policy \(versionLine)\njansson \(JSONLibrary.version)\nlibyaml \(YAMLReader.libraryVersion)\n")
        return .success
    }
}
