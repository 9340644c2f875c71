-- POST /api/v1/appeals with an idempotency key per appeal; every tenth request repeats the key of
-- an earlier one by the same resident, which must answer 200 with the first appeal and create none.
package.path = (os.getenv("BENCH_LUA_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")
local tokens, categories, districts
local run = os.getenv("BENCH_RUN") or "run"
local REPEAT_EVERY, REPEAT_BACK = 10, 50

setup = common.setup

function init(args)
  common.init_counters()
  tokens = common.lines(os.getenv("BENCH_TOKENS"))
  categories = common.lines(os.getenv("BENCH_CATEGORIES"))
  districts = common.lines(os.getenv("BENCH_DISTRICTS"))
  new_index = 0
end

local texts = {
  "В фойе не работает гардероб, посетители оставляют куртки на креслах. Прошу разобраться.",
  "У входа в библиотеку разбита плитка, пожилые люди спотыкаются. Просим отремонтировать.",
  "На сайте учреждения неверный режим работы в праздничные дни. Прошу исправить.",
  "В зале очень душно, вентиляция не работает уже вторую неделю. Примите меры.",
}

function request()
  local index
  sent = sent + 1
  if sent % REPEAT_EVERY == 0 and new_index > REPEAT_BACK then
    index = (new_index - REPEAT_BACK) * common.nthreads + tid
    repeats = repeats + 1
  else
    index = new_index * common.nthreads + tid
    new_index = new_index + 1
  end
  local body = string.format(
    '{"category_id":%s,"district_id":%s,"text":"%s","consent":true,"idempotency_key":"%s-%d"}',
    categories[(index % #categories) + 1], districts[(index % #districts) + 1],
    texts[(index % #texts) + 1], run, index)
  return wrk.format("POST", "/api/v1/appeals",
    {["Authorization"] = "Bearer " .. tokens[(index % #tokens) + 1],
     ["Content-Type"] = "application/json"}, body)
end

function response(status, headers, body)
  common.count(status)
end

done = common.done
