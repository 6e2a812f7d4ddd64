import PolicyCore
import PolicyJSON

/// The Spark configuration a Flyte Spark task runs with (`spark/spark.go` `getSparkConfig`),
/// and the pod resources Spark on Kubernetes derives from it for the driver and the executors
/// (Spark 3.5 `BasicDriverFeatureStep`, `BasicExecutorFeatureStep`, `ResourceProfile`,
/// `KubernetesUtils.buildResourcesQuantities`; docs/flyte-resolution.md writes the formula out).
package struct SparkConf {
    private(set) var values: [String: String] = [:]
    /// Where each key the task set sits in its `custom`, for messages.
    private var pointers: [String: String] = [:]
    /// A Python or R application (`applicationType`), whose overhead factor defaults to 0.4.
    package var nonJVM = true

    /// `getSparkConfig`: the platform's `spark-config-default`, the executor path, the task's
    /// `sparkConf` (a `spark.flyte.<feature>.enabled: true` key brings that feature's settings),
    /// then limit cores filled from request cores or `spark.{driver,executor}.cores`.
    package init(
        defaults: [(key: String, value: String)], features: [(name: String, config: [(key: String, value: String)])],
        task: [(key: String, value: String)], executorPath: String, pointer: JSONPointer
    ) {
        for (key, value) in defaults { values[key] = value }
        if !executorPath.isEmpty {
            values["spark.pyspark.python"] = executorPath
            values["spark.pyspark.driver.python"] = executorPath
        }
        for (key, value) in task {
            pointers[key] = pointer.appending(key).description
            if let feature = Self.feature(key), Self.trimmed(value).lowercased() == "true",
                let settings = features.first(where: { $0.name == feature })
            {
                for (featureKey, featureValue) in settings.config { values[featureKey] = featureValue }
            } else {
                values[key] = value
            }
        }
        for role in ["driver", "executor"] {
            let limit = "spark.kubernetes.\(role).limit.cores"
            guard (values[limit] ?? "").isEmpty else { continue }
            if let request = values["spark.kubernetes.\(role).request.cores"], !request.isEmpty {
                values[limit] = request
            } else if let cores = values["spark.\(role).cores"], !cores.isEmpty {
                values[limit] = cores
            }
        }
    }

    /// `^spark.((flyteorg)|(flyte)).(.+).enabled$` with Go's unanchored dots.
    private static func feature(_ key: String) -> String? {
        for prefix in ["spark.flyteorg.", "spark.flyte."] where key.hasPrefix(prefix) && key.hasSuffix(".enabled") {
            let name = key.dropFirst(prefix.count).dropLast(".enabled".count)
            if !name.isEmpty { return String(name) }
        }
        return nil
    }

    /// An error for the value of `key`, with its pointer when the task set it.
    func invalid(_ key: String, _ reason: String, task: String) -> ResolutionError {
        let value = values[key] ?? ""
        return .invalidCustom(
            task: task, pointer: pointers[key] ?? "platform plugins.spark (\(key))", reason: "\(key) = '\(value)' \(reason)")
    }

    /// The pod a Spark role runs in: container resources and how many pods.
    package struct PodShape {
        package var resources = ContainerResources()
        package var replicas = 1
        /// How memory was made up, for provenance (`4096Mi (spark.driver.memory 4g) + 1638Mi overhead`).
        package var memoryExplanation = ""
    }

    package func shape(for role: ReplicaRole, task: String) throws(ResolutionError) -> PodShape {
        let name = role == .driver ? "driver" : "executor"
        var shape = PodShape()
        let memory = try mebibytes("spark.\(name).memory", default: 1024, task: task)
        let factor = try overheadFactor(role, task: task)
        let minimum = try mebibytes("spark.\(name).minMemoryOverhead", default: 384, task: task)
        var overhead: Int64
        if values["spark.\(name).memoryOverhead"] != nil {
            overhead = try mebibytes("spark.\(name).memoryOverhead", default: 0, task: task)
        } else {
            overhead = max(Int64(factor * Double(memory)), minimum)
        }
        var total = memory + overhead
        var parts = ["\(memory)Mi (spark.\(name).memory)", "\(overhead)Mi overhead"]
        if role == .executor {
            if nonJVM, values["spark.executor.pyspark.memory"] != nil {
                let pyspark = try mebibytes("spark.executor.pyspark.memory", default: 0, task: task)
                total += pyspark
                parts.append("\(pyspark)Mi (spark.executor.pyspark.memory)")
            }
            if values["spark.memory.offHeap.enabled"]?.lowercased() == "true" {
                let offHeap = try bytes("spark.memory.offHeap.size", task: task) / (1024 * 1024)
                total += offHeap
                parts.append("\(offHeap)Mi (spark.memory.offHeap.size)")
            }
        }
        shape.memoryExplanation = parts.joined(separator: " + ")
        let memoryQuantity = try quantity("\(total)Mi", key: "spark.\(name).memory", task: task)
        shape.resources.requests["memory"] = memoryQuantity
        shape.resources.limits["memory"] = memoryQuantity

        // Cores: the request from spark.kubernetes.<role>.request.cores, else spark.<role>.cores
        // (an integer, default 1); the limit only from spark.kubernetes.<role>.limit.cores.
        let coresKey = "spark.\(name).cores"
        var request = "1"
        if let cores = values[coresKey] {
            guard Int32(cores) != nil else { throw invalid(coresKey, "is not a whole number of cores", task: task) }
            request = cores
        }
        var requestKey = coresKey
        if let explicit = values["spark.kubernetes.\(name).request.cores"], !explicit.isEmpty {
            request = explicit
            requestKey = "spark.kubernetes.\(name).request.cores"
        }
        shape.resources.requests["cpu"] = try quantity(request, key: requestKey, task: task)
        let limitKey = "spark.kubernetes.\(name).limit.cores"
        if let limit = values[limitKey], !limit.isEmpty {
            shape.resources.limits["cpu"] = try quantity(limit, key: limitKey, task: task)
        }

        // Custom resources (GPUs): spark.<role>.resource.<name>.amount with its vendor.
        let prefix = "spark.\(name).resource."
        for key in values.keys.sorted() where key.hasPrefix(prefix) && key.hasSuffix(".amount") {
            let resource = String(key.dropFirst(prefix.count).dropLast(".amount".count))
            guard let vendor = values["\(prefix)\(resource).vendor"], !vendor.isEmpty else {
                throw invalid(key, "asks for \(resource) without \(prefix)\(resource).vendor (Spark refuses it)", task: task)
            }
            shape.resources.limits["\(vendor)/\(resource)"] = try quantity(values[key] ?? "", key: key, task: task)
        }

        if role == .executor {
            // DEFAULT_NUMBER_EXECUTORS on Kubernetes is 2; dynamic allocation may go to maxExecutors.
            var replicas = 2
            if let instances = values["spark.executor.instances"] {
                guard let count = Int32(instances), count >= 0 else { throw invalid("spark.executor.instances", "is not a whole number", task: task) }
                replicas = Int(count)
            }
            if values["spark.dynamicAllocation.enabled"]?.lowercased() == "true", let most = values["spark.dynamicAllocation.maxExecutors"] {
                guard let count = Int32(most), count >= 0 else {
                    throw invalid("spark.dynamicAllocation.maxExecutors", "is not a whole number", task: task)
                }
                replicas = max(replicas, Int(count))
            }
            shape.replicas = replicas
        }
        return shape
    }

    /// `spark.<role>.memoryOverheadFactor`, else `spark.kubernetes.memoryOverheadFactor`, else
    /// 0.4 for non-JVM applications and 0.1 otherwise; the driver passes its factor on to the
    /// executors through `spark.kubernetes.memoryOverheadFactor`.
    private func overheadFactor(_ role: ReplicaRole, task: String) throws(ResolutionError) -> Double {
        func read(_ key: String) throws(ResolutionError) -> Double? {
            guard let text = values[key] else { return nil }
            guard let factor = Double(text), factor > 0 else { throw invalid(key, "is not a number above 0", task: task) }
            return factor
        }
        let shared = try read("spark.kubernetes.memoryOverheadFactor")
        let driver = try read("spark.driver.memoryOverheadFactor") ?? shared ?? (nonJVM ? 0.4 : 0.1)
        if role == .driver { return driver }
        return try read("spark.executor.memoryOverheadFactor") ?? shared ?? driver
    }

    /// A JVM memory string (`4g`, `512m`, `2048`) in MiB; no unit means MiB (`bytesConf(MiB)`).
    private func mebibytes(_ key: String, default fallback: Int64, task: String) throws(ResolutionError) -> Int64 {
        guard let text = values[key] else { return fallback }
        guard let (number, unit) = Self.split(text) else {
            throw invalid(key, "is not a JVM memory size such as 4g or 512m", task: task)
        }
        guard let bytesPerUnit = unit.isEmpty ? 1024 * 1024 : Self.units[unit] else {
            throw invalid(key, "has an unknown unit '\(unit)' (use k, m, g, t or p)", task: task)
        }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: bytesPerUnit)
        guard !overflow else { throw invalid(key, "is too large", task: task) }
        return bytes / (1024 * 1024)
    }

    /// A size whose unit defaults to bytes (`spark.memory.offHeap.size`).
    private func bytes(_ key: String, task: String) throws(ResolutionError) -> Int64 {
        guard let text = values[key], let (number, unit) = Self.split(text), let perUnit = unit.isEmpty ? 1 : Self.units[unit] else {
            throw invalid(key, "is not a memory size such as 2g", task: task)
        }
        let (bytes, overflow) = number.multipliedReportingOverflow(by: perUnit)
        guard !overflow else { throw invalid(key, "is too large", task: task) }
        return bytes
    }

    private static let units: [String: Int64] = [
        "b": 1, "k": 1 << 10, "kb": 1 << 10, "m": 1 << 20, "mb": 1 << 20, "g": 1 << 30, "gb": 1 << 30, "t": 1 << 40, "tb": 1 << 40,
        "p": 1 << 50, "pb": 1 << 50,
    ]

    /// `([0-9]+)([a-z]+)?` on the lower-cased, trimmed text, as `JavaUtils.byteStringAs` reads it.
    private static func split(_ text: String) -> (Int64, String)? {
        let lower = trimmed(text).lowercased()
        let digits = lower.prefix { $0.isASCII && $0.isNumber }
        let unit = lower.dropFirst(digits.count)
        guard !digits.isEmpty, let number = Int64(digits), unit.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        return (number, String(unit))
    }

    /// Go's `strings.TrimSpace` for the ASCII spaces configuration values carry.
    private static func trimmed(_ text: String) -> Substring {
        let isSpace = { (c: Character) in c == " " || c == "\t" || c == "\n" || c == "\r" }
        let head = text.drop(while: isSpace)
        return head.dropLast(head.reversed().prefix(while: isSpace).count)
    }

    private func quantity(_ text: String, key: String, task: String) throws(ResolutionError) -> Quantity {
        do { return try Quantity(parsing: text) } catch { throw invalid(key, "is not a Kubernetes quantity: \(error.description)", task: task) }
    }
}
