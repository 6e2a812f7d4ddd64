import Dispatch
import PolicyCore
import PolicyFlyte
import PolicyJSON
import PolicyYAML
import Synchronization

/// A large input of many objects, read in chunks on several cores and, for `check`, evaluated
/// and located as it is read: a JSON `List` (`kubectl get pods -A -o json` of a cluster) item
/// by item, or a multi-document YAML stream run of documents by run of documents.
///
/// Byte scanners find where the items begin and end (``JSONListSplitter``) or where documents
/// start (``YAMLDocumentSplitter``); jansson or libyaml parses each chunk apart. Chunks of
/// consecutive items are taken by `jobs` threads; with an evaluator, a chunk's pods are checked,
/// their findings placed on their lines, and their parsed JSON freed before the next chunk is
/// taken, so a run holds a few chunks of parsed JSON rather than the whole tree (a parsed pod is
/// several times the size of its text). Chunks are joined in order: the outcome is the same for
/// every `jobs`, and the same as reading the text whole.
package enum ListPipeline {
    /// Inputs from this size on take this path when they are a `List` or a YAML stream.
    static let minimumBytes = 4 << 20
    /// List items per chunk: enough to keep per-chunk costs small, few enough that the chunks
    /// in flight stay a few megabytes of parsed JSON.
    static let itemsPerChunk = 64
    /// Bytes of YAML per chunk. A chunk's text is copied for libyaml twice (parse, then
    /// locate); below glibc's mmap threshold (128 KiB, `PolicyCLIMain`) the copies reuse heap
    /// memory instead of mapping fresh pages each time (15 % of a YAML run).
    static let yamlBytesPerChunk = 48 << 10

    /// What reading the input made: its pods, or, with an evaluator, their evaluation.
    package struct Outcome: Sendable {
        package var manifests = ManifestReader.Outcome()
        /// The pods evaluated with their findings placed on their lines; their subjects are
        /// here and not in ``manifests``.
        package var evaluated: ReportPart?
    }

    /// What one chunk made, and how many documents it holds (to number the next chunk's).
    private struct ChunkResult: Sendable {
        var manifests: ManifestReader.Outcome
        var evaluated: ReportPart?
        var documents = 0
        /// With a spool, the evaluated part's text, rendered by the worker that made it.
        var rendered: ReportSpool.Rendered?
    }

    /// Reads `file` as a JSON List when it is one.
    ///
    /// - Returns: `nil` when the text is not a List of Kubernetes objects, or when an item does
    ///   not parse or read (the whole text is then read as usual, for an error positioned in the
    ///   file).
    /// - Parameter progress: told how far the run is, now and then (a terminal's progress line).
    package static func read(
        _ file: InputFile, manifests: ManifestReader, jobs: Int, evaluator: Evaluator? = nil, spool: ReportSpool? = nil,
        progress: (@Sendable (String) -> Void)? = nil
    ) -> Outcome? {
        let bytes = file.bytes
        guard let split = bytes.withUnsafeBufferPointer({ JSONListSplitter.split($0, passed: releaser(bytes)) }), !split.items.isEmpty,
            let shell = try? JSONDocument.parse(split.shell, source: file.name),
            let kind = shell.rootNode["kind"]?.string, kind.hasSuffix("List"), !FlyteEntityDecoder.looksLikeFlyte(shell.rootNode)
        else { return nil }
        let starts =
            evaluator == nil
            ? [] : bytes.withUnsafeBufferPointer { FindingLocator.itemStarts($0, items: split.items, passed: releaser(bytes)) }
        let chunks = stride(from: 0, to: split.items.count, by: itemsPerChunk).map { $0..<min(split.items.count, $0 + itemsPerChunk) }
        let report = progress.map { tell in { @Sendable (done: Int) in tell("\(file.name): \(done) of \(split.items.count) items read and checked") }
        }
        return run(chunks, jobs: jobs, evaluator: evaluator, spool: spool, progress: report) { items in
            // The chunk's pages of a mapped file are given back once it is done with.
            defer { bytes.release(split.items[items.lowerBound].lowerBound..<split.items[items.upperBound - 1].upperBound) }
            var nodes: [(index: Int, node: JSONNode)] = []
            nodes.reserveCapacity(items.count)
            for index in items {
                let item = split.items[index]
                guard
                    let document = bytes.withUnsafeBufferPointer({
                        try? JSONDocument.parse(UnsafeBufferPointer(rebasing: $0[item]), source: file.name)
                    })
                else { return nil }
                nodes.append((index, document.rootNode))
            }
            guard var read = try? manifests.read(items: nodes, of: file) else { return nil }
            nodes = []
            guard let evaluator else { return ChunkResult(manifests: read) }
            var part = evaluate(&read, with: evaluator)
            bytes.withUnsafeBufferPointer { FindingLocator.locate(&part, inList: $0, items: split.items, starts: starts) }
            return ChunkResult(manifests: read, evaluated: part)
        }
    }

    /// Reads `file` as a stream of YAML documents, runs of documents apart.
    ///
    /// - Returns: `nil` when the stream is one document or has directives, or when a run does
    ///   not parse or read (the whole stream is then read as usual).
    package static func readDocuments(
        _ file: InputFile, manifests: ManifestReader, jobs: Int, evaluator: Evaluator? = nil, spool: ReportSpool? = nil,
        progress: (@Sendable (String) -> Void)? = nil
    ) -> Outcome? {
        let bytes = file.bytes
        guard let runs = bytes.withUnsafeBufferPointer({ YAMLDocumentSplitter.split($0, passed: releaser(bytes)) }), runs.count > 1 else {
            return nil
        }
        let lines = bytes.withUnsafeBufferPointer { TextPositions.lineAndColumn(of: runs.map(\.lowerBound), in: $0, passed: releaser(bytes)) }
            .map(\.line)
        // Consecutive runs up to about `yamlBytesPerChunk` (a run larger than that alone).
        var chunks: [Range<Int>] = []
        var first = 0
        for index in runs.indices where runs[index].upperBound - runs[first].lowerBound >= yamlBytesPerChunk || index == runs.count - 1 {
            chunks.append(first..<(index + 1))
            first = index + 1
        }
        let total = file.bytes.count
        let report = progress.map { tell in
            { @Sendable (done: Int) in tell("\(file.name): \(runs[min(done, runs.count) - 1].upperBound * 100 / max(total, 1)) % read and checked") }
        }
        return run(chunks, jobs: jobs, evaluator: evaluator, spool: spool, progress: report) { chunk in
            // The chunk's runs are consecutive: one parse of their bytes together.
            let span = runs[chunk.lowerBound].lowerBound..<runs[chunk.upperBound - 1].upperBound
            let text = bytes.withUnsafeBufferPointer { Array($0[span]) }
            bytes.release(span)
            let firstLine = lines[chunk.lowerBound]
            // Kept for placing findings only when there is something to evaluate.
            var events: YAMLEvents? = evaluator == nil ? nil : YAMLEvents()
            guard let documents = try? ManifestReader.yamlDocuments(text, source: file.name, firstLine: firstLine, recording: &events),
                var read = try? manifests.read(file, documents: documents)
            else { return nil }
            guard let evaluator, let events else { return ChunkResult(manifests: read, documents: documents.count) }
            var part = evaluate(&read, with: evaluator)
            FindingLocator.locate(&part, inYAML: events, firstLine: firstLine)
            return ChunkResult(manifests: read, evaluated: part, documents: documents.count)
        }
    }

    /// Bytes a forward scan passes between two gifts of pages back (``releaser(_:)``).
    static let releaseStride = 8 << 20

    /// A `passed` hook for a forward scan of `bytes`: gives back, every ``releaseStride`` bytes,
    /// the pages of a mapped file the scan has left behind, so scanning a 1 GB file does not
    /// hold it all.
    private static func releaser(_ bytes: InputBytes) -> (Int) -> Void {
        guard bytes.isMapped else { return { _ in } }
        var released = 0
        return { offset in
            guard offset - released >= releaseStride else { return }
            bytes.release(released..<offset)
            released = offset
        }
    }

    /// Evaluates the subjects of a chunk, moved out of `read`, so the evaluator holds the only
    /// copy and frees each parsed pod as it goes.
    private static func evaluate(_ read: inout ManifestReader.Outcome, with evaluator: Evaluator) -> ReportPart {
        var subjects: [Subject] = []
        swap(&subjects, &read.subjects)
        return evaluator.part(consume subjects)
    }

    /// Runs `body` over `chunks` (ranges of consecutive items) on `jobs` threads and joins what
    /// they made in order; `nil` when a chunk fails. Documents are numbered by each chunk from
    /// 1, and renumbered here after those of the chunks before.
    /// - Parameter progress: told the number of items joined, about every twentieth chunk.
    /// - Parameter spool: writes each joined chunk's report and keeps only its counts and
    ///   rule outcomes (``ReportSpool``); what it wrote is taken back when a chunk fails.
    private static func run(
        _ chunks: [Range<Int>], jobs: Int, evaluator: Evaluator?, spool: ReportSpool?, progress: (@Sendable (Int) -> Void)? = nil,
        _ body: @Sendable @escaping (Range<Int>) -> ChunkResult?
    ) -> Outcome? {
        /// Chunks finished out of order wait here until the ones before them are joined:
        /// joining as the run goes frees each chunk's arrays while later chunks are made, where
        /// joining at the end held every chunk's arrays and the joined ones at once.
        struct Join: Sendable {
            var waiting: [ChunkResult?]
            var next = 0
            var outcome = Outcome()
            var documentsBefore = 0
        }
        let chunkCount = chunks.count
        var start = Join(waiting: Array(repeating: nil, count: chunkCount))
        if let evaluator { start.outcome.evaluated = ReportPart(outcomes: RuleOutcomes(policies: evaluator.policies)) }
        let join = Locked(start)
        spool?.begin()
        let totalItems = chunks.last?.upperBound ?? 0
        let next = Atomic<Int>(0)
        let failed = Atomic<Bool>(false)
        // `jobs` workers take the next chunk until none is left, so --jobs is what runs.
        DispatchQueue.concurrentPerform(iterations: max(1, min(jobs, chunkCount))) { _ in
            while !failed.load(ordering: .relaxed) {
                let chunk = next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard chunk < chunkCount else { return }
                guard var result = body(chunks[chunk]) else {
                    failed.store(true, ordering: .relaxed)
                    return
                }
                // The text is rendered here, on the worker, and only written in order below.
                // Document numbers change when chunks are joined; a subject's line, which the
                // text shows instead, does not.
                if let spool, let part = result.evaluated, part.subjects.allSatisfy({ $0.source.line != nil || result.documents == 0 }) {
                    result.rendered = spool.render(part)
                    result.evaluated = nil
                }
                join.withLock { join in
                    join.waiting[chunk] = result
                    while join.next < chunkCount, var ready = join.waiting[join.next] {
                        join.waiting[join.next] = nil
                        if join.documentsBefore > 0 {
                            ready.manifests.subjects.renumberDocuments(after: join.documentsBefore)
                            ready.evaluated?.subjects.renumberDocuments(after: join.documentsBefore)
                        }
                        join.documentsBefore += ready.documents
                        join.outcome.manifests.subjects += ready.manifests.subjects
                        join.outcome.manifests.skippedKinds += ready.manifests.skippedKinds
                        join.outcome.manifests.unreadPods += ready.manifests.unreadPods
                        if let progress, join.next % max(1, chunkCount / 20) == 0 { progress(chunks[join.next].upperBound) }
                        if let spool, let rendered = ready.rendered {
                            join.outcome.evaluated?.append(spool.write(rendered))
                        } else if let spool, let part = ready.evaluated {
                            join.outcome.evaluated?.append(spool.take(part))
                        } else if let part = ready.evaluated {
                            // After the first chunk, room for the whole run at its rate, so the
                            // joined arrays are not copied each time they double.
                            if join.next == 0, totalItems > 0 {
                                let scale = Double(totalItems) / Double(max(1, chunks[0].count)) * 1.1
                                join.outcome.evaluated?.reserveCapacity(
                                    subjects: Int(Double(part.subjects.count) * scale), findings: Int(Double(part.findings.count) * scale))
                            }
                            join.outcome.evaluated?.append(part)
                        }
                        join.next += 1
                    }
                }
            }
        }
        let outcome = failed.load(ordering: .relaxed) ? nil : join.withLock { join in join.next == chunkCount ? join.outcome : nil }
        if outcome == nil { spool?.rollback() }
        return outcome
    }
}

extension [Subject] {
    /// Numbers documents after the `count` documents before them.
    fileprivate mutating func renumberDocuments(after count: Int) {
        for index in indices { self[index].source.document = (self[index].source.document ?? 1) + count }
    }
}
