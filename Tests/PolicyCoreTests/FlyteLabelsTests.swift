import Testing

@testable import PolicyCore

/// Label values as propeller's `utils.SanitizeLabelValue` makes them (flytepropeller v1.16.8):
/// lower case, `[a-z0-9-]` kept and everything else `-`, at most 63, no `-` at either end. ASCII
/// names go byte by byte; anything else character by character, one `-` per character.
@Suite("Flyte label values")
struct FlyteLabelsTests {
    @Test(arguments: [
        ("pipelines.train.training_wf", "pipelines-train-training-wf"),
        ("Demo.Workflows.TrainModel", "demo-workflows-trainmodel"),
        ("_private.wf_", "private-wf"),
        ("n0", "n0"),
        ("café.wf", "caf--wf"),
        ("xe\u{301}y", "x-y"),
        (String(repeating: "a", count: 70), String(repeating: "a", count: 63)),
        (String(repeating: "a", count: 62) + ".b", String(repeating: "a", count: 62)),
    ])
    func namesBecomeLabelValues(name: String, value: String) {
        #expect(FlyteLabels.sanitize(name) == value)
    }

    @Test(arguments: [("pipelines.train.*", "pipelines-train-*"), ("Demo.?.wf", "demo-?-wf"), ("a.b", "a-b")])
    func patternsKeepTheirWildcards(pattern: String, value: String) {
        #expect(FlyteLabels.sanitizePattern(pattern) == value)
    }
}
