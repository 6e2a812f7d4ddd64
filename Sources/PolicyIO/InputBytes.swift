#if canImport(Glibc)
import Glibc
#endif

/// An input's bytes: read into memory, or, for a large regular file, mapped.
///
/// A mapped file is paged in by the kernel as it is scanned, and the pages a scan has passed
/// can be given back (``release(_:)``): they are clean copies of the page cache, so a 1 GB
/// `List` checked chunk by chunk holds a few megabytes of it at a time instead of the whole
/// file. Not a `Collection` on purpose: every use says whether it borrows the bytes
/// (``withUnsafeBufferPointer(_:)``) or copies them (``array``).
package struct InputBytes: Sendable {
    private enum Storage: Sendable {
        case array([UInt8])
        case mapped(MappedFile)
    }

    private let storage: Storage

    package init(_ bytes: [UInt8]) { storage = .array(bytes) }

    init(mapping file: MappedFile) { storage = .mapped(file) }

    package var count: Int {
        switch storage {
        case .array(let bytes): bytes.count
        case .mapped(let file): file.count
        }
    }

    /// Whether the bytes are a mapped file (pages read on demand, ``release(_:)`` gives them back).
    package var isMapped: Bool {
        switch storage {
        case .array: false
        case .mapped: true
        }
    }

    /// The bytes as an array; a mapped file is copied, and its pages given back since the copy
    /// is what will be read.
    package var array: [UInt8] {
        switch storage {
        case .array(let bytes): return bytes
        case .mapped(let file):
            let copy = Array(file.buffer)
            file.release(0..<file.count)
            return copy
        }
    }

    /// Lends the bytes to `body`; the pointer must not escape it.
    package func withUnsafeBufferPointer<Result, Failure: Error>(
        _ body: (UnsafeBufferPointer<UInt8>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        switch storage {
        case .array(let bytes): return try bytes.withUnsafeBufferPointer(body)
        case .mapped(let file): return try body(file.buffer)
        }
    }

    /// The first `count` bytes (or fewer), copied: enough to sniff what a file holds.
    package func prefix(_ count: Int) -> [UInt8] {
        withUnsafeBufferPointer { Array($0.prefix(count)) }
    }

    /// Gives back the pages of a mapped file that lie in `range` (and around it, ``MappedFile/faultAround``):
    /// they are read again from the page cache if touched later, so this is always safe, and
    /// only worth it for bytes a scan has passed. Nothing for bytes in memory.
    package func release(_ range: Range<Int>) {
        guard case .mapped(let file) = storage else { return }
        file.release(range)
    }
}

/// A read-only private mapping of a whole regular file, unmapped when the last reference goes.
///
/// `@unchecked Sendable`: the mapping is never written and never moves; `madvise` may be called
/// from any thread.
final class MappedFile: @unchecked Sendable {
    private let base: UnsafeMutableRawPointer
    let count: Int
    private static let pageSize = max(4096, sysconf(Int32(_SC_PAGESIZE)))

    /// Maps the `count` bytes of the regular file open as `descriptor`; `nil` when the kernel
    /// refuses (the caller then reads the file instead).
    init?(descriptor: Int32, count: Int) {
        guard count > 0 else { return nil }
        let address = mmap(nil, count, PROT_READ, MAP_PRIVATE, descriptor, 0)
        guard let address, address != MAP_FAILED else { return nil }
        base = address
        self.count = count
        // The scans read forward: ask for large read-ahead.
        _ = madvise(base, count, MADV_SEQUENTIAL)
    }

    deinit { munmap(base, count) }

    var buffer: UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: base.assumingMemoryBound(to: UInt8.self), count: count)
    }

    /// How far past the bytes read the kernel may have mapped pages: a fault maps the cached
    /// pages of the aligned window around it (`fault_around_bytes`, 64 KiB by default), so a
    /// reader of one range also maps some of its neighbours'. Giving back that much more on
    /// each side catches them; a neighbour still being read just faults its pages in again.
    static let faultAround = 256 << 10

    func release(_ range: Range<Int>) {
        let lower = max(0, range.lowerBound - Self.faultAround) / Self.pageSize * Self.pageSize
        let upper = min(count, range.upperBound + Self.faultAround)
        guard upper > lower else { return }
        _ = madvise(base + lower, upper - lower, MADV_DONTNEED)
    }
}
