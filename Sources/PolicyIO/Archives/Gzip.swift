internal import CZlib

/// gzip decompression through zlib, with a bound on the output so a small archive cannot expand
/// into gigabytes (a "zip bomb").
enum Gzip {
    static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.starts(with: [0x1F, 0x8B]) }

    /// Inflates every gzip member of `bytes`.
    static func decompress(_ bytes: [UInt8], source: String, limit: Int = 512 << 20) throws(InputError) -> [UInt8] {
        let inflater = Inflater()
        guard inflater.ready else { throw .unreadable(path: source, reason: "zlib could not start inflating") }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        var consumed = 0
        while consumed < bytes.count {
            let result: Int32 = bytes.withUnsafeBufferPointer { input in
                chunk.withUnsafeMutableBufferPointer { out in
                    inflater.stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress.map { $0 + consumed })
                    inflater.stream.avail_in = uInt(input.count - consumed)
                    var status: Int32 = Z_OK
                    repeat {
                        inflater.stream.next_out = out.baseAddress
                        inflater.stream.avail_out = uInt(out.count)
                        status = inflate(&inflater.stream, Z_NO_FLUSH)
                        let produced = out.count - Int(inflater.stream.avail_out)
                        output.append(contentsOf: out[0..<produced])
                        if output.count > limit { return Z_MEM_ERROR }
                    } while status == Z_OK && (inflater.stream.avail_in > 0 || inflater.stream.avail_out == 0)
                    consumed = input.count - Int(inflater.stream.avail_in)
                    return status
                }
            }
            if output.count > limit {
                throw .unreadable(path: source, reason: "the archive expands to more than \(limit >> 20) MB; refusing to read it")
            }
            switch result {
            case Z_STREAM_END:
                // Another gzip member may follow (concatenated archives); trailing zeros may not.
                if consumed < bytes.count, bytes[consumed...].allSatisfy({ $0 == 0 }) { return output }
                if consumed < bytes.count { _ = inflateReset(&inflater.stream) }
            case Z_OK, Z_BUF_ERROR:
                throw .unreadable(
                    path: source, reason: "the gzip data is truncated (it ends at byte \(bytes.count) before the end of the compressed stream)")
            default:
                let message = inflater.stream.msg.map { String(cString: $0) } ?? "error \(result)"
                throw .unreadable(path: source, reason: "corrupt gzip data near byte \(consumed): \(message)")
            }
        }
        return output
    }

    /// Owns a `z_stream` for its lifetime.
    private final class Inflater {
        var stream = z_stream()
        let ready: Bool

        init() {
            ready = czlib_inflate_init_gzip(&stream) == Z_OK
        }

        deinit {
            if ready { inflateEnd(&stream) }
        }
    }
}
