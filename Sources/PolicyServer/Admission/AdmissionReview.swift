import PolicyJSON

/// The parts of an `admission.k8s.io` AdmissionReview request the webhook reads.
struct AdmissionRequest {
    /// `admission.k8s.io/v1` or `admission.k8s.io/v1beta1`; the response uses the same.
    var apiVersion: String
    var uid: String
    var operation: String
    var namespace: String?
    var name: String?
    /// `request.kind.kind` (`Pod`), the kind the API server says it is sending.
    var kind: String?
    /// `request.kind.group` and `.version` as an apiVersion (`apps/v1`, `v1`).
    var resourceAPIVersion: String?
    var dryRun: Bool
    var object: JSONNode?
    var oldObject: JSONNode?

    static let supportedVersions = ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"]

    /// Reads a parsed body; throws a sentence saying what is missing for anything that is not
    /// an AdmissionReview request (answered with 400).
    init(_ root: JSONNode) throws(AdmissionRequestError) {
        guard root.isObject else { throw AdmissionRequestError("the body is JSON \(root.kind.phrase), not an AdmissionReview object") }
        guard root["kind"]?.string == "AdmissionReview" else {
            throw AdmissionRequestError("the body's 'kind' is \(Self.quoted(root["kind"])), expected \"AdmissionReview\"")
        }
        guard let version = root["apiVersion"]?.string, Self.supportedVersions.contains(version) else {
            throw AdmissionRequestError(
                "the body's 'apiVersion' is \(Self.quoted(root["apiVersion"])); supported: \(Self.supportedVersions.joined(separator: ", "))")
        }
        guard let request = root["request"], request.isObject else {
            throw AdmissionRequestError("the AdmissionReview has no 'request' object")
        }
        guard let uid = request["uid"]?.string, !uid.isEmpty else {
            throw AdmissionRequestError("the AdmissionReview request has no 'uid' string")
        }
        apiVersion = version
        self.uid = uid
        operation = request["operation"]?.string ?? ""
        namespace = request["namespace"]?.string
        name = request["name"]?.string
        kind = request["kind"]?["kind"]?.string
        if let version = request["kind"]?["version"]?.string {
            let group = request["kind"]?["group"]?.string ?? ""
            resourceAPIVersion = group.isEmpty ? version : "\(group)/\(version)"
        }
        dryRun = request["dryRun"]?.bool ?? false
        object = request["object"].flatMap { $0.isNull ? nil : $0 }
        oldObject = request["oldObject"].flatMap { $0.isNull ? nil : $0 }
    }

    private static func quoted(_ node: JSONNode?) -> String {
        guard let node else { return "missing" }
        if let text = node.string { return "\"\(text)\"" }
        return node.kind.phrase
    }
}

/// Why a body is not an AdmissionReview request.
struct AdmissionRequestError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
