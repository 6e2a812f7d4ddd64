import PolicyCore
import PolicyJSON

extension ResolvedNode {
    /// The resolved pod as a JSON value (`metadata` and `spec`), as `flyte-policy resolve` prints it.
    public var podJSON: JSONValue {
        ["apiVersion": "v1", "kind": "Pod", "metadata": .object(pod.metadata), "spec": .object(pod.spec)]
    }

    /// The subject the evaluator checks: the typed pod, its JSON for `assert` paths, the Flyte
    /// identity and the provenance of every scheduling and resource value.
    public func subject() throws(ResolutionError) -> Subject {
        let document: JSONDocument
        do { document = try JSONDocument(podJSON) } catch {
            throw .invalidPodSpec(pointer: error.pointer.description, reason: error.reason)
        }
        let root = document.rootNode
        let decoded: Pod
        do { decoded = try Pod(metadata: root["metadata"], spec: root["spec"]) } catch {
            throw .invalidPodSpec(pointer: error.pointer, reason: error.reason)
        }
        var subject = Subject(
            pod: decoded, metadataNode: root["metadata"], specNode: root["spec"], kind: "Pod", name: "", namespace: namespace,
            source: SubjectSource(file: source.file, member: source.member), flyte: identity, primaryContainerName: pod.primaryContainerName,
            provenance: Provenance(pod.provenance))
        subject.notes = pod.notes
        return subject
    }
}
