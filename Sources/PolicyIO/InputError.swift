import PolicyCore
import PolicyFlyte
import PolicyJSON
import PolicyYAML

/// An input that could not be read faithfully. Every case is a complete sentence naming the
/// file and, where it applies, the document and JSON pointer.
package enum InputError: Error, Sendable, CustomStringConvertible {
    case notFound(path: String)
    case unreadable(path: String, reason: String)
    case json(JSONParseError)
    case yaml(YAMLError)
    case invalidObject(source: String, pointer: JSONPointer, reason: String)
    case unsupported(source: String, reason: String)
    case empty(path: String)
    case tooLarge(path: String, limit: Int)
    /// YAML or JSON that is not a Kubernetes object (an application config, Helm values, a
    /// template): skipped in a folder walk, an error for a file named on the command line.
    case notAManifest(source: String, reason: String)
    case flyte(FlyteDecodingError)
    case protobuf(source: String, ProtoDecodingError)
    case platform(PlatformConfigError)
    case resolution(NodeResolutionError)

    package var description: String {
        switch self {
        case .notFound(let path): "\(path): no such file or folder."
        case .unreadable(let path, let reason): "\(path): cannot be read: \(reason)."
        case .json(let error): "\(error.source):\(error.line):\(error.column): invalid JSON at byte \(error.offset): \(error.reason)."
        case .yaml(let error): "\(error.source):\(error.line):\(error.column): invalid YAML: \(error.reason)."
        case .invalidObject(let source, let pointer, let reason): "\(source): \(pointer == .root ? "(document)" : pointer.description): \(reason)."
        case .unsupported(let source, let reason): "\(source): \(reason)."
        case .notAManifest(let source, let reason): "\(source): \(reason)."
        case .empty(let path): "\(path): the folder holds no readable input (.json, .yaml, .yml, .pb or .tgz files)."
        case .tooLarge(let path, let limit):
            "\(path): larger than \(limit >= 1 << 20 ? "\(limit >> 20) MiB" : "\(limit) bytes"), the input size bound; raise it with --max-input-size if the input is real."
        case .flyte(let error): error.description
        case .protobuf(let source, let error): "\(source): \(error)."
        case .platform(let error): error.description
        case .resolution(let error): error.description
        }
    }
}
