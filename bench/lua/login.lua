-- Log-in with e-mail and password (JSON API), cycling through seeded candidates.
-- args: FILE (email TAB password) FROM TO
package.path = "bench/lua/?.lua;" .. package.path
local common = require("common")
local rows, i = nil, 0

function init(args)
  rows = common.rows(args[1], args[2], args[3])
end

function request()
  i = i % #rows + 1
  local r = rows[i]
  return wrk.format("POST", "/api/auth/login", { ["Content-Type"] = "application/json" },
    '{"email":"' .. r[1] .. '","password":"' .. r[2] .. '"}')
end

done = common.done
