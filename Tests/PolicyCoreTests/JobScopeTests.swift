import Testing

@testable import PolicyCore

/// `resources` with `scope: job`: totals over every replica group of one node, replicas times
/// pod, reported once on the group that contributes most.
@Suite("resources check over whole jobs")
struct JobScopeTests {
    static func pod(cpu: String?, gpu: String? = nil, sidecarWithoutLimits: Bool = false) -> String {
        var limits: [String] = []
        if let cpu { limits.append(#""cpu": "\#(cpu)""#) }
        if let gpu { limits.append(#""nvidia.com/gpu": "\#(gpu)""#) }
        let sidecar = sidecarWithoutLimits ? #", {"name": "logs", "image": "busybox", "resources": {"requests": {"cpu": "100m"}}}"# : ""
        return
            #"{"metadata": {}, "spec": {"containers": [{"name": "main", "image": "x", "resources": {"limits": {\#(limits.joined(separator: ", "))}}}\#(sidecar)]}}"#
    }

    /// A PyTorch-like job: a master of 1 and `workers` workers, linked as the resolver links them.
    static func job(master: String, worker: String, workers: Int) throws -> [Subject] {
        var subjects: [Subject] = []
        for (role, json, replicas) in [(ReplicaRole.master, master, 1), (.worker, worker, workers)] {
            var subject = try Fixtures.subject(
                json, flyte: FlyteIdentity(project: "ml", domain: "production", workflow: "wf", task: "t", node: "n0", taskType: "pytorch"))
            subject.role = role
            subject.replicas = replicas
            subjects.append(subject)
        }
        JobShape.link(&subjects, 0..<subjects.count)
        return subjects
    }

    static func findings(_ rule: String, _ subjects: [Subject]) throws -> [(subject: Int, message: String)] {
        let evaluator = Evaluator(policies: try Fixtures.policies(Fixtures.policy(rule: rule)), today: CalendarDay(year: 2026, month: 12, day: 1))
        let report = evaluator.report(subjects)
        return report.findings.map { ($0.subjectIndex, $0.message) }
    }

    @Test func aGPUTotalAboveTheBoundIsReportedOnceOnTheLargestGroup() throws {
        let subjects = try Self.job(master: Self.pod(cpu: "4", gpu: "8"), worker: Self.pod(cpu: "8", gpu: "8"), workers: 4)
        let found = try Self.findings(#""resources": {"scope": "job", "max": {"limits": {"nvidia.com/gpu": 32}}}"#, subjects)
        #expect(found.map(\.subject) == [1])
        #expect(
            found.first?.message
                == "r: the job of node n0 limits nvidia.com/gpu to 40 in total (master 1 x 8, worker 4 x 8), above the maximum 32; worker contributes most at /spec/containers/0/resources/limits/nvidia.com~1gpu"
        )
        // At the bound: nothing.
        #expect(try Self.findings(#""resources": {"scope": "job", "max": {"limits": {"nvidia.com/gpu": 40}}}"#, subjects).isEmpty)
    }

    @Test func podCountsAndRequestsAddUpAcrossGroups() throws {
        let subjects = try Self.job(master: Self.pod(cpu: "16"), worker: Self.pod(cpu: "2"), workers: 6)
        let found = try Self.findings(#""resources": {"scope": "job", "max": {"requests": {"cpu": "20"}}, "maxPods": 4}"#, subjects)
        // Requests default to limits: 16 + 6 x 2 = 28; the master's 16 is the largest share.
        #expect(found.map(\.subject) == [0, 1])
        #expect(
            found.first?.message
                == "r: the job of node n0 requests cpu 28 in total (master 1 x 16, worker 6 x 2), above the maximum 20; master contributes most at /spec/containers/0/resources/limits/cpu"
        )
        #expect(
            found.last?.message
                == "r: the job of node n0 runs 7 pods in total (master 1, worker 6), above the maximum 4 pods; worker contributes most at /spec")
    }

    @Test func aGroupWithoutACPULimitLeavesTheJobUnbounded() throws {
        let subjects = try Self.job(master: Self.pod(cpu: "1"), worker: Self.pod(cpu: "2", sidecarWithoutLimits: true), workers: 2)
        let found = try Self.findings(#""resources": {"scope": "job", "max": {"limits": {"cpu": "64"}}}"#, subjects)
        #expect(found.map(\.subject) == [1])
        #expect(
            found.first?.message.contains("has no cpu limit on some pod, so its cpu limit is unbounded in total (master 1 x 1, worker 2 x unbounded)")
                == true)
        // A container without a GPU limit uses no GPU: the job total is the sum of the others.
        let gpus = try Self.job(master: Self.pod(cpu: "1", gpu: "2", sidecarWithoutLimits: true), worker: Self.pod(cpu: "1", gpu: "2"), workers: 3)
        #expect(try Self.findings(#""resources": {"scope": "job", "max": {"limits": {"nvidia.com/gpu": 8}}}"#, gpus).isEmpty)
        #expect(try Self.findings(#""resources": {"scope": "job", "max": {"limits": {"nvidia.com/gpu": 7}}}"#, gpus).map(\.subject) == [1])
    }

    /// A pod with no linked job (a Kubernetes manifest, a pod at admission) is a job of itself.
    @Test func aPodOnItsOwnIsAJobOfOnePod() throws {
        let alone = try Fixtures.subject(Self.pod(cpu: "4", gpu: "4"))
        let found = try Self.findings(#""resources": {"scope": "job", "max": {"limits": {"nvidia.com/gpu": 2}}, "maxPods": 1}"#, [alone])
        #expect(
            found.map(\.message) == [
                "r: the job limits nvidia.com/gpu to 4 in total (pod 1 x 4), above the maximum 2; pod contributes most at /spec/containers/0/resources/limits/nvidia.com~1gpu"
            ])
    }
}

@Suite("message placeholders") struct MessagePlaceholderTests {
    /// Every Flyte field is a placeholder, the role and replica count of a replica group too.
    @Test func flyteFieldsFillMessages() throws {
        let subjects = try JobScopeTests.job(master: JobScopeTests.pod(cpu: "1"), worker: JobScopeTests.pod(cpu: "64"), workers: 3)
        let rule =
            #""message": "{{flyte.taskType}} {{flyte.role}} x{{flyte.replicas}} of {{flyte.node}}: {{value}}", "resources": {"max": {"limits": {"cpu": "32"}}}"#
        #expect(try JobScopeTests.findings(rule, subjects).map(\.message) == ["pytorch worker x3 of n0: 64"])
    }

    /// A required label that is not selected has no value: the message says so instead of
    /// leaving a gap ("GPU type  is not approved").
    @Test func anAbsentValueIsSaid() throws {
        let rule = #""message": "GPU type {{value}} is not approved", "nodeSelector": {"required": ["gpu-type"]}"#
        let pod = #"{"metadata": {}, "spec": {"containers": [{"name": "c", "image": "x"}]}}"#
        #expect(try Fixtures.findings(policy: Fixtures.policy(rule: rule), pod: pod).map(\.message) == ["GPU type (none) is not approved"])
    }
}
