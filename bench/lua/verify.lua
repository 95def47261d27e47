-- The verification page reached from a QR code, over many distinct certificates.
-- args: FILE (one QR token a line) MODE ("html" | "json")
package.path = "bench/lua/?.lua;" .. package.path
local common = require("common")
local tokens, accept

function init(args)
  tokens = common.lines(args[1])
  accept = args[2] == "json" and "application/json" or "text/html"
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
end

function request()
  return wrk.format("GET", "/V/" .. tokens[math.random(#tokens)], { ["Accept"] = accept })
end

done = common.done
