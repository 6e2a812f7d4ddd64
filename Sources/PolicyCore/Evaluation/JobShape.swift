/// Everything one Flyte node launches: its replica groups, each one pod and how many of it.
///
/// Admission controllers see pods one at a time and cannot bound a whole job; a `resources`
/// rule with `scope: job` reads this instead. Every subject of a job carries the same groups
/// and the index of its own, so a job-wide total is decided on one subject at a time: the
/// group contributing most reports it, the others stay quiet.
public struct JobShape: Sendable {
    /// One replica group: its role, its pod count and its pod's amounts.
    public struct Group: Sendable {
        public var role: ReplicaRole?
        public var replicas: Int
        let totals: PodResourceTotals
    }

    /// Every group of the job, in the order the plugin creates them.
    public private(set) var groups: [Group]
    /// The group of the subject that carries this shape.
    public private(set) var member: Int

    /// A job of one group: a pod on its own (a plain task, a Kubernetes manifest, a pod at
    /// admission), counted `replicas` times.
    init(single pod: Pod, role: ReplicaRole?, replicas: Int) {
        groups = [Group(role: role, replicas: replicas, totals: PodResourceTotals(pod.spec))]
        member = 0
    }

    /// Gives every subject in `range` the shape of the job they form together (the replica
    /// groups of one node, in order).
    ///
    /// A job of one plain pod is left unlinked: ``Subject/jobShape`` works it out only when a
    /// job-scope rule asks, so plain tasks pay nothing for it.
    public static func link(_ subjects: inout [Subject], _ range: Range<Int>) {
        guard !range.isEmpty, range.lowerBound >= 0, range.upperBound <= subjects.count else { return }
        if range.count == 1, subjects[range.lowerBound].role == nil { return }
        let groups = range.map { index in
            Group(role: subjects[index].role, replicas: subjects[index].replicaCount, totals: PodResourceTotals(subjects[index].pod.spec))
        }
        for (offset, index) in range.enumerated() {
            subjects[index].job = JobShape(groups: groups, member: offset)
        }
    }

    private init(groups: [Group], member: Int) {
        self.groups = groups
        self.member = member
    }

    /// Pods the job runs.
    var pods: Int { groups.reduce(0) { $0 + $1.replicas } }
}

extension Subject {
    /// How many pods like this one its job runs: the replica count of its group, else 1.
    var replicaCount: Int { max(0, replicas ?? 1) }

    /// The job this subject belongs to; a subject with no linked job is a job of itself.
    var jobShape: JobShape { job ?? JobShape(single: pod, role: role, replicas: replicaCount) }
}
