import CLinux
import Dispatch

/// A small deterministic generator (a 64-bit LCG), so every benchmark run sees the same input.
public struct Generator {
    public var state: UInt64 = 0x9E37_79B9_7F4A_7C15

    public init() {}

    public mutating func next(_ bound: Int) -> Int {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int((state >> 33) % UInt64(bound))
    }

    public mutating func pick<T>(_ items: [T]) -> T { items[next(items.count)] }
}

/// Wall time of `body`, in seconds.
public func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Best of several runs, to keep the figure stable on a shared machine.
public func best(_ runs: Int = 3, _ body: () -> Void) -> Double {
    (0..<runs).map { _ in seconds(body) }.min() ?? 0
}

/// Heap bytes in use (glibc's count of allocated chunks, headers included): what a run keeps
/// alive is the difference around it.
public func heapBytesInUse() -> Int {
    Int(clinux_heap_bytes_in_use())
}
