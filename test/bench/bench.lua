-- wrk script of `make -f Makefile.apxs bench` (test/bench/bench.pl).
--
--   wrk ... -s bench.lua -- PATH [file=PREFIX [slice=K]] [header=NAME: VALUE]...
--
-- Without file=, every request is the same (PATH and headers as given).
-- With file=PREFIX, wrk thread N reads its own slice PREFIX.NNN, where NNN
-- is N + K (one line per request, never reused), and "{}" in PATH and in
-- header values is replaced by the line: a fresh token, or a fresh digest
-- Authorization.
-- When a slice runs out, that thread stops (no request is ever repeated)
-- and done() reports it, so the caller can refuse the figure.
--
-- With stop401=1 (digest rows), a 401 stops its thread: its connection's
-- nonce was refused (stale: the nonce cache no longer holds its count).  A
-- real client answers the new challenge; this one cannot compute digests,
-- and sending the refused nonce again would only draw more 401s, each
-- issuing a nonce whose count pushes the other connections' out of the
-- cache.
--
-- done() prints one line the caller parses:
--   BENCH requests=.. duration_us=.. bytes=.. p50_us=.. p99_us=..
--         status_errors=.. socket_errors=.. exhausted=.. refused=..

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./")
       .. "threads.lua")

local path, headers, fh, fixed
exhausted = 0
refused = 0

local function fill(s, line)
    return (s:gsub("{}", function() return line end))
end

function init(args)
    local prefix, slice = nil, 0
    path = args[1]
    headers = {}
    for i = 2, #args do
        local k, v = args[i]:match("^(%w+)=(.*)$")
        if k == "file" then
            prefix = v
        elseif k == "slice" then
            slice = tonumber(v)
        elseif k == "stop401" then
            function response(status)
                if status == 401 then
                    refused = refused + 1
                    wrk.thread:stop()
                end
            end
        elseif k == "header" then
            local name, value = v:match("^([^:]+):%s*(.*)$")
            headers[name] = value
        else
            error("bench.lua: bad argument " .. args[i])
        end
    end
    if prefix then
        fh = assert(io.open(string.format("%s.%03d", prefix, id + slice), "r"))
    else
        fixed = wrk.format("GET", path, headers)
    end
end

function request()
    if fixed then
        return fixed
    end
    local line = fh:read("*l")
    if not line then
        exhausted = exhausted + 1
        wrk.thread:stop()
        return wrk.format("GET", "/bench-ran-out-of-lines")
    end
    local h = {}
    for k, v in pairs(headers) do
        h[k] = fill(v, line)
    end
    return wrk.format("GET", fill(path, line), h)
end

function done(summary, latency, requests)
    local ex, rf = 0, 0
    for _, t in ipairs(threads) do
        ex = ex + (t:get("exhausted") or 0)
        rf = rf + (t:get("refused") or 0)
    end
    report("BENCH", summary, { { "p50_us", latency:percentile(50) },
                               { "p99_us", latency:percentile(99) },
                               { "exhausted", ex },
                               { "refused", rf } })
end
