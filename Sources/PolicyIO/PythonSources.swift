import Foundation
import PolicyCore

/// Where the Python source of a Flyte project defines its tasks and calls them inside its
/// workflows, so a finding can be annotated on the line a person edits (`check --source`).
///
/// A line scanner, not a Python parser: it finds decorated `def`s and, inside each workflow
/// function, the calls that create nodes, numbered as flytekit numbers them (`n0`, `n1`, ... in
/// the order the calls run, which is the order their closing parentheses are reached). Strings
/// and comments are blanked first so that nothing in them is taken for code.
package struct PythonSources: Sendable {
    /// A function decorated as a Flyte entity.
    struct Definition: Sendable {
        var module: String
        var name: String
        /// The first decorator: where a task's pod template and resources are written.
        var decorator: SourceLine
        var isWorkflow: Bool
        /// Node calls of a workflow, in node order.
        var calls: [Call] = []
    }

    /// A call that creates a node.
    struct Call: Sendable {
        /// The function called (for a map task, the function mapped).
        var callee: String
        var at: SourceLine
        /// The `.with_overrides(` that follows the call, if any.
        var overrides: SourceLine?
        /// For a `conditional`, the nodes of its branches (`n0-n0`, `n0-n1`, ...), in the order
        /// their calls run.
        var inner: [Call] = []
    }

    /// Definitions by `module.function`, the names flytekit gives tasks and workflows.
    private(set) var definitions: [String: Definition] = [:]
    /// Every file read, by path relative to the folder (for the module names).
    private(set) var files: [String] = []

    /// Reads every `.py` file below `folder` (hidden folders and virtual environments left out).
    package static func read(folder: String) throws(InputError) -> PythonSources {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw .unreadable(path: folder, reason: "--source takes the folder of the project's Python source, and this is not a folder")
        }
        var sources = PythonSources()
        let skipped: Set<String> = ["site-packages", "node_modules", "__pycache__", "venv"]
        let walker = FileManager.default.enumerator(atPath: folder)
        while let relative = walker?.nextObject() as? String {
            // Hidden folders (.git, .venv, .build) and installed packages are not the project's
            // source: not even walked, since a checkout's may hold hundreds of thousands of files.
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") || skipped.contains(name) {
                walker?.skipDescendants()
                continue
            }
            guard relative.hasSuffix(".py"), let bytes = FileManager.default.contents(atPath: folder + "/" + relative) else { continue }
            sources.files.append(relative)
            // Paths as a repository names them: `src/a.py` for the folder `.`, not `./src/a.py`.
            let path = folder == "." || folder == "./" ? relative : (folder as NSString).appendingPathComponent(relative)
            sources.add(String(decoding: bytes, as: UTF8.self), path: path, relative: relative)
        }
        // A folder without Python is a wrong path, not a project whose findings all stay put.
        guard !sources.files.isEmpty else {
            throw .unreadable(path: folder, reason: "holds no Python file (.py); --source takes the folder of the project's Python source")
        }
        sources.numberNodes()
        return sources
    }

    /// The module name of a file relative to the source folder: `src/demo/workflows.py` is
    /// `src.demo.workflows`; entity names are matched on their module's trailing components.
    private static func module(_ relative: String) -> String {
        var path = String(relative.dropLast(3))
        if path.hasSuffix("/__init__") { path = String(path.dropLast("/__init__".count)) }
        return path.replacingOccurrences(of: "/", with: ".")
    }

    /// The definition of a Flyte entity by its full name (`demo.workflows.train_model`).
    func definition(_ name: String) -> Definition? {
        if let exact = definitions[name] { return exact }
        // The folder may sit above the package root (`src/`): match trailing components.
        let matches = definitions.filter { $0.key.hasSuffix("." + name) }
        return matches.count == 1 ? matches.first?.value : nil
    }

    /// The decorator of task `name` (for a map task, of the function it maps).
    package func task(_ name: String) -> SourceLine? {
        definition(Self.function(ofTask: name)).flatMap { $0.isWorkflow ? nil : $0.decorator }
    }

    /// The function a task name stands for: flytekit names a map task over `square` of module
    /// `demo.workflows` `demo.workflows.map_square_<hash>` (array nodes add `-arraynode`).
    static func function(ofTask name: String) -> String {
        guard let dot = name.lastIndex(of: ".") else { return name }
        var last = name[name.index(after: dot)...]
        guard last.hasPrefix("map_") else { return name }
        if last.hasSuffix("-arraynode") { last = last.dropLast("-arraynode".count) }
        last = last.dropFirst("map_".count)
        if let underscore = last.lastIndex(of: "_"), last[last.index(after: underscore)...].allSatisfy(\.isHexDigit) {
            last = last[..<underscore]
        }
        return String(name[...dot] + last)
    }

    /// Where node `node` (`n3`) of workflow `workflow` is created, and its `with_overrides`,
    /// checked against the task the node runs; `nil` with the reason when it cannot be told.
    /// A node inside a branch (`n0-n1`) is the second node call of the `conditional` statement
    /// that is node `n0`; deeper nesting is not followed.
    package func node(_ node: String, of workflow: String, runs task: String?) -> (call: SourceLine, overrides: SourceLine?)? {
        let indices = node.split(separator: "-").map { $0.hasPrefix("n") ? Int($0.dropFirst()) : nil }
        guard let definition = definition(workflow), definition.isWorkflow, (1...2).contains(indices.count), let first = indices[0],
            first < definition.calls.count
        else { return nil }
        var call = definition.calls[first]
        if indices.count == 2 {
            guard let second = indices[1], second < call.inner.count else { return nil }
            call = call.inner[second]
        }
        // The n-th call must call the node's task, or the numbering was not followed.
        if let task, let short = Self.function(ofTask: task).split(separator: ".").last, short != call.callee {
            return nil
        }
        return (call.at, call.overrides)
    }

    // MARK: - Scanning

    private var pendingWorkflows: [(key: String, body: [Substring], firstLine: Int, path: String)] = []

    private mutating func add(_ text: String, path: String, relative: String) {
        let module = Self.module(relative)
        let lines = Self.blanked(text).split(separator: "\n", omittingEmptySubsequences: false)
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard trimmed.hasPrefix("@") else {
                index += 1
                continue
            }
            let indent = line.count - trimmed.count
            let decorator = SourceLine(file: path, line: index + 1, column: indent + 1)
            var decorators: [Substring] = []
            // Decorators, possibly over several lines, up to the `def`.
            while index < lines.count, !lines[index].drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("def ") {
                let stripped = lines[index].drop { $0 == " " || $0 == "\t" }
                if stripped.hasPrefix("@") { decorators.append(stripped.dropFirst().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) }
                index += 1
            }
            guard index < lines.count else { break }
            let def = lines[index].drop { $0 == " " || $0 == "\t" }.dropFirst("def ".count)
            let name = String(def.prefix { $0.isLetter || $0.isNumber || $0 == "_" })
            let kinds = decorators.map { $0.split(separator: ".").last.map(String.init) ?? "" }
            let isWorkflow = kinds.contains { $0 == "workflow" || $0 == "dynamic" || $0 == "eager" }
            let isTask = isWorkflow || kinds.contains { $0.hasSuffix("task") }
            index += 1
            guard isTask, !name.isEmpty else { continue }
            let key = module + "." + name
            definitions[key] = Definition(module: module, name: name, decorator: decorator, isWorkflow: isWorkflow)
            if isWorkflow {
                // The body: the lines indented deeper than the `def`, blank lines included.
                let start = index
                while index < lines.count {
                    let body = lines[index]
                    let content = body.drop { $0 == " " || $0 == "\t" }
                    if !content.isEmpty, body.count - content.count <= indent { break }
                    index += 1
                }
                pendingWorkflows.append((key, Array(lines[start..<index]), start + 1, path))
            }
        }
    }

    /// Numbers the node calls of every workflow, once every file has named its tasks.
    private mutating func numberNodes() {
        let entities = Set(definitions.values.map(\.name))
        for workflow in pendingWorkflows {
            definitions[workflow.key]?.calls = Self.calls(in: workflow.body, firstLine: workflow.firstLine, path: workflow.path, entities: entities)
        }
        pendingWorkflows = []
    }

    /// The calls of `entities` (and of map tasks) in a workflow body, in the order they run:
    /// a call runs when its closing parenthesis is reached, after the calls in its arguments.
    /// A `conditional(...)` is one node whose branches hold nodes of their own: the calls in the
    /// rest of its statement are numbered as its ``Call/inner`` nodes.
    static func calls(in body: [Substring], firstLine: Int, path: String, entities: Set<String>) -> [Call] {
        let mapTasks: Set<String> = ["map_task", "array_node_map_task"]
        struct Open {
            var callee: String?
            var at: SourceLine
            /// A `(` right after a map task's `)`: the call that runs it, making its node.
            var runs: (callee: String, at: SourceLine)? = nil
        }
        var calls: [Call] = []
        var stack: [Open] = []
        /// Where a call that made a node sits: `calls[top]`, or `calls[top].inner[inner]`.
        struct Made {
            var top: Int
            var inner: Int?
        }
        /// The node made by the `)` just closed, for a `.with_overrides(` that follows it.
        var lastClosed: Made?
        /// A map task made by the `)` just closed: its node is made by the call that follows.
        var lastMap: (callee: String, at: SourceLine)?
        /// The `conditional` whose statement this is: its calls are nodes of its branches.
        var branch: Int?
        var previous: Character = " "
        func record(_ call: Call) -> Made {
            if let branch {
                calls[branch].inner.append(call)
                return Made(top: branch, inner: calls[branch].inner.count - 1)
            }
            calls.append(call)
            return Made(top: calls.count - 1, inner: nil)
        }
        for (number, text) in body.enumerated() {
            let characters = Array(text)
            var column = 0
            while column < characters.count {
                let character = characters[column]
                let here = SourceLine(file: path, line: firstLine + number, column: column + 1)
                if character.isLetter || character == "_" {
                    var end = column
                    while end < characters.count, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" { end += 1 }
                    let word = String(characters[column..<end])
                    if end < characters.count, characters[end] == "(" {
                        if word == "with_overrides", previous == ".", let made = lastClosed {
                            if let inner = made.inner {
                                if calls[made.top].inner[inner].overrides == nil { calls[made.top].inner[inner].overrides = here }
                            } else if calls[made.top].overrides == nil {
                                calls[made.top].overrides = here
                            }
                        }
                        let named = previous != "." && (entities.contains(word) || mapTasks.contains(word) || word == "conditional")
                        stack.append(Open(callee: named ? word : nil, at: here))
                        previous = "("
                        column = end + 1
                        continue
                    }
                    previous = "a"
                    column = end
                    continue
                }
                switch character {
                case "(":
                    stack.append(Open(callee: nil, at: here, runs: previous == ")" ? lastMap : nil))
                case ")":
                    guard let open = stack.popLast() else { break }
                    lastClosed = nil
                    lastMap = nil
                    if let callee = open.callee, mapTasks.contains(callee) {
                        // The mapped function is the first name inside the parentheses.
                        let inside = String(characters[min(open.at.position.column - 1 + callee.count + 1, column)..<column])
                        lastMap = (String(inside.drop { !($0.isLetter || $0 == "_") }.prefix { $0.isLetter || $0.isNumber || $0 == "_" }), open.at)
                    } else if open.callee == "conditional", branch == nil {
                        calls.append(Call(callee: "conditional", at: open.at))
                        branch = calls.count - 1
                    } else if let callee = open.callee, callee != "conditional" {
                        lastClosed = record(Call(callee: callee, at: open.at))
                    } else if let map = open.runs {
                        lastClosed = record(Call(callee: map.callee, at: map.at))
                    }
                default: break
                }
                if character != " " && character != "\t" { previous = character }
                column += 1
            }
            // A statement ends at a line end outside parentheses.
            if stack.isEmpty { branch = nil }
        }
        return calls
    }

    /// The text with the insides of string literals and comments replaced by spaces, line
    /// breaks kept, so that lines and columns stay those of the file.
    static func blanked(_ text: String) -> String {
        var out: [Character] = []
        out.reserveCapacity(text.count)
        let characters = Array(text)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "#" {
                while index < characters.count, characters[index] != "\n" {
                    out.append(" ")
                    index += 1
                }
                continue
            }
            guard character == "\"" || character == "'" else {
                out.append(character)
                index += 1
                continue
            }
            let triple = index + 2 < characters.count && characters[index + 1] == character && characters[index + 2] == character
            let quote = triple ? 3 : 1
            out.append(contentsOf: repeatElement(character, count: quote))
            index += quote
            while index < characters.count {
                if characters[index] == "\\", index + 1 < characters.count {
                    out.append(" ")
                    out.append(characters[index + 1] == "\n" ? "\n" : " ")
                    index += 2
                    continue
                }
                if characters[index] == character,
                    !triple || (index + 2 < characters.count && characters[index + 1] == character && characters[index + 2] == character)
                {
                    out.append(contentsOf: repeatElement(character, count: quote))
                    index += quote
                    break
                }
                // A single-quoted string ends at its line's end (a syntax error Python reports).
                if !triple, characters[index] == "\n" { break }
                out.append(characters[index] == "\n" ? "\n" : " ")
                index += 1
            }
        }
        return String(out)
    }
}
