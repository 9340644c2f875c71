-- POST /api/v1/ideas/{id}/vote, each request as another resident (a distinct API token); when the
-- tokens run out the same residents vote for the next idea (within their allowance).
package.path = (os.getenv("BENCH_LUA_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")
local tokens, ideas
local offset = tonumber(os.getenv("BENCH_OFFSET") or "0")

setup = common.setup

function init(args)
  common.init_counters()
  tokens = common.lines(os.getenv("BENCH_TOKENS"))
  ideas = common.lines(os.getenv("BENCH_IDEAS"))
end

function request()
  local index = common.next_index() + offset
  local token = tokens[(index % #tokens) + 1]
  local idea = ideas[((index + math.floor(index / #tokens)) % #ideas) + 1]
  return wrk.format("POST", "/api/v1/ideas/" .. idea .. "/vote",
    {["Authorization"] = "Bearer " .. token, ["Content-Length"] = "0"}, "")
end

function response(status, headers, body)
  common.count(status)
end

done = common.done
