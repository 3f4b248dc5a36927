-- wrk script for `python -m bench throughput`: replays the requests of a fixture file.
--
-- Usage: wrk -t N ... -s bench/wrk/fixtures.lua <url> -- <file> <cycle: 1|0> <N> <expected>
-- Each line of the file is METHOD<TAB>PATH<TAB>TOKEN<TAB>BODY (an empty TOKEN or BODY is left
-- out). Every wrk thread takes its own share of the lines. With cycle=1 the lines repeat
-- (reads); with cycle=0 each is sent once (writes: an answer, a hint, a new session) and the
-- thread stops when its share is used up, so no request is ever sent twice. <expected> lists
-- the statuses that count as served (e.g. "201"); anything else is counted as bad.
-- done() prints one JSON line: requests served, bad, the span they took, p50 and p99 latency.

local threads = {}
local counter = 0
local FILLER = '{"ok": true}'

-- A wall clock in microseconds (LuaJIT's ffi): wrk's own duration is the -d it was given,
-- even when the fixtures ran out earlier, so the span is measured here, from each thread's
-- first request to its last counted response.
local ffi = require("ffi")
ffi.cdef[[
typedef struct { long tv_sec; long tv_usec; } dars_timeval;
int gettimeofday(dars_timeval *tv, void *tz);
]]
local clock = ffi.new("dars_timeval")
local function now_us()
  ffi.C.gettimeofday(clock, nil)
  return tonumber(clock.tv_sec) * 1000000 + tonumber(clock.tv_usec)
end

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local function split(line)
  local fields = {}
  for field in (line .. "\t"):gmatch("([^\t]*)\t") do
    table.insert(fields, field)
  end
  return fields
end

function init(args)
  local file = args[1]
  local nthreads = tonumber(args[3])
  repeat_mode, expected = args[2] == "1", args[4]
  mine, position, done_sending, ok, bad, first_us, last_us = {}, 0, false, 0, 0, 0, 0
  local index = 0
  local lines = {}
  for line in io.lines(file) do table.insert(lines, line) end
  if repeat_mode and #lines < nthreads then nthreads = 1; id = 0 end -- too few to share
  for _, line in ipairs(lines) do
    if index % nthreads == id then
      local f = split(line)
      local headers = { ["Content-Type"] = "application/json" }
      if f[3] ~= "" then headers["Authorization"] = "Bearer " .. f[3] end
      local body = nil
      if f[4] ~= "" then
        body = f[4]
      elseif f[1] ~= "GET" then
        -- A POST without a body carries Content-Length: 0, as the Mini App's fetch sends it
        -- (wrk.format adds no Content-Length when there is no body).
        headers["Content-Length"] = "0"
      end
      table.insert(mine, wrk.format(f[1], f[2], headers, body))
    end
    index = index + 1
  end
end

function request()
  if first_us == 0 then first_us = now_us() end
  position = position + 1
  if position > #mine then
    if repeat_mode then
      position = 1
    else
      -- Used up: nothing is sent twice. Until the thread stops, its connections get the
      -- plain baseline, whose body tells it apart and which is not counted.
      done_sending = true
      return wrk.format("GET", "/bench/plain/")
    end
  end
  return mine[position]
end

function response(status, headers, body)
  if done_sending and body == FILLER then
    -- filler after the fixtures ran out
  elseif string.find(expected, tostring(status), 1, true) then
    ok = ok + 1
    last_us = now_us()
  else
    bad = bad + 1
    last_us = now_us()
    if bad <= 2 then io.stderr:write("unexpected " .. status .. ": " .. body:sub(1, 300) .. "\n") end
  end
  if done_sending then wrk.thread:stop() end
end

function done(summary, latency, requests)
  local total_ok, total_bad, first, last = 0, 0, nil, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_bad = total_bad + thread:get("bad")
    local started, ended = thread:get("first_us"), thread:get("last_us")
    if started > 0 and (first == nil or started < first) then first = started end
    if ended > last then last = ended end
  end
  local span = summary.duration
  if first ~= nil and last > first then span = last - first end
  local errors = summary.errors
  io.write(string.format(
    '{"ok": %d, "bad": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "socket_errors": %d}\n',
    total_ok, total_bad, span, latency:percentile(50), latency:percentile(99),
    errors.connect + errors.read + errors.write + errors.timeout))
end
