-- wrk script for the itprosig benchmark: optional request plan, one JSON line of results.
--
-- BENCH_PLAN names a file of tab-separated lines: METHOD, PATH, COOKIE, CSRF TOKEN, BODY (the last
-- three may be empty). Each thread walks the plan from its own offset, so sixteen connections spread
-- over different members and meetings. Without BENCH_PLAN, wrk's own request (the URL) is sent.

local plan = {}
local position = 0

local thread_count = 0
function setup(thread)
  thread:set("thread_index", thread_count)
  thread_count = thread_count + 1
end

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    fields[#fields + 1] = field
  end
  return fields
end

function init(args)
  local path = os.getenv("BENCH_PLAN")
  if path == nil or path == "" then
    return
  end
  for line in io.lines(path) do
    local f = split(line)
    local headers = {}
    if f[3] ~= nil and f[3] ~= "" then
      headers["Cookie"] = f[3]
    end
    if f[4] ~= nil and f[4] ~= "" then
      headers["X-CSRFToken"] = f[4]
    end
    local body = f[5]
    if body ~= nil and body ~= "" then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
    else
      body = nil
    end
    plan[#plan + 1] = wrk.format(f[1], f[2], headers, body)
  end
  local index = tonumber(thread_index) or 0
  position = math.floor(#plan * index / 4)
end

function request()
  if #plan == 0 then
    return wrk.request()
  end
  position = position % #plan + 1
  return plan[position]
end

function done(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  local seconds = summary.duration / 1000000
  io.write(string.format(
    '{"requests": %d, "errors": %d, "status_errors": %d, "seconds": %.3f, "rps": %.1f, '
      .. '"p50_ms": %.2f, "p90_ms": %.2f, "p99_ms": %.2f, "max_ms": %.2f}\n',
    summary.requests, errors, summary.errors.status, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000
  ))
end
