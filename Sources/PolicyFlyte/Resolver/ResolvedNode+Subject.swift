import PolicyCore
import PolicyJSON

extension ResolvedNode {
    /// The resolved pod as a JSON value (`metadata` and `spec`), as `flyte-policy resolve` prints it.
    package var podJSON: JSONValue {
        ["apiVersion": "v1", "kind": "Pod", "metadata": .object(pod.metadata), "spec": .object(pod.spec)]
    }

    /// The subject the evaluator checks: the typed pod, its JSON for `assert` paths, the Flyte
    /// identity and the provenance of every scheduling and resource value.
    package func subject() throws(ResolutionError) -> Subject {
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
        subject.source.isResolved = true
        subject.notes = pod.notes
        subject.role = role
        subject.replicas = replicas
        return subject
    }
}

extension FlyteResolver.Outcome {
    /// The subject of every resolved node, the replica groups of each node linked as one job
    /// (``JobShape``), with the nodes they came from; a node whose pod does not decode is an
    /// error instead.
    package func subjects() -> (subjects: [Subject], nodes: [ResolvedNode], errors: [NodeResolutionError]) {
        var subjects: [Subject] = []
        var kept: [ResolvedNode] = []
        var errors: [NodeResolutionError] = []
        subjects.reserveCapacity(nodes.count)
        var start = 0
        for node in nodes {
            if let last = kept.last, last.job != node.job {
                JobShape.link(&subjects, start..<subjects.count)
                start = subjects.count
            }
            do {
                subjects.append(try node.subject())
                kept.append(node)
            } catch {
                errors.append(NodeResolutionError(source: node.source, location: node.identity.location, error: error))
            }
        }
        JobShape.link(&subjects, start..<subjects.count)
        return (subjects, kept, errors)
    }
}

extension FlyteIdentity {
    /// `workflow W node N`, or `task T` for a task resolved on its own.
    package var location: String {
        if let workflow, !workflow.isEmpty { return "workflow \(workflow) node \(node ?? "")" }
        return "task \(task ?? "")"
    }
}
