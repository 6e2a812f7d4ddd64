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
    /// What converting a run of nodes made: their subjects, the nodes they came from, and an
    /// error for each node whose pod does not decode.
    package typealias Converted = (subjects: [Subject], nodes: [ResolvedNode], errors: [NodeResolutionError])

    /// The subject of every resolved node, the replica groups of each node linked as one job
    /// (``JobShape``), with the nodes they came from; a node whose pod does not decode is an
    /// error instead. Runs of whole jobs are converted on up to `jobs` threads and joined in
    /// order, so the result is the same for every `jobs`.
    /// - Parameter nodesPerChunk: the fewest nodes worth a chunk of their own.
    package func subjects(jobs: Int = 1, nodesPerChunk: Int = 64) -> Converted {
        let runs = jobRuns(count: jobs > 1 ? min(nodes.count / max(1, nodesPerChunk), jobs * 8) : 1)
        let all = nodes
        guard runs.count > 1 else { return Self.convert(all[...]) }
        let parts = ParallelMap.map(runs.count, jobs: jobs) { Self.convert(all[runs[$0]]) }
        var result: Converted = ([], [], [])
        result.subjects.reserveCapacity(nodes.count)
        for part in parts {
            result.subjects += part.subjects
            result.nodes += part.nodes
            result.errors += part.errors
        }
        return result
    }

    /// The subjects of every resolved node evaluated as they are made: what
    /// ``subjects(jobs:nodesPerChunk:)`` then ``Evaluator/part(_:)`` make, without ever holding
    /// every subject's JSON. Runs of whole jobs of about `nodesPerRun` nodes are converted and
    /// evaluated on up to `jobs` threads, each subject's JSON freed once evaluated, and the
    /// parts joined in order: the same for every `jobs`.
    ///
    /// Runs are short on purpose: with longer ones, the JSON trees of a run, made together and
    /// freed one by one while findings are kept, send glibc's allocator into `_int_malloc` and
    /// `malloc_consolidate` (perf). On the Flyte benchmark runs of 8 or 16 nodes cost what
    /// converting every node first did; 64 cost 20 % more CPU and 256, 60 % more
    /// (docs/benchmarks.md, session 13).
    /// - Returns: the evaluated part, and an error for each node whose pod does not decode.
    package func evaluated(by evaluator: Evaluator, jobs: Int = 1, nodesPerRun: Int = 16) -> (part: ReportPart, errors: [NodeResolutionError]) {
        let runs = jobRuns(count: nodes.count / max(1, nodesPerRun))
        let all = nodes
        var parts = ParallelMap.map(runs.count, jobs: jobs) { run in
            let converted = Self.convert(all[runs[run]])
            return (evaluator.part(converted.subjects), converted.errors)
        }
        var result = (part: ReportPart(outcomes: RuleOutcomes(policies: evaluator.policies)), errors: [NodeResolutionError]())
        // Popped, so each part's arrays go as soon as they are appended.
        parts.reverse()
        while let (part, errors) = parts.popLast() {
            result.part.append(part)
            result.errors += errors
        }
        return result
    }

    /// The nodes cut into about `count` runs of consecutive nodes (at least one), each ending
    /// where a job ends: the groups of one job are linked together.
    private func jobRuns(count: Int) -> [Range<Int>] {
        var bounds = [0]
        if count > 1 {
            for run in 1..<count {
                var cut = max(bounds[bounds.count - 1], run * nodes.count / count)
                while cut > 0, cut < nodes.count, nodes[cut].job == nodes[cut - 1].job { cut += 1 }
                if cut > bounds[bounds.count - 1], cut < nodes.count { bounds.append(cut) }
            }
        }
        bounds.append(nodes.count)
        return zip(bounds, bounds.dropFirst()).map { $0..<$1 }
    }

    /// The subjects of a run of whole jobs, each job's groups linked.
    private static func convert(_ run: ArraySlice<ResolvedNode>) -> Converted {
        var result: Converted = ([], [], [])
        result.subjects.reserveCapacity(run.count)
        var start = 0
        for node in run {
            if let last = result.nodes.last, last.job != node.job {
                JobShape.link(&result.subjects, start..<result.subjects.count)
                start = result.subjects.count
            }
            do throws(ResolutionError) {
                result.subjects.append(try node.subject())
                result.nodes.append(node)
            } catch {
                result.errors.append(NodeResolutionError(source: node.source, location: node.identity.location, error: error))
            }
        }
        JobShape.link(&result.subjects, start..<result.subjects.count)
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
