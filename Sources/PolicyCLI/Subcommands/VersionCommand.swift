import PolicyJSON
import PolicyYAML

/// `flyte-policy version`
enum VersionCommand {
    static let version = "0.1.0"

    static func run(_ arguments: [String], _ console: Console) -> ExitCode {
        if arguments.contains("--help") || arguments.contains("-h") {
            console.out("Print the version and the libraries it was built with.\n\nUSAGE: flyte-policy version\n")
            return .success
        }
        console.out("flyte-policy \(version)\njansson \(JSONLibrary.version)\nlibyaml \(YAMLReader.libraryVersion)\n")
        return .success
    }
}
