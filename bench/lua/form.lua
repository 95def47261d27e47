-- A logged-in candidate (bearer session) loading their exam form, many attempts.
-- args: FILE (token TAB attempt) FROM TO
package.path = "bench/lua/?.lua;" .. package.path
local common = require("common")
local rows

function init(args)
  rows = {}
  for _, l in ipairs(common.lines(args[1], args[2], args[3])) do
    rows[#rows + 1] = common.fields(l)
  end
  math.randomseed(os.time())
end

function request()
  local r = rows[math.random(#rows)]
  return wrk.format("GET", "/api/attempts/" .. r[2],
    { ["Authorization"] = "Bearer " .. r[1], ["Accept"] = "application/json" })
end

done = common.done
