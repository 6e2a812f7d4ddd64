import PolicyJSON
import Testing

@testable import PolicyCore

/// A finding names the layer of the most specific recorded pointer at or above its path.
@Suite("provenance of a finding")
struct ProvenanceTests {
    static let provenance = Provenance([
        "/spec/tolerations": "task pod template of demo.train",
        "/spec/tolerations/1": "platform default-tolerations",
        "/spec/containers/0/resources/limits/nvidia.com~1gpu": "node override at demo.wf node n3 (resources)",
        "/spec/nodeSelector/a": "task demo.train",
    ])

    @Test(
        arguments: [
            ("/spec/tolerations/1", "platform default-tolerations"),
            ("/spec/tolerations/1/effect", "platform default-tolerations"),
            ("/spec/tolerations/0", "task pod template of demo.train"),
            ("/spec/tolerations/10", "task pod template of demo.train"),
            ("/spec/tolerations", "task pod template of demo.train"),
            ("/spec/containers/0/resources/limits/nvidia.com~1gpu", "node override at demo.wf node n3 (resources)"),
            ("/spec/nodeSelector/ab", nil),
            ("/spec/nodeSelector", nil),
            ("/spec", nil),
        ] as [(String, String?)])
    func theMostSpecificRecordedPointerAnswers(path: String, layer: String?) {
        #expect(Self.provenance.layer(for: JSONPointer(path)) == layer)
    }

    @Test func recordingAPointerAgainReplacesItsLayer() {
        var provenance = Self.provenance
        provenance.record("/spec/tolerations/1", "platform interruptible-tolerations (interruptible task)")
        #expect(provenance.layer(for: "/spec/tolerations/1/key") == "platform interruptible-tolerations (interruptible task)")
        #expect(provenance.layers.count == 4)
    }
}
