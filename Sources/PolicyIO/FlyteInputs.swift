import PolicyCore
import PolicyFlyte
import PolicyJSON
import PolicyYAML

/// Flyte inputs, detected by content: `pyflyte package` archives (gzip + tar of `.pb` files),
/// loose flyteidl protobuf files, and flyteidl entities as protobuf JSON.
package enum FlyteInputs {
    /// What one input file holds.
    package enum Content: Sendable {
        case manifests(ManifestReader.Outcome)
        /// A large `List` evaluated as it was read (``ListPipeline``): its pods are in the part,
        /// their findings placed on their lines; the outcome holds the rest of what was read.
        case evaluated(ReportPart, ManifestReader.Outcome)
        /// A package archive: resolved on its own, since two packages may both define a task.
        case package(FlyteBundle)
        /// Loose entities: resolved together with the other loose entities of the run.
        case entities(FlyteBundle)
    }

    /// Reads one input, whatever it holds.
    ///
    /// The name decides before the bytes: a `.yaml`, `.yml` or `.json` file is text (never taken
    /// for protobuf), a `.pb` file is protobuf; other names and standard input are sniffed.
    /// - Parameter evaluator: evaluates a large `List` as it is read, so its parsed items can be
    ///   freed chunk by chunk; other inputs are left to the caller.
    /// - Parameter spool: writes the report of a large `List` as it is evaluated and keeps
    ///   only counts (``ReportSpool``).
    /// - Parameter progress: told how far a large List or YAML stream is.
    package static func read(
        _ file: InputFile, manifests: ManifestReader, jobs: Int = 1, evaluator: Evaluator? = nil, spool: ReportSpool? = nil,
        progress: (@Sendable (String) -> Void)? = nil
    ) throws(InputError) -> Content {
        let head = file.bytes.prefix(512)
        if Gzip.isGzip(head) {
            let tar = try Gzip.decompress(file.bytes.array, source: file.name)
            return .package(try archive(tar, source: file.name, jobs: jobs))
        }
        if isTar(head) { return .package(try archive(file.bytes.array, source: file.name, jobs: jobs)) }
        if file.fileExtension == "pb" { return .entities(try protobuf(file.bytes.array, source: EntitySource(file: file.name))) }
        let text = file.normalizedText()
        /// Why the text did not read: bytes that are not text under a text name, a template, or
        /// the parser's own error. Worked out only on failure: validating every input's UTF-8
        /// up front repeated what jansson and libyaml check anyway.
        func failure(_ error: InputError) -> InputError {
            if text.isNamedText, let problem = text.textProblem() { return .unsupported(source: file.name, reason: problem) }
            return templateError(text) ?? error
        }
        if text.looksLikeJSON {
            if text.bytes.count >= ListPipeline.minimumBytes,
                let list = ListPipeline.read(text, manifests: manifests, jobs: jobs, evaluator: evaluator, spool: spool, progress: progress)
            {
                if let part = list.evaluated { return .evaluated(part, list.manifests) }
                return .manifests(list.manifests)
            }
            let documents: [(document: JSONDocument, line: Int)]
            do { documents = try JSONDocument.parseSequence(text.bytes.array, source: file.name) } catch { throw failure(.json(error)) }
            // Only Flyte entities need a Swift copy of the tree; manifests are read from jansson's.
            if documents.count == 1, let root = documents.first?.document.rootNode, FlyteEntityDecoder.looksLikeFlyte(root) {
                do { return .entities(try FlyteEntityDecoder.decode(root.value, source: EntitySource(file: file.name))) } catch {
                    throw .flyte(error)
                }
            }
            return .manifests(try manifests.read(text, documents: ManifestReader.jsonDocuments(documents)))
        }
        if !text.isNamedText, text.bytes.withUnsafeBufferPointer(looksBinary) {
            return .entities(try protobuf(text.bytes.array, source: EntitySource(file: file.name)))
        }
        if text.bytes.count >= ListPipeline.minimumBytes,
            let stream = ListPipeline.readDocuments(text, manifests: manifests, jobs: jobs, evaluator: evaluator, spool: spool, progress: progress)
        {
            if let part = stream.evaluated { return .evaluated(part, stream.manifests) }
            return .manifests(stream.manifests)
        }
        do { return .manifests(try manifests.read(text)) } catch {
            throw failure(error)
        }
    }

    /// A Helm template (or any Go template) is not a manifest until it is rendered: say so
    /// rather than report the parse error its `{{ ... }}` causes.
    static func templateError(_ file: InputFile) -> InputError? {
        guard let line = file.templateLine else { return nil }
        return .notAManifest(
            source: "\(file.name):\(line)",
            reason: "looks like a Helm or Go template ({{ ... }}), not a manifest: render it first, e.g. helm template ./chart | flyte-policy check -"
        )
    }

    /// Text is UTF-8 without control bytes; protobuf almost never is.
    static func looksBinary(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        if bytes.contains(0) { return true }
        if String(validating: bytes.prefix(4096), as: UTF8.self) == nil, String(validating: bytes, as: UTF8.self) == nil { return true }
        return bytes.prefix(4096).contains { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }
    }

    static func isTar(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 512 && bytes[257..<262].elementsEqual("ustar".utf8)
    }

    /// Every member of a package archive: `.pb` files by protobuf, JSON members as protobuf JSON.
    static func archive(_ tar: [UInt8], source: String, jobs: Int = 1) throws(InputError) -> FlyteBundle {
        let members = try TarReader.members(tar, source: source).sorted { $0.name < $1.name }
        let decode: @Sendable (TarReader.Member) -> Result<FlyteBundle, InputError> = { member in
            Result { () throws(InputError) in try entities(of: member, source: source) }
        }
        // Members decode apart, on `jobs` threads for a large package; the first error in
        // member order is the one thrown, as when they are read one by one.
        let results = ParallelMap.map(members.count, jobs: members.count >= 32 ? jobs : 1) { decode(members[$0]) }
        var bundle = FlyteBundle()
        for result in results { bundle.append(try result.get()) }
        if bundle.isEmpty {
            throw .unsupported(source: source, reason: "is an archive without flyteidl entities (.pb files); is it a pyflyte package?")
        }
        return bundle
    }

    /// The entities of one package member: `.pb` by protobuf, `.json` as protobuf JSON; nothing
    /// for other members.
    private static func entities(of member: TarReader.Member, source: String) throws(InputError) -> FlyteBundle {
        let entity = EntitySource(file: source, member: member.name)
        let bytes = Array(member.bytes)
        if member.name.hasSuffix(".json") {
            do {
                let value = try JSONDocument.parse(bytes, source: entity.description).rootNode.value
                return try FlyteEntityDecoder.decode(value, source: entity)
            } catch let error as JSONParseError {
                throw .json(error)
            } catch let error as FlyteDecodingError {
                throw .flyte(error)
            } catch {
                throw .unreadable(path: entity.description, reason: "\(error)")
            }
        }
        if member.name.hasSuffix(".pb") { return try protobuf(bytes, source: entity) }
        return FlyteBundle()
    }

    static func protobuf(_ bytes: [UInt8], source: EntitySource) throws(InputError) -> FlyteBundle {
        let value: JSONValue
        do {
            let kind = try ProtoDecoder.classify(bytes)
            value = try ProtoDecoder.decode(bytes, as: kind)
        } catch {
            throw .protobuf(source: source.description, error)
        }
        do { return try FlyteEntityDecoder.decode(value, source: source) } catch { throw .flyte(error) }
    }

    /// `--platform`: propeller's config (YAML or JSON), keys under `plugins.k8s` or bare.
    package static func platform(_ file: InputFile) throws(InputError) -> (config: PlatformConfig, warnings: [String]) {
        var merged = JSONValue.null
        for document in try ManifestReader.documents(file) {
            let value = document.node.value
            if case .object(let object) = value, case .object(var current) = merged {
                for (key, member) in object { current[key] = member }
                merged = .object(current)
            } else {
                merged = value
            }
        }
        do { return try PlatformConfig.decode(merged, source: file.name) } catch { throw .platform(error) }
    }

    /// `--pod-templates`: every PodTemplate object in the files (other kinds are ignored).
    package static func podTemplates(_ files: [InputFile], into store: inout PodTemplateStore) throws(InputError) {
        for file in files {
            for (index, document) in try ManifestReader.documents(file).enumerated() {
                let value = document.node.value
                let objects = value["kind"]?.string == "List" ? (value["items"]?.array ?? []) : [value]
                for object in objects where object["kind"]?.string == "PodTemplate" {
                    do { store.add(try PodTemplateStore.PodTemplate(manifest: object.object ?? [:])) } catch {
                        let place = document.line.map { "\(file.name):\($0)" } ?? "\(file.name) (document \(index + 1))"
                        throw .invalidObject(source: place, pointer: .root, reason: error.description)
                    }
                }
            }
        }
    }
}
