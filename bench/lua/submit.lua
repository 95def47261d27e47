-- Submit and score: each request finishes a different open attempt; the thread stops when
-- its list is used up, so repeated (idempotent) submits never inflate the figure.
-- args: FILE (token TAB attempt) FROM TO
package.path = "bench/lua/?.lua;" .. package.path
local common = require("common")
local next_row

function init(args)
  next_row, response = common.once(common.rows(args[1], args[2], args[3]))
end

function request()
  local r = next_row()
  return wrk.format("POST", "/api/attempts/" .. r[2] .. "/submit",
    { ["Authorization"] = "Bearer " .. r[1], ["Content-Type"] = "application/json" }, "{}")
end

done = common.done
