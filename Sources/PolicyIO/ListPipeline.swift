import Dispatch
import PolicyCore
import PolicyFlyte
import PolicyJSON
import Synchronization

/// A large JSON `List` (`kubectl get pods -A -o json` of a cluster) read item by item on
/// several cores, and, for `check`, evaluated and located as it is read.
///
/// A byte scanner finds where the items begin and end (``JSONListSplitter``); jansson parses
/// each item apart. Items are taken in chunks of consecutive items by `jobs` threads; with an
/// evaluator, a chunk's pods are checked, their findings placed on their lines, and their parsed
/// JSON freed before the next chunk is taken, so a run holds a few chunks of parsed JSON rather
/// than the whole tree (a parsed pod is several times the size of its text). Chunks are joined
/// in order: the outcome is the same for every `jobs`, and the same as reading the text whole.
package enum ListPipeline {
    /// Inputs from this size on take this path when they are a `List`.
    static let minimumBytes = 4 << 20
    /// Items per chunk: enough to keep per-chunk costs small, few enough that the chunks in
    /// flight stay a few megabytes of parsed JSON.
    static let itemsPerChunk = 128

    /// What reading a List made: its pods, or, with an evaluator, their evaluation.
    package struct Outcome: Sendable {
        package var manifests = ManifestReader.Outcome()
        /// The pods evaluated with their findings placed on their lines; their subjects are
        /// here and not in ``manifests``.
        package var evaluated: ReportPart?
    }

    /// Reads `file` as a List when it is one.
    ///
    /// - Returns: `nil` when the text is not a List of Kubernetes objects, or when an item does
    ///   not parse or read (the whole text is then read as usual, for an error positioned in the
    ///   file).
    package static func read(_ file: InputFile, manifests: ManifestReader, jobs: Int, evaluator: Evaluator? = nil) -> Outcome? {
        guard let split = JSONListSplitter.split(file.bytes), !split.items.isEmpty,
            let shell = try? JSONDocument.parse(split.shell, source: file.name),
            let kind = shell.rootNode["kind"]?.string, kind.hasSuffix("List"), !FlyteEntityDecoder.looksLikeFlyte(shell.rootNode)
        else { return nil }
        let starts = evaluator == nil ? [] : FindingLocator.itemStarts(file.bytes, items: split.items)
        let chunkCount = (split.items.count + itemsPerChunk - 1) / itemsPerChunk
        let results = Mutex<[ChunkResult?]>(Array(repeating: nil, count: chunkCount))
        let next = Atomic<Int>(0)
        let failed = Atomic<Bool>(false)
        let bytes = file.bytes
        // `jobs` workers take the next chunk until none is left, so --jobs is what runs.
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, chunkCount))) { _ in
            while !failed.load(ordering: .relaxed) {
                let chunk = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard chunk < chunkCount else { return }
                let items = (chunk * itemsPerChunk)..<min(split.items.count, (chunk + 1) * itemsPerChunk)
                guard let result = read(items, of: split, in: bytes, file: file, manifests: manifests, evaluator: evaluator, starts: starts) else {
                    failed.store(true, ordering: .relaxed)
                    return
                }
                results.withLock { $0[chunk] = result }
            }
        }
        guard !failed.load(ordering: .relaxed) else { return nil }
        var chunks = results.withLock { results in
            let taken = results
            results = []
            return taken
        }
        var outcome = Outcome()
        if let evaluator {
            var part = ReportPart(outcomes: RuleOutcomes(policies: evaluator.policies))
            part.reserveCapacity(
                subjects: chunks.reduce(0) { $0 + ($1?.evaluated?.subjects.count ?? 0) },
                findings: chunks.reduce(0) { $0 + ($1?.evaluated?.findings.count ?? 0) })
            outcome.evaluated = part
        }
        chunks.reverse()
        while let result = chunks.popLast() {
            guard let result else { return nil }
            outcome.manifests.subjects += result.manifests.subjects
            outcome.manifests.skippedKinds += result.manifests.skippedKinds
            outcome.manifests.unreadPods += result.manifests.unreadPods
            if let part = result.evaluated { outcome.evaluated?.append(part) }
        }
        return outcome
    }

    private typealias ChunkResult = Outcome

    /// Parses, reads and (with an evaluator) evaluates and locates one chunk of items; `nil`
    /// when an item does not parse or read.
    private static func read(
        _ items: Range<Int>, of split: JSONListSplitter.Split, in bytes: [UInt8], file: InputFile, manifests: ManifestReader,
        evaluator: Evaluator?, starts: [SourcePosition]
    ) -> ChunkResult? {
        var nodes: [(index: Int, node: JSONNode)] = []
        nodes.reserveCapacity(items.count)
        for index in items {
            guard let document = try? JSONDocument.parse(bytes[split.items[index]], source: file.name) else { return nil }
            nodes.append((index, document.rootNode))
        }
        guard var read = try? manifests.read(items: nodes, of: file) else { return nil }
        nodes = []
        guard let evaluator else { return ChunkResult(manifests: read) }
        // Moved out, so the evaluator holds the only copy and frees each parsed pod as it goes.
        var subjects: [Subject] = []
        swap(&subjects, &read.subjects)
        var part = evaluator.part(consume subjects)
        FindingLocator.locate(&part, inList: bytes, items: split.items, starts: starts)
        return ChunkResult(manifests: read, evaluated: part)
    }
}
