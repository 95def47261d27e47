-- A fixed GET (the URL given to wrk), with the result line. Arguments are extra request
-- headers as "Name: value" (the static asset scenario sends a browser's Accept-Encoding).
package.path = "bench/lua/?.lua;" .. package.path
local common = require("common")
done = common.done

function init(args)
  for _, h in ipairs(args) do
    local name, value = h:match("^([^:]+):%s*(.*)$")
    if name then
      wrk.headers[name] = value
    end
  end
  wrk.request = wrk.format() -- the one request every connection repeats
end
