-- Shared by every scenario: per-thread counters, reading line files, a JSON report from done().
-- wrk runs setup() and done() in the main Lua state and request()/response() in each thread's
-- own state, so counters live in thread globals and done() collects them with thread:get().
local M = {}
local threads = {}
M.nthreads = tonumber(os.getenv("BENCH_THREADS") or "2")
M.max_requests = tonumber(os.getenv("BENCH_MAX_REQUESTS") or "0")

function M.lines(path)
  local out = {}
  if not path or path == "" then return out end
  for line in io.lines(path) do
    if line ~= "" then out[#out + 1] = line end
  end
  return out
end

function M.setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

-- Thread globals: tid, sent, responses, s200, s201, s4xx, s5xx, sother, repeats.
function M.init_counters()
  sent, responses, s200, s201, s4xx, s5xx, sother, repeats = 0, 0, 0, 0, 0, 0, 0, 0
end

-- The index of the next request across all threads: 0, 1, 2 … without two threads colliding.
function M.next_index()
  local index = sent * M.nthreads + tid
  sent = sent + 1
  return index
end

function M.count(status)
  responses = responses + 1
  if status == 200 then s200 = s200 + 1
  elseif status == 201 then s201 = s201 + 1
  elseif status >= 500 then s5xx = s5xx + 1
  elseif status >= 400 then s4xx = s4xx + 1
  else sother = sother + 1 end
  if M.max_requests > 0 and responses >= M.max_requests / M.nthreads then
    wrk.thread:stop()
  end
end

function M.done(summary, latency, requests)
  local names = {"sent", "responses", "s200", "s201", "s4xx", "s5xx", "sother", "repeats"}
  local totals = {}
  for _, name in ipairs(names) do totals[name] = 0 end
  for _, thread in ipairs(threads) do
    for _, name in ipairs(names) do totals[name] = totals[name] + (thread:get(name) or 0) end
  end
  local counts = {}
  for _, name in ipairs(names) do counts[#counts + 1] = string.format('"%s":%d', name, totals[name]) end
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"stdev":%.1f,"p50":%d,"p90":%d,"p95":%d,"p99":%d,"max":%d},' ..
    '"counts":{%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.stdev, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max,
    table.concat(counts, ",")))
end

return M
