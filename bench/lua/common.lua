-- Shared by the wrk scenarios: reading the seed's manifest files and one machine-readable
-- result line (requests, rps, p50/p99 in ms, non-2xx answers, socket errors).
local M = {}

function M.lines(path, from, to)
  local t, n = {}, 0
  from = tonumber(from) or 1
  to = tonumber(to) or math.huge
  for l in io.lines(path) do
    n = n + 1
    if n >= from and n <= to and l ~= "" then
      t[#t + 1] = l
    end
    if n > to then
      break
    end
  end
  assert(#t > 0, path .. ": no lines in range")
  return t
end

function M.fields(line)
  local f = {}
  for x in string.gmatch(line, "[^\t]+") do
    f[#f + 1] = x
  end
  return f
end

-- The lines from..to of path, each split into its tab-separated fields.
function M.rows(path, from, to)
  local t = {}
  for _, l in ipairs(M.lines(path, from, to)) do
    t[#t + 1] = M.fields(l)
  end
  return t
end

-- Each row once, in order: next_row() gives the next (the last again once they are used up)
-- and response() stops the thread when every row has been answered. Set both in init.
function M.once(rows)
  local i, answered = 0, 0
  local function next_row()
    if i < #rows then
      i = i + 1
    end
    return rows[i]
  end
  local function response()
    answered = answered + 1
    if answered >= #rows then
      wrk.thread:stop()
    end
  end
  return next_row, response
end

function M.done(summary, latency, requests)
  local s = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("RESULT requests=%d rps=%.1f p50=%.3f p99=%.3f non2xx=%d sockerr=%d\n",
    summary.requests, summary.requests / s, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end

return M
