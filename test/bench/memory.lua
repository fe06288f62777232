-- wrk script of the memory run (test/bench/bench.pl --memory).
--
--   wrk ... -s memory.lua -- QUOTA DIR APIKEY
--
-- Each wrk thread sends QUOTA requests, then writes DIR/done.NNN and
-- stops (the caller interrupts wrk once every thread is done).  Requests
-- cycle through the endpoints: the base document and /provisioning/me with
-- the API key on every cycle, and, spread evenly over the whole quota while
-- the thread's slices last, a provisioning token (every other one with
-- ?reset_password) from DIR/tokens.NNN and an auth token from
-- DIR/auth_tokens.NNN.  No token is ever sent twice.

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./")
       .. "threads.lua")

local quota, dir, sent = 0, nil, 0
local base, me
local tokens, auth_tokens = {}, {}
local tok_i, auth_i = 0, 0
local tok_every, auth_every
counts = { base = 0, me = 0, token = 0, auth = 0 }

local function slurp(name)
    local t = {}
    local f = io.open(string.format("%s/%s.%03d", dir, name, id), "r")
    if f then
        for line in f:lines() do
            t[#t + 1] = line
        end
        f:close()
    end
    return t
end

function init(args)
    quota = tonumber(args[1])
    dir = args[2]
    base = wrk.format("GET", "/provisioning",
                      { ["x-linphone-provisioning"] = "1" })
    me = wrk.format("GET", "/provisioning/me",
                    { ["x-linphone-provisioning"] = "1",
                      ["x-api-key"] = args[3] })
    tokens = slurp("tokens")
    auth_tokens = slurp("auth_tokens")
    -- one token request every tok_every requests, spread over the quota
    tok_every = #tokens > 0 and math.floor(quota / #tokens) or 0
    auth_every = #auth_tokens > 0 and math.floor(quota / #auth_tokens) or 0
end

function request()
    sent = sent + 1
    if sent == quota then
        local f = io.open(string.format("%s/done.%03d", dir, id), "w")
        if f then
            f:write("done\n")
            f:close()
        end
        wrk.thread:stop()
    end
    if tok_every > 0 and sent % tok_every == 0 and tok_i < #tokens then
        tok_i = tok_i + 1
        counts.token = counts.token + 1
        return wrk.format("GET", "/provisioning/" .. tokens[tok_i]
                          .. (tok_i % 2 == 0 and "?reset_password" or ""),
                          { ["x-linphone-provisioning"] = "1" })
    end
    if auth_every > 0 and sent % auth_every == 1 and auth_i < #auth_tokens then
        auth_i = auth_i + 1
        counts.auth = counts.auth + 1
        return wrk.format("GET", "/provisioning/auth_token/"
                          .. auth_tokens[auth_i])
    end
    if sent % 2 == 0 then
        counts.base = counts.base + 1
        return base
    end
    counts.me = counts.me + 1
    return me
end

function done(summary, latency, requests)
    local c = { base = 0, me = 0, token = 0, auth = 0 }
    for _, t in ipairs(threads) do
        local tc = t:get("counts")
        for k, v in pairs(tc) do
            c[k] = c[k] + v
        end
    end
    report("MEMORY", summary, { { "base", c.base }, { "me", c.me },
                                { "token", c.token }, { "auth_token", c.auth } })
end
