-- GET the paths listed in BENCH_PATHS in turn (idea list, idea pages, dashboard, Open311, …).
package.path = (os.getenv("BENCH_LUA_DIR") or ".") .. "/?.lua;" .. package.path
local common = require("common")
local paths

setup = common.setup

function init(args)
  common.init_counters()
  paths = common.lines(os.getenv("BENCH_PATHS"))
end

function request()
  local index = common.next_index()
  return wrk.format("GET", paths[(index % #paths) + 1])
end

function response(status, headers, body)
  common.count(status)
end

done = common.done
