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
            throw .invalidPodSpec(pointer: error.pointer, reason: error.reason)
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
    /// error instead. Runs of whole jobs are converted on up to `jobs` threads and joined in
    /// order, so the result is the same for every `jobs`.
    /// - Parameter nodesPerChunk: the fewest nodes worth a chunk of their own.
    package func subjects(jobs: Int = 1, nodesPerChunk: Int = 64) -> (subjects: [Subject], nodes: [ResolvedNode], errors: [NodeResolutionError]) {
        // Chunks end where a job ends: the groups of one job are linked together.
        let chunkCount = jobs > 1 ? min(nodes.count / max(1, nodesPerChunk), jobs * 8) : 1
        var bounds = [0]
        if chunkCount > 1 {
            for chunk in 1..<chunkCount {
                var cut = max(bounds[bounds.count - 1], chunk * nodes.count / chunkCount)
                while cut > 0, cut < nodes.count, nodes[cut].job == nodes[cut - 1].job { cut += 1 }
                if cut > bounds[bounds.count - 1], cut < nodes.count { bounds.append(cut) }
            }
        }
        bounds.append(nodes.count)
        let all = nodes
        let convert: @Sendable (Range<Int>) -> (subjects: [Subject], nodes: [ResolvedNode], errors: [NodeResolutionError]) = { range in
            var subjects: [Subject] = []
            var kept: [ResolvedNode] = []
            var errors: [NodeResolutionError] = []
            subjects.reserveCapacity(range.count)
            var start = 0
            for node in all[range] {
                if let last = kept.last, last.job != node.job {
                    JobShape.link(&subjects, start..<subjects.count)
                    start = subjects.count
                }
                do throws(ResolutionError) {
                    subjects.append(try node.subject())
                    kept.append(node)
                } catch {
                    errors.append(NodeResolutionError(source: node.source, location: node.identity.location, error: error))
                }
            }
            JobShape.link(&subjects, start..<subjects.count)
            return (subjects, kept, errors)
        }
        let cuts = bounds
        guard cuts.count > 2 else { return convert(0..<nodes.count) }
        let parts = ParallelMap.map(cuts.count - 1, jobs: jobs) { convert(cuts[$0]..<cuts[$0 + 1]) }
        var result: (subjects: [Subject], nodes: [ResolvedNode], errors: [NodeResolutionError]) = ([], [], [])
        result.subjects.reserveCapacity(nodes.count)
        for part in parts {
            result.subjects += part.subjects
            result.nodes += part.nodes
            result.errors += part.errors
        }
        return result
    }
}

extension FlyteIdentity {
    /// `workflow W node N`, or `task T` for a task resolved on its own.
    package var location: String {
        if let workflow, !workflow.isEmpty { return "workflow \(workflow) node \(node ?? "")" }
        return "task \(task ?? "")"
    }
}
