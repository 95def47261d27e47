-- Issuance: an administrator issues the certificate of a different passed attempt with each
-- request; the thread stops when its list is used up.
-- args: FILE (attempt id a line) FROM TO ADMIN_TOKEN_FILE
package.path = "bench/lua/?.lua;" .. package.path
local common = require("common")
local ids, next_id, answered, token = nil, 1, 0, nil

function init(args)
  ids = common.lines(args[1], args[2], args[3])
  token = common.lines(args[4])[1]
end

function request()
  local id = ids[next_id]
  if next_id < #ids then
    next_id = next_id + 1
  end
  return wrk.format("POST", "/api/attempts/" .. id .. "/certificate",
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, "{}")
end

function response(status, headers, body)
  answered = answered + 1
  if answered >= #ids then
    wrk.thread:stop()
  end
end

done = common.done
