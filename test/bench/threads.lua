-- Loaded by the wrk scripts bench.lua and memory.lua: every wrk thread
-- gets an id (the number of its slice files) and is listed for done().

threads = {}
local next_id = 0

function setup(thread)
    thread:set("id", next_id)
    next_id = next_id + 1
    table.insert(threads, thread)
end

-- done()'s one line, which bench.pl parses: TAG key=value..., wrk's
-- counts first, then the script's own (a list of {key, value})
function report(tag, summary, more)
    local e = summary.errors
    local line = string.format(
        "%s requests=%d duration_us=%d bytes=%d status_errors=%d socket_errors=%d",
        tag, summary.requests, summary.duration, summary.bytes, e.status,
        e.connect + e.read + e.write + e.timeout)
    for _, kv in ipairs(more) do
        line = line .. string.format(" %s=%d", kv[1], kv[2])
    end
    io.write(line .. "\n")
end
