-- Check-in with a one-time code from the TUK (POST /api/checkin), each code once, in order;
-- the run stops when the codes run out (a code used twice would be refused and counted
-- against the address, so none is).
-- args: FILE (email TAB code) FROM TO
package.path = "bench/lua/?.lua;" .. package.path
local common = require("common")
local next_row

function init(args)
  next_row, response = common.once(common.rows(args[1], args[2], args[3]))
end

function request()
  local r = next_row()
  return wrk.format("POST", "/api/checkin", { ["Content-Type"] = "application/json" },
    '{"code":"' .. r[2] .. '"}')
end

done = common.done
