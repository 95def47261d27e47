-- Check-in with a one-time code from the TUK (POST /api/checkin), each code once, in order;
-- the run stops when the codes run out (a code used twice would be refused and counted
-- against the address, so none is).
-- args: FILE (email TAB code) FROM TO
package.path = "bench/lua/?.lua;" .. package.path
local common = require("common")
local rows, i, answered = nil, 0, 0

function init(args)
  rows = {}
  for _, l in ipairs(common.lines(args[1], args[2], args[3])) do
    rows[#rows + 1] = common.fields(l)
  end
end

function request()
  i = i + 1
  local r = rows[i] or rows[#rows]
  return wrk.format("POST", "/api/checkin", { ["Content-Type"] = "application/json" },
    '{"code":"' .. r[2] .. '"}')
end

function response(status, headers, body)
  answered = answered + 1
  if answered >= #rows then
    wrk.thread:stop()
  end
end

done = common.done
