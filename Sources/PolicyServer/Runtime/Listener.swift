import CLinux
import Foundation

/// Why the listening socket could not be opened.
package struct ListenError: Error, Sendable, CustomStringConvertible {
    package var address: String
    package var reason: String
    package var description: String { "cannot listen on \(address): \(reason)" }
}

/// The non-blocking listening socket every event loop accepts from.
struct Listener {
    let fd: Int32
    /// The bound port (the real one when 0 was asked for).
    let port: UInt16

    init(host: String, port: UInt16, backlog: Int32 = 1024) throws(ListenError) {
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        func fail(_ what: String) -> ListenError { ListenError(address: address, reason: "\(what): \(String(cString: strerror(errno)))") }

        var v4 = sockaddr_in()
        var v6 = sockaddr_in6()
        let family: Int32
        if inet_pton(AF_INET, host, &v4.sin_addr) == 1 {
            family = AF_INET
            v4.sin_family = sa_family_t(AF_INET)
            v4.sin_port = port.bigEndian
        } else if inet_pton(AF_INET6, host, &v6.sin6_addr) == 1 {
            family = AF_INET6
            v6.sin6_family = sa_family_t(AF_INET6)
            v6.sin6_port = port.bigEndian
        } else {
            throw ListenError(address: address, reason: "'\(host)' is not an IPv4 or IPv6 address (use 0.0.0.0, ::, or 127.0.0.1)")
        }
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw fail("socket") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound: Int32
        if family == AF_INET {
            bound = withUnsafePointer(to: &v4) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
        } else {
            bound = withUnsafePointer(to: &v6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size)) }
            }
        }
        guard bound == 0 else {
            let error = fail("bind")
            Foundation.close(fd)
            throw error
        }
        guard listen(fd, backlog) == 0 else {
            let error = fail("listen")
            Foundation.close(fd)
            throw error
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        let actual: UInt16
        if family == AF_INET {
            actual = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin_port) }
            }
        } else {
            actual = withUnsafePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { UInt16(bigEndian: $0.pointee.sin6_port) }
            }
        }
        self.fd = fd
        self.port = actual
    }

    /// Accepts one pending connection as a non-blocking socket with Nagle off (small
    /// responses must not wait for a delayed ACK); `nil` when none is pending.
    func accept() -> Int32? {
        while true {
            let client = clinux_accept_nonblocking(fd)
            if client >= 0 {
                var one: Int32 = 1
                setsockopt(client, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                return client
            }
            switch errno {
            case EINTR, ECONNABORTED: continue
            default: return nil  // EAGAIN, or EMFILE/ENFILE: try again on the next readiness
            }
        }
    }
}
