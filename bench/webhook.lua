-- wrk script for bench/webhook.sh: POSTs one AdmissionReview (the file in $BODY) over
-- keep-alive connections. With PACE_MS set, each connection waits that long between requests,
-- so C connections make about C * 1000 / PACE_MS requests per second (Debian's wrk has no -R).
-- Prints one machine-readable line at the end.
local file = assert(io.open(os.getenv("BODY"), "rb"))
wrk.method = "POST"
wrk.body = file:read("*a")
file:close()
wrk.headers["Content-Type"] = "application/json"

local pace = tonumber(os.getenv("PACE_MS") or "")
if pace then
  function delay() return pace end
end

-- With QUOTA set (requests per wrk thread), a thread stops once it has had that many answers:
-- a burst of a fixed number of reviews, as a fan-out of pods makes, not a timed run.
local quota = tonumber(os.getenv("QUOTA") or "")
if quota then
  local answered = 0
  function response(status, headers, body)
    answered = answered + 1
    if answered >= quota then wrk.thread:stop() end
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%d timeouts=%d\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.connect + e.read + e.write + e.status + e.timeout, e.timeout))
end
