-- Mixed traffic for the soak (bench/soak.py): public pages, votes by distinct residents and appeal
-- filings with idempotency keys in one fixed interleaved sequence (BENCH_MIX, comma-separated
-- kinds), paced to BENCH_RATE requests/s with wrk's delay() hook (0: as fast as the connections go,
-- which is how the capacity is measured).
--
-- One request is in flight per connection but several connections share a thread, so response()
-- cannot know which request it answers: it tells the kinds apart by the answer itself (a vote's
-- 201 carries "voted", an appeal's 200/201 is a JSON object, pages are HTML and Open311 a list).
package.path = (os.getenv("BENCH_LUA_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")
local ffi = require("ffi")

local run = os.getenv("BENCH_RUN") or "soak"
local offset = tonumber(os.getenv("BENCH_OFFSET") or "0")
local rate = tonumber(os.getenv("BENCH_RATE") or "0")
-- Keys are per window (BENCH_RUN), and a window at a few requests/s files only some tens of
-- appeals: repeat one 5 filings back, not appeal.lua's 50, so that repeats happen in every window.
local REPEAT_EVERY, REPEAT_BACK = 10, 5
local threads = {}
local mix, paths, tokens, ideas, categories, districts, holes

local texts = {
  "В фойе не работает гардероб, посетители оставляют куртки на креслах. Прошу разобраться.",
  "У входа в библиотеку разбита плитка, пожилые люди спотыкаются. Просим отремонтировать.",
  "На сайте учреждения неверный режим работы в праздничные дни. Прошу исправить.",
  "В зале очень душно, вентиляция не работает уже вторую неделю. Примите меры.",
}

-- Thread globals besides common's: what was sent and answered per kind, for the loss checks.
local NAMES = {"votes_sent", "appeals_sent", "vote201", "appeal201", "appeal200"}

function setup(thread)
  common.setup(thread)
  table.insert(threads, thread)
end

function init(args)
  common.init_counters()
  votes_sent, appeals_sent, vote201, appeal201, appeal200 = 0, 0, 0, 0, 0
  page_sent, appeal_new = 0, 0
  mix = {}
  for kind in string.gmatch(os.getenv("BENCH_MIX") or "", "[^,]+") do mix[#mix + 1] = kind end
  paths = {}
  for _, kind in ipairs(mix) do
    local file = os.getenv("BENCH_PATHS_" .. string.upper(kind))
    if file and not paths[kind] then paths[kind] = common.lines(file) end
  end
  tokens = common.lines(os.getenv("BENCH_TOKENS"))
  ideas = common.lines(os.getenv("BENCH_IDEAS"))
  categories = common.lines(os.getenv("BENCH_CATEGORIES"))
  districts = common.lines(os.getenv("BENCH_DISTRICTS"))
  -- Vote indexes left free by earlier runs, used before continuing at BENCH_OFFSET.
  holes = common.lines(os.getenv("BENCH_HOLES"))
end

-- The same (resident, idea) mapping as vote.lua, so that soak and bench continue each other.
local function vote()
  local k = votes_sent * common.nthreads + tid
  votes_sent = votes_sent + 1
  local index = k < #holes and tonumber(holes[k + 1]) or offset + k - #holes
  local token = tokens[(index % #tokens) + 1]
  local idea = ideas[((index + math.floor(index / #tokens)) % #ideas) + 1]
  return wrk.format("POST", "/api/v1/ideas/" .. idea .. "/vote",
    {["Authorization"] = "Bearer " .. token, ["Content-Length"] = "0"}, "")
end

-- As appeal.lua: every tenth filing repeats the key of an earlier one (must answer 200).
local function appeal()
  local index
  appeals_sent = appeals_sent + 1
  if appeals_sent % REPEAT_EVERY == 0 and appeal_new > REPEAT_BACK then
    index = (appeal_new - REPEAT_BACK) * common.nthreads + tid
    repeats = repeats + 1
  else
    index = appeal_new * common.nthreads + tid
    appeal_new = appeal_new + 1
  end
  local body = string.format(
    '{"category_id":%s,"district_id":%s,"text":"%s","consent":true,"idempotency_key":"%s-%d"}',
    categories[(index % #categories) + 1], districts[(index % #districts) + 1],
    texts[(index % #texts) + 1], run, index)
  return wrk.format("POST", "/api/v1/appeals",
    {["Authorization"] = "Bearer " .. tokens[(index % #tokens) + 1],
     ["Content-Type"] = "application/json"}, body)
end

function request()
  local kind = mix[(sent % #mix) + 1]
  sent = sent + 1
  if kind == "vote" then return vote() end
  if kind == "appeal" then return appeal() end
  local list = paths[kind]
  page_sent = page_sent + 1
  return wrk.format("GET", list[(page_sent % #list) + 1])
end

function response(status, headers, body)
  common.count(status)
  if status == 201 then
    if body and string.find(body, '"voted"', 1, true) then
      vote201 = vote201 + 1
    else
      appeal201 = appeal201 + 1
    end
  elseif status == 200 and body and string.byte(body, 1) == 123 then -- "{": an appeal repeated
    appeal200 = appeal200 + 1
  end
end

-- Pacing: each thread hands out send times interval ms apart to whichever of its connections is
-- free; a connection that is late sends at once, but missed slots are not caught up in a burst.
if rate > 0 then
  ffi.cdef("typedef struct { long tv_sec; long tv_nsec; } soak_timespec;" ..
           "int clock_gettime(int clock, soak_timespec *ts);")
  local ts = ffi.new("soak_timespec")
  local CLOCK_MONOTONIC = 1
  local interval = 1000 * common.nthreads / rate
  local slot

  local function now_ms()
    ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
    return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
  end

  function delay()
    local now = now_ms()
    local at = math.max(slot or now, now)
    slot = at + interval
    return math.floor(at - now + 0.5)
  end
end

-- common.done's report plus a "mix" object with the per-kind counts (its line is captured and
-- extended rather than written twice, so bench/run.py's parser reads it unchanged).
function done(summary, latency, requests)
  local line
  local write = io.write
  io.write = function(text) line = text end
  common.done(summary, latency, requests)
  io.write = write
  local parts = {}
  for _, name in ipairs(NAMES) do
    local total = 0
    for _, thread in ipairs(threads) do total = total + (thread:get(name) or 0) end
    parts[#parts + 1] = string.format('"%s":%d', name, total)
  end
  io.write((string.gsub(line, "}\n$", ',"mix":{' .. table.concat(parts, ",") .. '}}\n')))
end
