-- wrk script: POST pre-signed Stripe events, each once, and count answers by status.
-- Usage: wrk -t <threads> -s load.lua <url> -- <requests file> <threads>
-- The file has one request per line: Stripe-Signature header, a tab, the JSON body.
local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  lines = {}
  for line in io.lines(args[1]) do
    lines[#lines + 1] = line
  end
  stride = tonumber(args[2])
  position = id
  ok, rejected, failed = 0, 0, 0
end

function request()
  -- Threads take interleaved lines, so no two requests send the same event.
  local line = lines[position % #lines + 1]
  position = position + stride
  local tab = line:find("\t", 1, true)
  return wrk.format("POST", nil, {
    ["Stripe-Signature"] = line:sub(1, tab - 1),
    ["Content-Type"] = "application/json",
  }, line:sub(tab + 1))
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok = ok + 1
  elseif status < 500 then
    rejected = rejected + 1
  else
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local ok_total, rejected_total, failed_total = 0, 0, 0
  for _, thread in ipairs(threads) do
    ok_total = ok_total + thread:get("ok")
    rejected_total = rejected_total + thread:get("rejected")
    failed_total = failed_total + thread:get("failed")
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "ok": %d, "status_4xx": %d, ' ..
    '"status_5xx": %d, "socket_errors": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d}\n',
    summary.requests, summary.duration, ok_total, rejected_total, failed_total,
    e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
