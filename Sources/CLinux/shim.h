/* No _GNU_SOURCE here: it changes glibc struct layouts (fd_set) and then this module
   conflicts with the ones Foundation and Dispatch import. */
#include <sys/socket.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stddef.h>
#include <malloc.h>
#include <signal.h>
#include <unistd.h>

/* epoll_event is packed on x86_64; Swift imports it, but reading the union field is clearer here. */
static inline int clinux_epoll_event_fd(const struct epoll_event *event) {
    return event->data.fd;
}
static inline uint32_t clinux_epoll_event_flags(const struct epoll_event *event) {
    return event->events;
}
static inline int clinux_epoll_add(int epfd, int fd, uint32_t events) {
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = 0;
    ev.data.fd = fd;
    return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}
static inline int clinux_epoll_mod(int epfd, int fd, uint32_t events) {
    struct epoll_event ev;
    ev.events = events;
    ev.data.u64 = 0;
    ev.data.fd = fd;
    return epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
}

/* accept4 is a GNU extension declared only under _GNU_SOURCE, which Swift's Glibc does not set;
   glibc has exported it since 2.10, so declaring the prototype is enough. */
extern int accept4(int fd, struct sockaddr *restrict addr, socklen_t *restrict addrlen, int flags);
static inline int clinux_accept_nonblocking(int fd) {
    return accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
}

/* Bytes the allocator has handed out and not had back (benchmarks report what a run keeps). */
static inline size_t clinux_heap_bytes_in_use(void) {
    return mallinfo2().uordblks;
}

/* A mapped input file that is truncated while it is read raises SIGBUS on the next page read
   past its new end. The command line stops with a sentence instead of a crash; only
   async-signal-safe calls here. */
static void clinux_input_changed(int signal) {
    (void)signal;
    static const char message[] =
        "flyte-policy: error: an input file was truncated while it was being read, so the run stopped and its report is incomplete; run again once the file is written.\n";
    ssize_t ignored = write(2, message, sizeof message - 1);
    (void)ignored;
    _exit(2);
}
static inline void clinux_exit_on_bus_error(void) {
    signal(SIGBUS, clinux_input_changed);
}

/* A file without a name in `directory`, removed by the system when it is closed (a report
   spooled by `check`): O_TMPFILE, whose name glibc declares only under _GNU_SOURCE (its value,
   __O_TMPFILE, is always there); else a named file unlinked at once. -1 when neither works. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
static inline int clinux_open_unnamed(const char *directory) {
    int fd = open(directory, O_RDWR | __O_TMPFILE | O_CLOEXEC, 0600);
    if (fd >= 0) return fd;
    char path[4096];
    static const char suffix[] = "/flyte-policy-spool-XXXXXX";
    size_t length = strlen(directory);
    if (length + sizeof suffix > sizeof path) return -1;
    memcpy(path, directory, length);
    memcpy(path + length, suffix, sizeof suffix);
    fd = mkstemp(path);
    if (fd < 0) return -1;
    unlink(path);
    fcntl(fd, F_SETFD, FD_CLOEXEC);
    return fd;
}
