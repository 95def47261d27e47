-- Check-in with a one-time code from the TUK (POST /api/checkin), each code once, in order;
-- the run stops when the codes have all been answered. If they run out before the run's
-- time, the connections that ask again before the stop send the last code once more: it is
-- refused (a non-2xx on the row, and a failure against the address), and bench/run.sh then
-- marks the rate a lower bound.
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
