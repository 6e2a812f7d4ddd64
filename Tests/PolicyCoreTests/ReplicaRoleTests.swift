import PolicyCore
import PolicyJSON
import Testing

/// `roles` in match clauses and exceptions: the replica group of a distributed or cluster task.
@Suite("replica roles")
struct ReplicaRoleTests {
    static let rule = #""nodeSelector": {"required": ["gpu-pool"]}"#

    @Test(arguments: [
        (#"["worker-group"]"#, ReplicaRole?.some(.workerGroup("gpu")), true),
        (#"["worker-group:gpu"]"#, .some(.workerGroup("gpu")), true),
        (#"["worker-group:cpu*"]"#, .some(.workerGroup("gpu")), false),
        (#"["worker*"]"#, .some(.worker), true),
        (#"["worker"]"#, .some(.head), false),
        (#"["head", "driver"]"#, .some(.driver), true),
        (#"["worker"]"#, nil, false),
    ])
    func rolesDecideWhetherAPolicyApplies(_ roles: String, _ role: ReplicaRole?, _ applies: Bool) throws {
        let policy = Fixtures.policy(rule: Self.rule, extra: #""match": {"roles": \#(roles)},"#)
        var subject = try Fixtures.subject(Fixtures.gpuPodV100, flyte: FlyteIdentity(workflow: "wf", task: "train", node: "n0", taskType: "ray"))
        subject.role = role
        subject.replicas = role == nil ? nil : 4
        let findings = Evaluator(policies: try Fixtures.policies(policy), today: CalendarDay(year: 2026, month: 12, day: 1)).evaluate(
            subject, index: 0)
        #expect(findings.isEmpty == !applies)
    }

    @Test func anUnknownRoleIsALoadError() {
        let errors = Fixtures.loadErrors(Fixtures.policy(rule: Self.rule, extra: #""match": {"roles": ["wroker"]},"#))
        #expect(errors.map(\.description).contains { $0.contains("'wroker' matches no replica role") })
    }

    @Test func labelsAndWordsRoundTrip() {
        for role in [
            ReplicaRole.master, .worker, .chief, .ps, .evaluator, .launcher, .head, .workerGroup("gpu"), .submitter, .driver, .executor, .scheduler,
            .jobRunner,
        ] {
            #expect(ReplicaRole(label: role.label) == role)
        }
        #expect(ReplicaRole(label: "captain") == nil)
    }
}
