import PolicyFlyte
import Testing

@testable import PolicyIO

/// `check --source`: Flyte findings on the Python line that wrote the value (issue 21). The
/// node numbering is flytekit's, checked against the example packages that flytekit itself
/// compiled from these sources (examples/flyte, examples/distributed).
@Suite("Python source lines (check --source)")
struct PythonSourcesTests {
    /// The nodes of examples/flyte's training_wf as the package numbers them, each with the
    /// line of its call and of its `with_overrides`.
    static let trainingNodes: [(node: String, task: String, call: Int, overrides: Int?)] = [
        ("n0", "demo.workflows.load_data", 60, nil), ("n1", "demo.workflows.featurize", 61, nil),
        ("n2", "demo.workflows.train_model", 62, nil), ("n3", "demo.workflows.train_model", 63, 63),
        ("n4", "demo.workflows.train_model", 73, 73), ("n5", "demo.workflows.infer", 75, 75),
        ("n6", "demo.workflows.load_data", 76, 76),
        ("n7", "demo.workflows.map_square_6b3bd0353da5de6e84d7982921ead2b3-arraynode", 77, nil),
    ]

    @Test(arguments: trainingNodes)
    func nodesAreNumberedAsFlytekitNumbersThem(node: String, task: String, call: Int, overrides: Int?) throws {
        let sources = try PythonSources.read(folder: "examples/flyte/src")
        let found = try #require(sources.node(node, of: "demo.workflows.training_wf", runs: task))
        #expect(found.call.file == "examples/flyte/src/demo/workflows.py")
        #expect(found.call.position.line == call)
        #expect(found.overrides?.position.line == overrides)
        // A node that runs another task than the call's is not matched: the numbering was lost.
        #expect(sources.node(node, of: "demo.workflows.training_wf", runs: "demo.workflows.nothing_like_it") == nil)
    }

    /// examples/flyte's branching_wf: the branch is n0, featurize in its first case n0-n0 (with
    /// its override), square in the else case n0-n1.
    @Test func nodesInsideABranchAreNumberedWithinIt() throws {
        let sources = try PythonSources.read(folder: "examples/flyte/src")
        let featurize = try #require(sources.node("n0-n0", of: "demo.workflows.branching_wf", runs: "demo.workflows.featurize"))
        #expect(featurize.call.position.line == 83 && featurize.overrides?.position.line == 83)
        #expect(sources.node("n0-n1", of: "demo.workflows.branching_wf", runs: "demo.workflows.square")?.call.position.line == 84)
        #expect(sources.node("n0-n2", of: "demo.workflows.branching_wf", runs: nil) == nil)
        #expect(sources.node("n0-n0-n0", of: "demo.workflows.branching_wf", runs: nil) == nil)
    }

    @Test func tasksAreFoundByTheirDecoratorFromAFolderAboveThePackage() throws {
        let sources = try PythonSources.read(folder: "examples/distributed")
        #expect(sources.task("distributed.workflows.ddp")?.position.line == 27)
        #expect(sources.task("distributed.workflows.dask_agg").map { "\($0.position)" } == "79:1")
        #expect(sources.task("distributed.workflows.training_wf") == nil)  // a workflow, not a task
        #expect(sources.node("n3", of: "distributed.workflows.training_wf", runs: "distributed.workflows.tf_train")?.overrides?.position.line == 92)
        #expect(PythonSources.function(ofTask: "demo.workflows.map_square_6b3bd0353da5de6e84d7982921ead2b3-arraynode") == "demo.workflows.square")
    }

    /// Calls run when their closing parenthesis is reached, so arguments come first; strings and
    /// comments are not code; a `conditional` is one node and the calls of its branches are not
    /// nodes of the workflow.
    @Test func callOrderStringsCommentsAndBranches() {
        let body = PythonSources.blanked(
            """
                # load(x=1) in a comment
                a = train(x=load(x=1), note="prep(x=2)")
                b = conditional("c").if_(a > 1).then(prep(x=a)).else_().then(load(x=a))
                '''prep(x=3)'''
                c = map_task(prep)(x=[a]).with_overrides(retries=2)
                return train(x=c)
            """
        ).split(separator: "\n", omittingEmptySubsequences: false)
        let calls = PythonSources.calls(in: body, firstLine: 1, path: "wf.py", entities: ["train", "load", "prep"])
        #expect(calls.map(\.callee) == ["load", "train", "conditional", "prep", "train"])
        #expect(calls.map(\.at.position.line) == [2, 2, 3, 5, 6])
        #expect(calls[3].overrides.map { "\($0.position)" } == "5:31")
        // The branches' nodes belong to the conditional: n2-n0 and n2-n1.
        #expect(calls[2].inner.map(\.callee) == ["prep", "load"])
        #expect(calls.allSatisfy { $0.callee == "conditional" || $0.inner.isEmpty })
    }

    /// The GitHub Action passes the checkout: the repository root, with .git and .build in it.
    @Test func theCheckoutItselfIsASourceFolder() throws {
        let sources = try PythonSources.read(folder: ".")
        #expect(sources.task("demo.workflows.train_model").map { "\($0.file):\($0.position.line)" } == "examples/flyte/src/demo/workflows.py:9")
        #expect(!sources.files.isEmpty && sources.files.allSatisfy { !$0.hasPrefix(".") && !$0.contains("/.") })
    }

    @Test func aFileIsNotAFolder() {
        #expect(throws: InputError.self) { try PythonSources.read(folder: "examples/flyte/src/demo/workflows.py") }
        // A folder with no Python in it is a wrong path: said, not a run whose findings all stay put.
        #expect(throws: InputError.self) { try PythonSources.read(folder: "policies") }
    }

    /// The layer words the resolver writes, read back as where they were written.
    static let layers: [(String, LayerOrigin?)] = [
        ("task pod template of demo.workflows.train_model", .task("demo.workflows.train_model")),
        ("task resources of demo.workflows.load_data", .task("demo.workflows.load_data")),
        ("task demo.workflows.infer (resources)", .task("demo.workflows.infer")),
        ("node override at demo.workflows.training_wf node n3 (pod template)", .nodeOverride(workflow: "demo.workflows.training_wf", node: "n3")),
        (
            "GPU accelerator nvidia-tesla-t4 (node override at demo.workflows.training_wf node n5)",
            .nodeOverride(workflow: "demo.workflows.training_wf", node: "n5")
        ),
        ("GPU accelerator nvidia-tesla-a100 (task demo.workflows.infer)", .task("demo.workflows.infer")),
        ("worker of mpi task distributed.workflows.mpi_sim (resources)", .task("distributed.workflows.mpi_sim")),
        ("platform interruptible-node-selector (interruptible task)", .platform(key: "interruptible-node-selector")),
        ("platform config (plugins.k8s)", .platform(key: "plugins.k8s")),
        ("platform resource defaults and limits (default-cpus, default-memory, task_resources)", .platform(key: "default-cpus")),
        ("cluster PodTemplate 'gpu-default-template' (namespace flyte)", .clusterPodTemplate(name: "gpu-default-template", namespace: "flyte")),
        ("the Ray plugin's head defaults", nil),
    ]

    @Test(arguments: layers)
    func layerWordsNameWhereTheyWereWritten(layer: String, origin: LayerOrigin?) {
        #expect(LayerOrigin(layer) == origin)
    }
}
