-- Durable answer saves across many candidates and attempts.
-- args: FILE (token TAB attempt TAB item TAB value-json) FROM TO
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
  return wrk.format("PUT", "/api/attempts/" .. r[2] .. "/answers/" .. r[3],
    { ["Authorization"] = "Bearer " .. r[1], ["Content-Type"] = "application/json" },
    '{"value":' .. r[4] .. '}')
end

done = common.done
