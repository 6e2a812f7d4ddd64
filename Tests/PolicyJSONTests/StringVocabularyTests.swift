import Testing

@testable import PolicyJSON

@Suite("string vocabulary")
struct StringVocabularyTests {
    static let vocabulary = StringVocabulary(["cpu", "memory", "NoSchedule", "cpu", "", "node.kubernetes.io/not-ready", "Equal", "Exists"])

    static let lookups: [(text: String, isWord: Bool)] = [
        ("cpu", true), ("memory", true), ("NoSchedule", true), ("node.kubernetes.io/not-ready", true), ("Equal", true), ("Exists", true),
        ("", true), ("cpus", false), ("cp", false), ("CPU", false), ("Exist", false), ("Exisst", false), ("NoExecute", false),
        ("node.kubernetes.io/not-readz", false), ("a-string-longer-than-every-word-of-the-vocabulary", false),
    ]

    @Test(arguments: lookups)
    func lookup(_ example: (text: String, isWord: Bool)) {
        var text = example.text
        let found = text.withUTF8 { Self.vocabulary.word(spelledBy: $0) }
        #expect(found == (example.isWord ? example.text : nil))
    }

    @Test("strings and member names read through a vocabulary are the same text either way")
    func readThrough() throws {
        let document = try JSONDocument.parse(Array(#"{"cpu": "Exists", "gpu": "Exist", "memory": "NoSchedule", "n": 1}"#.utf8), source: "t.json")
        var pairs: [String] = []
        document.rootNode.forEachMember(keys: Self.vocabulary) { key, value in
            pairs.append("\(key)=\(value.string(using: Self.vocabulary) ?? "-")")
        }
        #expect(pairs == ["cpu=Exists", "gpu=Exist", "memory=NoSchedule", "n=-"])
    }

    @Test("an empty vocabulary finds nothing")
    func empty() {
        var text = "cpu"
        #expect(text.withUTF8 { StringVocabulary([]).word(spelledBy: $0) } == nil)
    }
}
