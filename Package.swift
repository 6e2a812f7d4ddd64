// swift-tools-version:6.0
import PackageDescription

// Layers, arrows pointing down (see docs/architecture.md):
//   flyte-policy (thin executable) -> PolicyCLI -> PolicyServer -> PolicyIO -> PolicyCore -> PolicyJSON -> CJansson
//                                               (COpenSSL, CLinux)  -> PolicyFlyte, PolicyYAML -> CYAML
// PolicyCore does no file or socket I/O and imports no C module.
/// Release builds of the executables allocate with jemalloc (libjemalloc-dev): glibc's
/// allocator spent 15-25 % of a run in `_int_malloc` and `malloc_consolidate` over the many
/// small JSON values a run makes and frees, and jemalloc took the List check and the Flyte
/// benchmark about 20 % faster (docs/benchmarks.md, session 13). Debug and sanitizer builds
/// (the tests) keep glibc's, which AddressSanitizer replaces anyway.
let releaseAllocator: [LinkerSetting] = [.linkedLibrary("jemalloc", .when(configuration: .release))]

let package = Package(
    name: "flyte-policy",
    products: [
        .executable(name: "flyte-policy", targets: ["flyte-policy"]),
        .library(name: "PolicyCore", targets: ["PolicyCore"]),
    ],
    targets: [
        .systemLibrary(
            name: "CJansson",
            pkgConfig: "jansson",
            providers: [.apt(["libjansson-dev"])]
        ),
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .systemLibrary(name: "CLinux"),
        .systemLibrary(name: "CBuildInfo"),
        .target(name: "PolicyJSON", dependencies: ["CJansson"]),
        .target(name: "PolicyYAML", dependencies: ["CYAML", "PolicyJSON"]),
        .target(name: "PolicyCore", dependencies: ["PolicyJSON"]),
        .target(name: "PolicyFlyte", dependencies: ["PolicyCore", "PolicyJSON"]),
        .target(name: "PolicyIO", dependencies: ["CZlib", "PolicyCore", "PolicyFlyte", "PolicyJSON", "PolicyYAML"]),
        .target(name: "PolicyServer", dependencies: ["COpenSSL", "CLinux", "PolicyCore", "PolicyIO", "PolicyJSON"]),
        .target(
            name: "PolicyCLI",
            dependencies: ["CBuildInfo", "CLinux", "PolicyCore", "PolicyFlyte", "PolicyIO", "PolicyJSON", "PolicyServer", "PolicyYAML"]),
        .executableTarget(name: "flyte-policy", dependencies: ["PolicyCLI"], linkerSettings: releaseAllocator),
        .target(name: "BenchSupport", dependencies: ["CLinux"]),
        .executableTarget(
            name: "flyte-bench", dependencies: ["BenchSupport", "PolicyCore", "PolicyFlyte", "PolicyIO", "PolicyJSON"],
            linkerSettings: releaseAllocator),
        .executableTarget(
            name: "admission-bench", dependencies: ["BenchSupport", "PolicyCore", "PolicyIO", "PolicyJSON", "PolicyServer"],
            linkerSettings: releaseAllocator),
        .executableTarget(
            name: "policy-bench", dependencies: ["BenchSupport", "PolicyCore", "PolicyIO", "PolicyJSON"], linkerSettings: releaseAllocator),
        .testTarget(name: "PolicyJSONTests", dependencies: ["PolicyJSON"]),
        .testTarget(name: "PolicyCoreTests", dependencies: ["PolicyCore", "PolicyJSON"]),
        .testTarget(name: "PolicyFlyteTests", dependencies: ["PolicyFlyte", "PolicyCore", "PolicyJSON"]),
        .testTarget(name: "PolicyYAMLTests", dependencies: ["PolicyYAML", "PolicyJSON"]),
        .testTarget(name: "PolicyIOTests", dependencies: ["PolicyIO", "PolicyCore", "PolicyFlyte", "PolicyJSON", "PolicyYAML"]),
        .testTarget(name: "PolicyServerTests", dependencies: ["PolicyServer", "PolicyCore", "PolicyIO", "PolicyJSON", "PolicyYAML"]),
        .testTarget(name: "CLITests", dependencies: ["PolicyCLI"]),
    ]
)

// libFuzzer targets (fuzz/run.sh): only with FLYTE_POLICY_FUZZ=1, because the target has no main
// of its own (libFuzzer supplies it) and would not link in an ordinary build.
if Context.environment["FLYTE_POLICY_FUZZ"] == "1" {
    package.targets.append(
        .executableTarget(
            name: "flyte-policy-fuzz", dependencies: ["PolicyCore", "PolicyIO", "PolicyJSON", "PolicyServer", "PolicyYAML"],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]))
}
