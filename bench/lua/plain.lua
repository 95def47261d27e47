-- A fixed GET (the URL given to wrk), with the result line.
package.path = "bench/lua/?.lua;" .. package.path
local common = require("common")
done = common.done
