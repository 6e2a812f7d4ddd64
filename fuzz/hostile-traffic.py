"""Hostile traffic against a running flyte-policy serve, while well-behaved clients measure that
valid AdmissionReviews keep being answered. Started by fuzz/hostile-traffic.sh.

usage: hostile-traffic.py PORT CA_FILE REVIEW_FILE SERVER_PID [SECONDS]
"""
import json, os, random, resource, socket, ssl, statistics, sys, threading, time

port, ca, review_path, pid = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
seconds = float(sys.argv[5]) if len(sys.argv) > 5 else 20
review = open(review_path, "rb").read()
request = (b"POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
           b"Content-Length: " + str(len(review)).encode() + b"\r\n\r\n" + review)
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
context = ssl.create_default_context(cafile=ca)
stop = threading.Event()
counts = {}
lock = threading.Lock()


def count(name, n=1):
    with lock:
        counts[name] = counts.get(name, 0) + n


def rss(field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field):
            return int(line.split()[1]) // 1024
    return 0


def tcp():
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def tls():
    return context.wrap_socket(tcp(), server_hostname="localhost")


def read_response(s):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = s.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int([l for l in head.split(b"\r\n") if l.lower().startswith(b"content-length:")][0].split(b":")[1])
    while len(body) < length:
        chunk = s.recv(65536)
        if not chunk:
            raise ConnectionError("closed")
        body += chunk
    return int(head.split(b" ")[1]), body[:length]


# --- well-behaved clients -------------------------------------------------------------------
latencies = []
outcomes = {"ok": 0, "failed": 0}


def record(ok, started):
    """Counts one request of a well-behaved client, and its latency when it was served."""
    with lock:
        outcomes["ok" if ok else "failed"] += 1
        if ok:
            latencies.append(time.perf_counter() - started)


def good_keepalive():
    s = None
    while not stop.is_set():
        started = time.perf_counter()
        try:
            if s is None:
                s = tls()
            s.sendall(request)
            status, body = read_response(s)
            ok = status == 200 and json.loads(body)["response"]["allowed"] is False
        except Exception:
            ok = False
            s = None
        record(ok, started)
        time.sleep(0.01)


def good_new_connections():
    while not stop.is_set():
        started = time.perf_counter()
        try:
            with tls() as s:
                s.sendall(request)
                status, _ = read_response(s)
                ok = status == 200
        except Exception:
            ok = False
        record(ok, started)
        time.sleep(0.05)


# --- attackers ------------------------------------------------------------------------------
def garbage():
    while not stop.is_set():
        try:
            with tcp() as s:
                s.sendall(os.urandom(random.randint(1, 4096)))
                s.settimeout(2)
                s.recv(100)
        except Exception:
            pass
        count("garbage connections")


def plain_http_on_tls_port():
    while not stop.is_set():
        try:
            with tcp() as s:
                s.sendall(request)
                s.settimeout(2)
                s.recv(100)
        except Exception:
            pass
        count("plain-HTTP connections")
        time.sleep(0.01)


held = []


def stalled_handshakes(n=300):
    for _ in range(n):
        if stop.is_set():
            return
        try:
            s = tcp()
            s.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(20))  # half a ClientHello
            held.append(s)
            count("stalled handshakes")
        except Exception:
            count("stalled handshakes refused")


def idle_tls(n=3000):
    for _ in range(n):
        if stop.is_set():
            return
        try:
            held.append(tls())
            count("idle TLS connections opened")
        except Exception:
            count("idle TLS connections refused")


def huge_headers():
    while not stop.is_set():
        try:
            with tls() as s:
                s.sendall(b"POST /validate HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * (1 << 20) + b"\r\n\r\n")
                status, _ = read_response(s)
                count(f"huge headers -> {status}")
        except Exception:
            count("huge headers -> closed")
        time.sleep(0.05)


def lying_bodies():
    while not stop.is_set():
        try:
            with tls() as s:  # claims more than it sends, then stalls: the request timeout cuts it
                s.sendall(b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{\"a\":")
                s.settimeout(15)
                s.recv(100)
                count("short body -> closed by server")
        except Exception:
            count("short body -> client gave up")
        try:
            with tls() as s:  # claims less than it sends: the rest is a malformed second request
                s.sendall(b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}" + os.urandom(2000))
                status, _ = read_response(s)
                status2, _ = read_response(s)
                count(f"long body -> {status} then {status2}")
        except Exception:
            count("long body -> closed after first answer")


def deep_json():
    body = b"[" * 200000
    while not stop.is_set():
        try:
            with tls() as s:
                s.sendall(b"POST /validate HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                          + str(len(body)).encode() + b"\r\n\r\n" + body)
                status, _ = read_response(s)
                count(f"deeply nested JSON -> {status}")
        except Exception:
            count("deeply nested JSON -> closed")
        time.sleep(0.05)


before = rss("VmRSS")
threads = [threading.Thread(target=f, daemon=True) for f in
           (good_keepalive, good_new_connections, garbage, plain_http_on_tls_port, stalled_handshakes, idle_tls,
            huge_headers, lying_bodies, deep_json)]
for t in threads:
    t.start()
time.sleep(seconds)
during = rss("VmRSS")
stop.set()
for s in held:
    try:
        s.close()
    except Exception:
        pass
time.sleep(2)
after = rss("VmRSS")
peak = rss("VmHWM")
total = outcomes["ok"] + outcomes["failed"]
ordered = sorted(latencies)
p = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else float("nan")
print(f"valid requests: {outcomes['ok']}/{total} answered correctly ({100.0 * outcomes['ok'] / max(1, total):.2f} %), "
      f"p50 {p(0.5):.2f} ms, p99 {p(0.99):.2f} ms, max {p(1.0):.2f} ms")
print(f"server memory: {before} MiB before, {during} MiB during, {after} MiB after, peak {peak} MiB")
for name in sorted(counts):
    print(f"  {name}: {counts[name]}")
sys.exit(0 if total and outcomes["failed"] == 0 else 1)
